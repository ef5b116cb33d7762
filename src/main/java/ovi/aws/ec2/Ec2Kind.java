package ovi.aws.ec2;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import ovi.aws.AwsClients;
import ovi.aws.AwsKind;
import ovi.aws.ReplyCheck;
import ovi.engine.ResourceKind;
import ovi.model.Action;
import ovi.model.Field;
import ovi.model.ResourceType;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * EC2 instances: {@code size} (the instance type; changing it stops and starts the instance) and
 * {@code image} (used to launch only). Listed per region; created with a ClientToken, so a retried
 * create launches nothing new.
 */
public final class Ec2Kind implements AwsKind {
    private static final Pattern SIZE = Pattern.compile("[a-z][a-z0-9-]*\\.[a-z0-9-]+");

    public static final ResourceType TYPE = ResourceType.regional("ec2", "instance", List.of(
            Field.disruptive("size", Field.matching(SIZE, "an EC2 instance type such as t3.micro")),
            Field.createOnly("image", Field.text())),
            Set.of(Action.CREATE, Action.UPDATE, Action.DELETE));

    /** EC2 speaks the query protocol; the list it observes with is present even when empty. */
    public static final ReplyCheck.Rules REPLIES = ReplyCheck.Rules.query(
            Map.of("DescribeInstances", "<reservationSet"));

    @Override
    public ResourceType type() {
        return TYPE;
    }

    @Override
    public ResourceKind bind(AwsClients aws) {
        return new Ec2Instances(aws);
    }

    static Ec2Client ec2(AwsClients aws, String region) {
        return aws.client("ec2", region, Ec2Client::builder, b -> b, REPLIES);
    }
}

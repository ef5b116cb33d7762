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
 * EC2 instances: {@code size} (the instance type; changing it stops and starts the instance), and how an
 * instance is launched: {@code image}, {@code subnet}, {@code keyName}, {@code userData} and {@code rootVolume}
 * are used at RunInstances only (AWS cannot change them on a running instance, so they are never drift);
 * {@code securityGroups}, {@code iamInstanceProfile} and {@code monitoring} are compared with what
 * DescribeInstances says and changed in place. Listed per region; created with a ClientToken, so a retried
 * create launches nothing new.
 */
public final class Ec2Kind implements AwsKind {
    private static final Pattern SIZE = Pattern.compile("[a-z][a-z0-9-]*\\.[a-z0-9-]+");

    public static final ResourceType TYPE = ResourceType.regional("ec2", "instance", List.of(
            Field.disruptive("size", Field.matching(SIZE, "an EC2 instance type such as t3.micro")),
            Field.createOnly("image", Field.text()),
            Field.createOnly("subnet", Field.matching(Ec2Fields.SUBNET, "a subnet id such as subnet-0abc1234"))
                    .optional(),
            Field.compared("securityGroups", Field.setOf(Field.reference(Ec2Fields.SECURITY_GROUP,
                    "a security group id such as sg-0abc1234"), 1)).refersTo("security-group").optional(),
            Field.createOnly("keyName", Field.matching(Ec2Fields.KEY_NAME, "a key pair name of up to 255 ASCII "
                    + "characters")).optional(),
            Field.compared("iamInstanceProfile", Field.shown(Ec2Fields::instanceProfile, Ec2Fields::showProfile))
                    .optional(),
            Field.createOnly("userData", Ec2Fields::userData).optional(),
            Field.createOnly("rootVolume", Ec2Fields::rootVolume).optional(),
            Field.compared("monitoring", Field.bool()).optional()),
            Set.of(Action.CREATE, Action.UPDATE, Action.DELETE));

    /**
     * EC2 speaks the query protocol; the lists it reads (instances; the image whose root device a root volume
     * is set on; an instance's profile association) are present even when empty.
     */
    public static final ReplyCheck.Rules REPLIES = ReplyCheck.Rules.query(
            Map.of("DescribeInstances", "<reservationSet", "DescribeImages", "<imagesSet",
                    "DescribeIamInstanceProfileAssociations", "<iamInstanceProfileAssociationSet"));

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

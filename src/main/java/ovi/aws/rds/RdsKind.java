package ovi.aws.rds;

import java.util.List;
import java.util.Map;
import java.util.Set;
import ovi.aws.AwsClients;
import ovi.aws.AwsKind;
import ovi.aws.ReplyCheck;
import ovi.engine.ResourceKind;
import ovi.model.Action;
import ovi.model.Field;
import ovi.model.ResourceType;
import ovi.model.StorageSize;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * RDS DB instances: {@code size} (the instance class), {@code engine} and {@code storage} (whole GiB), all
 * compared. Listed per region; created under the identifier {@code <owner>-<id>}, so a repeated create
 * collides instead of making a second instance.
 */
public final class RdsKind implements AwsKind {
    public static final ResourceType TYPE = ResourceType.regional("rds", "DB instance", List.of(
            Field.compared("size", RdsKind::instanceClass),
            Field.compared("engine", Field.text()),
            Field.compared("storage", RdsKind::storage)),
            Set.of(Action.CREATE, Action.UPDATE, Action.DELETE));

    public static final ReplyCheck.Rules REPLIES = ReplyCheck.Rules.query(Map.of("DescribeDBInstances", "<DBInstances"));

    @Override
    public ResourceType type() {
        return TYPE;
    }

    @Override
    public ResourceKind bind(AwsClients aws) {
        return new RdsInstances(aws);
    }

    static RdsClient rds(AwsClients aws, String region) {
        return aws.client("rds", region, RdsClient::builder, b -> b, REPLIES);
    }

    private static String instanceClass(Field.Value v) {
        String c = Field.text().read(v);
        if (c.startsWith("db.") && c.length() > 3) {
            return c;
        }
        throw new IllegalArgumentException("'" + c + "' is not an RDS instance class; those start with 'db.', e.g. "
                + "db.t3.micro");
    }

    /** "storage: 20" reads as a YAML integer and means 20 GiB, so numbers are taken as their text. */
    private static String storage(Field.Value v) {
        if (!v.string() && !v.number()) {
            throw new IllegalArgumentException("storage must be a size such as 20Gi, not " + v.description());
        }
        return Long.toString(StorageSize.parseGiB(v.text()));
    }
}

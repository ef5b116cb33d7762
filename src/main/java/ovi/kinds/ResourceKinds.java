package ovi.kinds;

import java.util.List;
import ovi.aws.AwsClients;
import ovi.aws.AwsKind;
import ovi.aws.dynamodb.DynamoDbKind;
import ovi.aws.ec2.Ec2Kind;
import ovi.aws.iam.IamRoleKind;
import ovi.aws.lambda.LambdaKind;
import ovi.aws.rds.RdsKind;
import ovi.aws.s3.S3Kind;
import ovi.aws.securitygroup.SecurityGroupKind;
import ovi.aws.sns.SnsKind;
import ovi.aws.sqs.SqsKind;
import ovi.model.ResourceType;

/**
 * The one list of resource kinds ovi knows. Adding a kind is a package of its own under {@code ovi.aws},
 * its SDK module in the pom, and one line here: the config, the comparison, the decisions, observing,
 * acting and crash recovery all follow from the kind (see docs/architecture.md).
 */
public final class ResourceKinds implements ResourceType.Catalog {
    static final List<AwsKind> ALL = List.of(
            new Ec2Kind(),
            new RdsKind(),
            new S3Kind(),
            new SqsKind(),
            new SnsKind(),
            new DynamoDbKind(),
            new IamRoleKind(),
            new LambdaKind(),
            new SecurityGroupKind());

    /** Found by {@link ResourceType#all()} through META-INF/services. */
    public ResourceKinds() {
    }

    @Override
    public List<ResourceType> types() {
        return ALL.stream().map(AwsKind::type).toList();
    }

    /** Every kind, working through one run's clients. */
    public static ovi.engine.Kinds bind(AwsClients aws) {
        return new ovi.engine.Kinds(ALL.stream().map(k -> k.bind(aws)).toList());
    }
}

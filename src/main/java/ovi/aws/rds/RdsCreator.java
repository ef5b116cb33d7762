package ovi.aws.rds;

import java.util.List;
import java.util.Map;
import ovi.aws.AwsClients;
import ovi.aws.AwsErrors;
import ovi.engine.ResourceKind;
import ovi.engine.Fence;
import ovi.model.Intent;
import ovi.model.Outcome;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * CreateDBInstance under an identifier derived from owner and id. The master password is managed by RDS
 * (in Secrets Manager), so no secret ever passes through ovi's config, plan, WAL or logs.
 */
final class RdsCreator implements ResourceKind.Creator {
    /** The master user name of the DB instances ovi creates. */
    public static final String MASTER_USERNAME = "ovi";

    private final AwsClients aws;

    RdsCreator(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public Outcome create(Intent intent, String owner, Fence fence) {
        var d = intent.desired();
        String identifier = RdsNames.identifier(owner, intent.id());
        fence.check();
        var r = RdsKind.rds(aws, intent.region()).createDBInstance(b -> b
                .dbInstanceIdentifier(identifier)
                .dbInstanceClass(d.attribute("size"))
                .engine(d.attribute("engine"))
                .allocatedStorage(Integer.valueOf(d.attribute("storage")))
                .masterUsername(MASTER_USERNAME)
                .manageMasterUserPassword(true)
                .tags(tags(d.allTags(owner))));
        if (r.dbInstance() == null || !identifier.equalsIgnoreCase(r.dbInstance().dbInstanceIdentifier())) {
            throw SdkClientException.create("AWS answered CreateDBInstance without the DB instance " + identifier);
        }
        return new Outcome.Executed(identifier, AwsErrors.requestId(r), "created " + identifier);
    }

    static List<Tag> tags(Map<String, String> tags) {
        return tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    }
}

package ovi.aws.rds;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import ovi.aws.AwsClients;
import ovi.aws.AwsErrors;
import ovi.engine.ResourceKind;
import ovi.engine.Fence;
import ovi.model.DesiredResource;
import ovi.model.Field;
import ovi.model.Intent;
import ovi.model.Outcome;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.rds.model.CreateDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * CreateDBInstance under an identifier derived from owner and id. The master password is managed by RDS
 * (in Secrets Manager), so no secret ever passes through ovi's config, plan, WAL or logs. Every declared
 * setting goes into the one call; the secure defaults (deletion protection on, storage encrypted, not
 * publicly accessible) are declared values like any other.
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
        String unresolved = RdsUpdater.unresolved(d);
        if (unresolved != null) {
            return new Outcome.Failed("cannot create " + identifier + ": " + unresolved, null);
        }
        CreateDbInstanceRequest.Builder b = CreateDbInstanceRequest.builder()
                .dbInstanceIdentifier(identifier)
                .dbInstanceClass(d.attribute("size"))
                .engine(d.attribute("engine"))
                .allocatedStorage(Integer.valueOf(d.attribute("storage")))
                .masterUsername(MASTER_USERNAME)
                .manageMasterUserPassword(true)
                .tags(tags(d.allTags(owner)));
        // a field left out with no default is AWS's choice (the default VPC's subnet group and security group)
        ifDeclared(d, "subnetGroup", b::dbSubnetGroupName);
        ifDeclared(d, "securityGroups", v -> b.vpcSecurityGroupIds(Field.elements(v)));
        ifDeclared(d, "multiAz", v -> b.multiAZ(Boolean.valueOf(v)));
        ifDeclared(d, "deletionProtection", v -> b.deletionProtection(Boolean.valueOf(v)));
        ifDeclared(d, "backupRetention", v -> b.backupRetentionPeriod(Integer.valueOf(v)));
        ifDeclared(d, "storageEncrypted", v -> b.storageEncrypted(Boolean.valueOf(v)));
        ifDeclared(d, "publiclyAccessible", v -> b.publiclyAccessible(Boolean.valueOf(v)));
        fence.check();
        var r = RdsKind.rds(aws, intent.region()).createDBInstance(b.build());
        if (r.dbInstance() == null || !identifier.equalsIgnoreCase(r.dbInstance().dbInstanceIdentifier())) {
            throw SdkClientException.create("AWS answered CreateDBInstance without the DB instance " + identifier);
        }
        return new Outcome.Executed(identifier, AwsErrors.requestId(r), "created " + identifier);
    }

    private static void ifDeclared(DesiredResource d, String field, Consumer<String> set) {
        String v = d.attribute(field);
        if (v != null) {
            set.accept(v);
        }
    }

    static List<Tag> tags(Map<String, String> tags) {
        return tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    }
}

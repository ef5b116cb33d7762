package ovi.aws.rds;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import ovi.aws.AwsClients;
import ovi.aws.Observations;
import ovi.engine.AbstractResourceKind;
import ovi.engine.ResourceLookup;
import ovi.model.Field;
import ovi.model.Observation;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.PendingModifiedValues;
import software.amazon.awssdk.services.rds.model.VpcSecurityGroupMembership;

/** RDS DB instances through one run's clients. */
final class RdsInstances extends AbstractResourceKind {
    private final AwsClients aws;

    RdsInstances(AwsClients aws) {
        super(RdsKind.TYPE, new RdsCreator(aws), new RdsUpdater(aws), new RdsDeleter(aws));
        this.aws = aws;
    }

    @Override
    public List<Observation> list(String region) {
        List<Observation> out = new ArrayList<>();
        for (var page : RdsKind.rds(aws, region).describeDBInstancesPaginator(r -> r.maxRecords(100))) {
            for (DBInstance db : page.dbInstances()) {
                if (live(db)) {
                    out.add(observation(region, db));
                }
            }
            aws.listed(type(), region, out.size());
        }
        return out;
    }

    /** A DB instance by identifier: the observed one, or the one ovi would create. */
    @Override
    public List<Observation> find(ResourceLookup.Target t) {
        String identifier = t.cloudId() != null ? t.cloudId() : RdsNames.identifier(t.owner(), t.oviId());
        List<Observation> out = new ArrayList<>();
        try {
            for (DBInstance db : RdsKind.rds(aws, t.region()).describeDBInstances(b -> b.dbInstanceIdentifier(identifier))
                    .dbInstances()) {
                if (live(db)) {
                    out.add(observation(t.region(), db));
                }
            }
        } catch (AwsServiceException e) {
            if (Observations.errorCode(e, "DBInstanceNotFound", "DBInstanceNotFoundFault")) {
                return List.of();
            }
            throw e;
        }
        return out;
    }

    /** A DB instance being deleted is on its way out: not observed. */
    static boolean live(DBInstance db) {
        return !"deleting".equals(db.dbInstanceStatus());
    }

    /**
     * One DB instance as ovi compares it. A change AWS has accepted but not yet made (its pending
     * modified values, as after ModifyDBInstance with ApplyImmediately while the instance is modifying) is
     * read as made: the instance is on its way there, and the next plan must not ask for it again.
     */
    static Observation observation(String region, DBInstance db) {
        Map<String, String> tags = new HashMap<>();
        db.tagList().forEach(t -> tags.put(t.key(), t.value()));
        PendingModifiedValues pending = db.pendingModifiedValues() != null ? db.pendingModifiedValues()
                : PendingModifiedValues.builder().build();
        Map<String, String> attrs = new HashMap<>();
        Observations.putIfPresent(attrs, "size", first(pending.dbInstanceClass(), db.dbInstanceClass()));
        Observations.putIfPresent(attrs, "engine", db.engine());
        put(attrs, "storage", first(pending.allocatedStorage(), db.allocatedStorage()));
        Observations.putIfPresent(attrs, "state", db.dbInstanceStatus());
        String subnetGroup = first(pending.dbSubnetGroupName(), db.dbSubnetGroup() == null ? null
                : db.dbSubnetGroup().dbSubnetGroupName());
        Observations.putIfPresent(attrs, "subnetGroup", subnetGroup == null ? null : subnetGroup.toLowerCase(Locale.ROOT));
        if (db.hasVpcSecurityGroups()) {
            attrs.put("securityGroups", Field.setValue(db.vpcSecurityGroups().stream()
                    .map(VpcSecurityGroupMembership::vpcSecurityGroupId).filter(Objects::nonNull).toList()));
        }
        put(attrs, "multiAz", first(pending.multiAZ(), db.multiAZ()));
        put(attrs, "deletionProtection", db.deletionProtection());
        put(attrs, "backupRetention", first(pending.backupRetentionPeriod(), db.backupRetentionPeriod()));
        put(attrs, "storageEncrypted", db.storageEncrypted());
        put(attrs, "publiclyAccessible", db.publiclyAccessible());
        return new Observation(RdsKind.TYPE, region, db.dbInstanceIdentifier(), attrs, tags);
    }

    private static <T> T first(T pending, T current) {
        return pending != null ? pending : current;
    }

    /** A number or true/false as the field's canonical text; absent stays absent. */
    private static void put(Map<String, String> attrs, String field, Object value) {
        if (value != null) {
            attrs.put(field, value.toString());
        }
    }
}

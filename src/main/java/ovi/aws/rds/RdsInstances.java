package ovi.aws.rds;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import ovi.aws.AwsClients;
import ovi.aws.Observations;
import ovi.engine.AbstractResourceKind;
import ovi.engine.ResourceLookup;
import ovi.model.Observation;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.rds.model.DBInstance;

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

    static Observation observation(String region, DBInstance db) {
        Map<String, String> tags = new HashMap<>();
        db.tagList().forEach(t -> tags.put(t.key(), t.value()));
        Map<String, String> attrs = new HashMap<>();
        Observations.putIfPresent(attrs, "size", db.dbInstanceClass());
        Observations.putIfPresent(attrs, "engine", db.engine());
        if (db.allocatedStorage() != null) {
            attrs.put("storage", db.allocatedStorage().toString());
        }
        Observations.putIfPresent(attrs, "state", db.dbInstanceStatus());
        return new Observation(RdsKind.TYPE, region, db.dbInstanceIdentifier(), attrs, tags);
    }
}

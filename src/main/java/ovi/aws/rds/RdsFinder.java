package ovi.aws.rds;

import java.util.ArrayList;
import java.util.List;
import ovi.aws.AwsClients;
import ovi.aws.Capabilities;
import ovi.aws.Observations;
import ovi.engine.ResourceLookup;
import ovi.model.Observation;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.rds.model.DBInstance;

/** A DB instance by identifier: the observed one, or the one ovi would create. */
public final class RdsFinder implements Capabilities.Finder {
    private final AwsClients aws;

    public RdsFinder(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public List<Observation> find(ResourceLookup.Target t) {
        String identifier = t.cloudId() != null ? t.cloudId() : RdsNames.identifier(t.owner(), t.oviId());
        List<Observation> out = new ArrayList<>();
        try {
            for (DBInstance db : aws.rds(t.region()).describeDBInstances(b -> b.dbInstanceIdentifier(identifier))
                    .dbInstances()) {
                if (Observations.live(db)) {
                    out.add(Observations.rds(t.region(), db));
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
}

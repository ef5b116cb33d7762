package ovi.aws.ec2;

import java.util.ArrayList;
import java.util.List;
import ovi.aws.AwsClients;
import ovi.aws.Capabilities;
import ovi.aws.Observations;
import ovi.engine.ResourceLookup;
import ovi.model.Observation;
import ovi.model.Tags;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesRequest;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Reservation;

/** An instance by id, or the live instances tagged with the owner and ovi id. */
public final class Ec2Finder implements Capabilities.Finder {
    private final AwsClients aws;

    public Ec2Finder(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public List<Observation> find(ResourceLookup.Target t) {
        DescribeInstancesRequest.Builder req = DescribeInstancesRequest.builder();
        if (t.cloudId() != null) {
            req.instanceIds(t.cloudId());
        } else {
            req.filters(Filter.builder().name("tag:" + Tags.OWNER).values(t.owner()).build(),
                    Filter.builder().name("tag:" + Tags.ID).values(t.oviId()).build(),
                    Filter.builder().name("instance-state-name").values(Observations.LIVE_EC2_STATES).build());
        }
        List<Observation> out = new ArrayList<>();
        try {
            for (var page : aws.ec2(t.region()).describeInstancesPaginator(req.build())) {
                for (Reservation r : page.reservations()) {
                    for (Instance i : r.instances()) {
                        // the token is compared here rather than with the client-token filter, which not
                        // every EC2-compatible endpoint implements; the tag filters narrowed the list already
                        boolean tokenMatches = t.cloudId() != null || t.clientToken() == null
                                || t.clientToken().equals(i.clientToken());
                        if (Observations.live(i) && tokenMatches) {
                            out.add(Observations.ec2(t.region(), i));
                        }
                    }
                }
            }
        } catch (AwsServiceException e) {
            if (Observations.errorCode(e, "InvalidInstanceID.NotFound")) {
                return List.of();
            }
            throw e;
        }
        out.sort(java.util.Comparator.comparing(Observation::cloudId));
        return out;
    }
}

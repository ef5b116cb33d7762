package ovi.aws.ec2;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import ovi.aws.AwsClients;
import ovi.aws.Observations;
import ovi.engine.AbstractResourceKind;
import ovi.engine.ResourceLookup;
import ovi.model.Field;
import ovi.model.Intent;
import ovi.model.Observation;
import ovi.model.Tags;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesRequest;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.GroupIdentifier;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.MonitoringState;
import software.amazon.awssdk.services.ec2.model.Reservation;

/** EC2 instances through one run's clients. */
final class Ec2Instances extends AbstractResourceKind {
    /** Instances in these states exist; terminated and shutting-down ones are on their way out. */
    static final List<String> LIVE_STATES = List.of("pending", "running", "stopping", "stopped");

    private final AwsClients aws;

    Ec2Instances(AwsClients aws) {
        super(Ec2Kind.TYPE, new Ec2Creator(aws), new Ec2Updater(aws), new Ec2Deleter(aws));
        this.aws = aws;
    }

    @Override
    public List<Observation> list(String region) {
        List<Observation> out = new ArrayList<>();
        for (var page : Ec2Kind.ec2(aws, region).describeInstancesPaginator(r -> r.maxResults(1000)
                .filters(Filter.builder().name("instance-state-name").values(LIVE_STATES).build()))) {
            for (Reservation res : page.reservations()) {
                for (Instance i : res.instances()) {
                    out.add(observation(region, i));
                }
            }
            aws.listed(type(), region, out.size());
        }
        return out;
    }

    /** An instance by id, or the live instances tagged with the owner and ovi id. */
    @Override
    public List<Observation> find(ResourceLookup.Target t) {
        DescribeInstancesRequest.Builder req = DescribeInstancesRequest.builder();
        if (t.cloudId() != null) {
            req.instanceIds(t.cloudId());
        } else {
            req.filters(Filter.builder().name("tag:" + Tags.OWNER).values(t.owner()).build(),
                    Filter.builder().name("tag:" + Tags.ID).values(t.oviId()).build(),
                    Filter.builder().name("instance-state-name").values(LIVE_STATES).build());
        }
        List<Observation> out = new ArrayList<>();
        try {
            for (var page : Ec2Kind.ec2(aws, t.region()).describeInstancesPaginator(req.build())) {
                for (Reservation r : page.reservations()) {
                    for (Instance i : r.instances()) {
                        // the token is compared here rather than with the client-token filter, which not
                        // every EC2-compatible endpoint implements; the tag filters narrowed the list already
                        boolean tokenMatches = t.cloudId() != null || t.clientToken() == null
                                || t.clientToken().equals(i.clientToken());
                        if (live(i) && tokenMatches) {
                            out.add(observation(t.region(), i));
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
        out.sort(Comparator.comparing(Observation::cloudId));
        return out;
    }

    /** A resize stops the instance: one that ran before it must run again once it is done. */
    @Override
    public List<String> unfinished(Intent intent, Map<String, String> before, Observation found) {
        boolean ran = "running".equals(before.get("state")) || "pending".equals(before.get("state"));
        String state = found.attribute("state");
        if (intent.disruptive() && ran && !"running".equals(state) && !"pending".equals(state)) {
            return List.of("it is " + state + ", not running as before the resize");
        }
        return List.of();
    }

    /** Detailed monitoring on, or being turned on (so a plan does not ask for it twice). */
    static boolean monitored(MonitoringState state) {
        return state == MonitoringState.ENABLED || state == MonitoringState.PENDING;
    }

    static boolean live(Instance i) {
        return i.state() != null && LIVE_STATES.contains(i.state().nameAsString());
    }

    /** The observer and the look-up before each action both read instances here, so their hashes agree. */
    static Observation observation(String region, Instance i) {
        Map<String, String> tags = new HashMap<>();
        i.tags().forEach(t -> tags.put(t.key(), t.value()));
        Map<String, String> attrs = new HashMap<>();
        attrs.put("size", i.instanceTypeAsString());
        Observations.putIfPresent(attrs, "image", i.imageId());
        // the compared settings all come with DescribeInstances, so the list call is the only one per page
        attrs.put("securityGroups", Field.setValue(i.securityGroups().stream().map(GroupIdentifier::groupId)
                .filter(java.util.Objects::nonNull).toList()));
        // no profile is the empty text, so that iamInstanceProfile: false compares equal to it
        attrs.put("iamInstanceProfile", i.iamInstanceProfile() == null ? ""
                : Ec2Fields.profileName(i.iamInstanceProfile().arn()));
        if (i.monitoring() != null && i.monitoring().state() != null) {
            attrs.put("monitoring", Boolean.toString(monitored(i.monitoring().state())));
        }
        if (i.state() != null) {
            Observations.putIfPresent(attrs, "state", i.state().nameAsString());
        }
        return new Observation(Ec2Kind.TYPE, region, i.instanceId(), attrs, tags);
    }
}

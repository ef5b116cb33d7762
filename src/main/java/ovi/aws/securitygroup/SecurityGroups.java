package ovi.aws.securitygroup;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.function.Function;
import ovi.aws.Observations;
import ovi.engine.AbstractResourceKind;
import ovi.engine.ResourceLookup;
import ovi.model.Action;
import ovi.model.Field;
import ovi.model.Intent;
import ovi.model.Observation;
import ovi.model.Tags;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeSecurityGroupsRequest;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

/**
 * Security groups through one run's clients. DescribeSecurityGroups gives each group's rules and tags in
 * the same reply, so a region takes one call per page of 1,000 groups and nothing per group.
 */
final class SecurityGroups extends AbstractResourceKind {
    /** The largest page DescribeSecurityGroups gives. */
    static final int PAGE = 1000;

    private final Function<String, Ec2Client> ec2;
    /** Told each page listed: the region and the groups found there so far. */
    private final java.util.function.ObjIntConsumer<String> listed;

    SecurityGroups(Function<String, Ec2Client> ec2, java.util.function.ObjIntConsumer<String> listed) {
        super(SecurityGroupKind.TYPE, new SecurityGroupCreator(ec2), new SecurityGroupUpdater(ec2),
                new SecurityGroupDeleter(ec2));
        this.ec2 = ec2;
        this.listed = listed;
    }

    @Override
    public List<Observation> list(String region) {
        List<Observation> out = new ArrayList<>();
        for (var page : ec2.apply(region).describeSecurityGroupsPaginator(r -> r.maxResults(PAGE))) {
            for (SecurityGroup g : page.securityGroups()) {
                out.add(observation(region, g));
            }
            listed.accept(region, out.size());
        }
        return out;
    }

    /** A group by id, or the groups tagged with the owner and ovi id (a create cut off before its outcome). */
    @Override
    public List<Observation> find(ResourceLookup.Target t) {
        DescribeSecurityGroupsRequest.Builder req = DescribeSecurityGroupsRequest.builder();
        if (t.cloudId() != null) {
            req.groupIds(t.cloudId());
        } else {
            req.maxResults(PAGE).filters(Filter.builder().name("tag:" + Tags.OWNER).values(t.owner()).build(),
                    Filter.builder().name("tag:" + Tags.ID).values(t.oviId()).build());
        }
        List<Observation> out = new ArrayList<>();
        try {
            for (var page : ec2.apply(t.region()).describeSecurityGroupsPaginator(req.build())) {
                page.securityGroups().forEach(g -> out.add(observation(t.region(), g)));
            }
        } catch (AwsServiceException e) {
            if (Observations.errorCode(e, "InvalidGroup.NotFound", "InvalidGroupId.NotFound")) {
                return List.of();
            }
            throw e;
        }
        out.sort(Comparator.comparing(Observation::cloudId));
        return out;
    }

    /**
     * A create is several calls (the group, then its rules): one cut off between them left a tagged group
     * whose rules are not yet the declared ones, which crash recovery finishes by creating again (the
     * creator takes its own group over and sets the rules).
     */
    @Override
    public List<String> unfinished(Intent intent, Map<String, String> before, Observation found) {
        if (intent.action() != Action.CREATE) {
            return List.of();
        }
        List<String> off = new ArrayList<>();
        for (String field : List.of("ingress", "egress")) {
            String want = intent.desired().attribute(field);
            if (want == null) {
                continue; // egress left out: AWS's default stays
            }
            SortedSet<String> wanted = Field.elements(want);
            SortedSet<String> present = Field.elements(found.attribute(field));
            wanted.stream().filter(r -> !present.contains(r)).forEach(r -> off.add(field + " lacks " + r));
            present.stream().filter(r -> !wanted.contains(r)).forEach(r -> off.add(field + " still has " + r));
        }
        return off;
    }

    /** The observer and every look-up read groups here, so their content hashes agree. */
    static Observation observation(String region, SecurityGroup g) {
        Map<String, String> tags = new HashMap<>();
        g.tags().forEach(t -> tags.put(t.key(), t.value()));
        Map<String, String> attrs = new HashMap<>();
        Observations.putIfPresent(attrs, "groupName", g.groupName());
        Observations.putIfPresent(attrs, "vpc", g.vpcId());
        Observations.putIfPresent(attrs, "description", g.description());
        attrs.put("ingress", Rule.observed(g.ipPermissions()));
        attrs.put("egress", Rule.observed(g.ipPermissionsEgress()));
        return new Observation(SecurityGroupKind.TYPE, region, g.groupId(), attrs, tags);
    }
}

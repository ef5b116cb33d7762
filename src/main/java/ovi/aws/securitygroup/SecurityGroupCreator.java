package ovi.aws.securitygroup;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.function.Function;
import ovi.aws.AwsErrors;
import ovi.aws.Observations;
import ovi.engine.Fence;
import ovi.engine.ResourceKind;
import ovi.model.DesiredResource;
import ovi.model.Field;
import ovi.model.Intent;
import ovi.model.Outcome;
import ovi.model.Tags;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeSecurityGroupsRequest;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * CreateSecurityGroup with every tag in the same call (so a create cut off before its outcome is found by
 * its tags), then the rules: the declared ingress authorized, and when egress is declared, it authorized
 * and AWS's default allow-all egress revoked. CreateSecurityGroup takes no client token: a repeat meets
 * InvalidGroup.Duplicate, and the group of that name is taken as this one only if it carries this
 * declaration's ovi tags. Either way the rules are set from the group as it stands, so a repeat after a
 * crash between the calls finishes the create.
 */
final class SecurityGroupCreator implements ResourceKind.Creator {
    /** How long a new group may take to be visible to DescribeSecurityGroups (EC2 is eventually consistent). */
    static final long VISIBLE_WITHIN_MILLIS = 15_000;

    private final Function<String, Ec2Client> ec2;
    private final Waiting waiting;

    SecurityGroupCreator(Function<String, Ec2Client> ec2) {
        this(ec2, Waiting.REAL);
    }

    SecurityGroupCreator(Function<String, Ec2Client> ec2, Waiting waiting) {
        this.ec2 = ec2;
        this.waiting = waiting;
    }

    @Override
    public Outcome create(Intent intent, String owner, Fence fence) {
        DesiredResource d = intent.desired();
        Optional<String> unresolved = SecurityGroupUpdater.unresolved(d.attribute("ingress"), d.attribute("egress"));
        if (unresolved.isPresent()) {
            return new Outcome.Failed("the rule " + unresolved.get() + " names a security group that has no id yet; "
                    + "it must be created first; nothing was done", null);
        }
        String name = d.attribute("groupName");
        String vpc = d.attribute("vpc");
        Ec2Client c = ec2.apply(intent.region());
        SecurityGroup group;
        String requestId;
        String how;
        try {
            fence.check();
            var r = c.createSecurityGroup(b -> b.groupName(name).description(d.attribute("description")).vpcId(vpc)
                    .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.SECURITY_GROUP)
                            .tags(d.allTags(owner).entrySet().stream().map(e -> Tag.builder().key(e.getKey())
                                    .value(e.getValue()).build()).toList()).build()));
            if (r.groupId() == null || r.groupId().isBlank()) {
                throw SdkClientException.create("AWS answered CreateSecurityGroup without a group id");
            }
            requestId = AwsErrors.requestId(r);
            group = visible(c, r.groupId());
            how = "created";
        } catch (AwsServiceException e) {
            if (!Observations.errorCode(e, "InvalidGroup.Duplicate")) {
                throw e;
            }
            List<SecurityGroup> named = named(c, name, vpc);
            Optional<SecurityGroup> ours = named.stream().filter(g -> ours(g, owner, intent.id())).findFirst();
            if (ours.isEmpty()) {
                String which = named.isEmpty() ? "" : " (" + String.join(", ", named.stream()
                        .map(g -> g.groupId() + " in " + g.vpcId()).toList()) + ")";
                return new Outcome.Failed("a security group named '" + name + "' already exists" + which
                        + " and is not tagged " + Tags.OWNER + "=" + owner + ", " + Tags.ID + "=" + intent.id()
                        + "; ovi does not take over a group it did not make: give this one another groupName, or "
                        + "remove that group; nothing was done", AwsErrors.requestId(e));
            }
            group = ours.get();
            requestId = null;
            how = "found";
        }
        List<String> done = new ArrayList<>();
        for (String direction : List.of("ingress", "egress")) {
            String want = d.attribute(direction);
            if (want == null) {
                continue; // egress left out: AWS's default allow-all stays
            }
            SortedSet<String> wanted = Field.elements(want);
            SortedSet<String> have = Field.elements(Rule.observed(direction.equals("ingress") ? group.ipPermissions()
                    : group.ipPermissionsEgress()));
            Permissions.Done added = Permissions.authorize(c, group.groupId(), direction, wanted.stream()
                    .filter(r -> !have.contains(r)).map(Rule::parse).toList(), fence);
            Permissions.Done removed = Permissions.revoke(c, group.groupId(), direction, have.stream()
                    .filter(r -> !wanted.contains(r)).map(Rule::parse).toList(), fence);
            requestId = removed.requestId() != null ? removed.requestId()
                    : added.requestId() != null ? added.requestId() : requestId;
            added.rules().forEach(r -> done.add("authorized " + direction + " " + r));
            removed.rules().forEach(r -> done.add("revoked " + direction + " " + r));
        }
        String message = how + " security group " + group.groupId() + " (" + name + ")"
                + (how.equals("found") ? ", which a create before this one made" : "")
                + (done.isEmpty() ? "" : ": " + String.join("; ", done));
        return new Outcome.Executed(group.groupId(), requestId, message);
    }

    /** The new group as DescribeSecurityGroups gives it, once EC2 shows it (right after the create it may not). */
    private SecurityGroup visible(Ec2Client c, String id) {
        long deadline = waiting.millis() + VISIBLE_WITHIN_MILLIS;
        long pause = 200;
        while (true) {
            try {
                return AwsErrors.first(c.describeSecurityGroups(b -> b.groupIds(id)).securityGroups(),
                        "DescribeSecurityGroups " + id);
            } catch (AwsServiceException e) {
                if (!Observations.errorCode(e, "InvalidGroup.NotFound", "InvalidGroupId.NotFound")
                        || waiting.millis() + pause > deadline) {
                    throw e;
                }
            }
            waiting.sleep(pause);
            pause = Math.min(pause * 2, 2_000);
        }
    }

    private static List<SecurityGroup> named(Ec2Client c, String name, String vpc) {
        DescribeSecurityGroupsRequest.Builder req = DescribeSecurityGroupsRequest.builder();
        List<Filter> filters = new ArrayList<>(List.of(Filter.builder().name("group-name").values(name).build()));
        if (vpc != null) {
            filters.add(Filter.builder().name("vpc-id").values(vpc).build());
        }
        req.filters(filters).maxResults(SecurityGroups.PAGE);
        List<SecurityGroup> out = new ArrayList<>();
        for (var page : c.describeSecurityGroupsPaginator(req.build())) {
            out.addAll(page.securityGroups());
        }
        return out;
    }

    private static boolean ours(SecurityGroup g, String owner, String id) {
        boolean managed = false;
        boolean ownerMatches = false;
        boolean idMatches = false;
        for (Tag t : g.tags()) {
            managed |= t.key().equals(Tags.MANAGED) && "true".equals(t.value());
            ownerMatches |= t.key().equals(Tags.OWNER) && owner.equals(t.value());
            idMatches |= t.key().equals(Tags.ID) && id.equals(t.value());
        }
        return managed && ownerMatches && idMatches;
    }
}

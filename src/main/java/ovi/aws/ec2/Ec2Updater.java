package ovi.aws.ec2;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import ovi.aws.AwsClients;
import ovi.aws.AwsErrors;
import ovi.engine.ResourceKind;
import ovi.engine.Fence;
import ovi.model.Change;
import ovi.model.Field;
import ovi.model.Intent;
import ovi.model.Outcome;
import ovi.model.Reference;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.AttributeValue;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.IamInstanceProfileAssociation;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * Tags with CreateTags; security groups with ModifyInstanceAttribute; the instance profile by associating,
 * replacing or disassociating it; detailed monitoring with MonitorInstances or UnmonitorInstances; an
 * instance type change by stop, modify, start (disruptive: the plan says so). An instance that was stopped
 * stays stopped.
 *
 * <p>One update may need several of these calls. Each sets its one setting to the declared value from
 * wherever the instance stands (the groups to the whole declared set, the profile from the association
 * found now), so carrying the same intent out again does only what is left. That is what makes a crash
 * between two calls safe: crash recovery finds the changes not yet made and finishes the update under a
 * claim of its own by calling this again (its roll-forward); where it cannot, the next plan sees what is
 * left as drift. The fast, non-disruptive settings go first, the resize (stop, modify, start) last.
 */
final class Ec2Updater implements ResourceKind.Updater {
    private final AwsClients aws;

    Ec2Updater(AwsClients aws) {
        this.aws = aws;
    }

    /**
     * Converges from wherever the instance stands, so that an update cut off by a crash can be finished:
     * the type is changed only if it is not yet the declared one, and an instance that ran before the
     * resize ({@code before}, else as it is now) is started again.
     */
    @Override
    public Outcome update(Intent intent, String owner, Fence fence, java.util.Map<String, String> before) {
        Ec2Client ec2 = Ec2Kind.ec2(aws, intent.region());
        String id = intent.cloudId();
        List<String> done = new ArrayList<>();
        String requestId = null;
        List<Tag> tags = Ec2Tags.changed(intent.changes());
        if (!tags.isEmpty()) {
            fence.check();
            requestId = AwsErrors.requestId(ec2.createTags(b -> b.resources(id).tags(tags)));
            done.add("tags " + String.join(", ", tags.stream().map(Tag::key).toList()));
        }
        Set<String> fields = new HashSet<>();
        intent.changes().forEach(c -> fields.add(c.field()));
        if (fields.contains("securityGroups")) {
            // ModifyInstanceAttribute replaces the whole set, so the declared set is sent, not the changes
            String groups = intent.desired().attribute("securityGroups");
            if (groups == null || Reference.unresolved(groups)) {
                return new Outcome.Failed("cannot set the security groups of " + id + ": "
                        + (groups == null ? "none are declared" : Reference.show(groups)
                        + " still names a security group that has no id"), requestId);
            }
            fence.check();
            requestId = AwsErrors.requestId(ec2.modifyInstanceAttribute(b -> b.instanceId(id)
                    .groups(Field.elements(groups))));
            done.add("security groups " + Ec2Kind.TYPE.field("securityGroups").orElseThrow().show(groups));
        }
        if (fields.contains("iamInstanceProfile")) {
            String profile = intent.desired().attribute("iamInstanceProfile");
            Did did = profile(ec2, id, profile == null ? "" : profile, fence);
            if (did != null) {
                done.add(did.what());
                requestId = did.requestId();
            }
        }
        if (fields.contains("monitoring")) {
            boolean on = Boolean.parseBoolean(intent.desired().attribute("monitoring"));
            fence.check();
            requestId = on ? AwsErrors.requestId(ec2.monitorInstances(b -> b.instanceIds(id)))
                    : AwsErrors.requestId(ec2.unmonitorInstances(b -> b.instanceIds(id)));
            done.add("detailed monitoring " + (on ? "on" : "off"));
        }
        Change size = intent.changes().stream().filter(c -> c.field().equals("size")).findFirst().orElse(null);
        if (size != null) {
            Instance now = AwsErrors.first(AwsErrors.first(ec2.describeInstances(b -> b.instanceIds(id))
                    .reservations(), "DescribeInstances " + id).instances(), "DescribeInstances " + id);
            String stateNow = now.state().nameAsString();
            String stateBefore = before.getOrDefault("state", stateNow);
            boolean wasRunning = !"stopped".equals(stateBefore) && !"stopping".equals(stateBefore);
            if (!size.desired().equals(now.instanceTypeAsString())) {
                if (!"stopped".equals(stateNow)) {
                    fence.check();
                    ec2.stopInstances(b -> b.instanceIds(id));
                }
                ec2.waiter().waitUntilInstanceStopped(b -> b.instanceIds(id));
                fence.check();
                requestId = AwsErrors.requestId(ec2.modifyInstanceAttribute(b -> b.instanceId(id)
                        .instanceType(AttributeValue.builder().value(size.desired()).build())));
                stateNow = "stopped";
            }
            if (wasRunning && !"running".equals(stateNow) && !"pending".equals(stateNow)) {
                if ("stopping".equals(stateNow)) {
                    ec2.waiter().waitUntilInstanceStopped(b -> b.instanceIds(id));
                }
                fence.check();
                requestId = AwsErrors.requestId(ec2.startInstances(b -> b.instanceIds(id)));
            }
            done.add("size " + size.current() + " -> " + size.desired() + (wasRunning ? " (stopped and started)" : ""));
        }
        return new Outcome.Executed(id, requestId, "updated " + id + ": " + String.join("; ", done));
    }

    /**
     * Makes the instance's profile {@code name} ("" for none) from the association it has now, which only
     * DescribeIamInstanceProfileAssociations names (DescribeInstances gives the profile, not the association):
     * associate when there is none, replace when it is another, disassociate when none is declared. What it
     * did, or null when the instance was already so (a repeat after a crash).
     */
    private static Did profile(Ec2Client ec2, String id, String name, Fence fence) {
        IamInstanceProfileAssociation now = ec2.describeIamInstanceProfileAssociations(b -> b.filters(
                        Filter.builder().name("instance-id").values(id).build(),
                        Filter.builder().name("state").values("associating", "associated").build()))
                .iamInstanceProfileAssociations().stream().filter(a -> id.equals(a.instanceId())).findFirst()
                .orElse(null);
        String current = now == null || now.iamInstanceProfile() == null ? ""
                : Ec2Fields.profileName(now.iamInstanceProfile().arn());
        if (current.equals(name)) {
            return null;
        }
        fence.check();
        if (name.isEmpty()) {
            return new Did("instance profile " + current + " disassociated", AwsErrors.requestId(
                    ec2.disassociateIamInstanceProfile(b -> b.associationId(now.associationId()))));
        }
        if (now == null) {
            return new Did("instance profile " + name + " associated", AwsErrors.requestId(
                    ec2.associateIamInstanceProfile(b -> b.instanceId(id).iamInstanceProfile(p -> p.name(name)))));
        }
        return new Did("instance profile " + current + " -> " + name, AwsErrors.requestId(
                ec2.replaceIamInstanceProfileAssociation(b -> b.associationId(now.associationId())
                        .iamInstanceProfile(p -> p.name(name)))));
    }

    /** One call's account of itself: what it did and AWS's request id, for the WAL. */
    private record Did(String what, String requestId) {
    }
}

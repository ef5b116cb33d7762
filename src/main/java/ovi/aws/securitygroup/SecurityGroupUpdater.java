package ovi.aws.securitygroup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import ovi.aws.AwsErrors;
import ovi.engine.Fence;
import ovi.engine.ResourceKind;
import ovi.model.Change;
import ovi.model.Field;
import ovi.model.Intent;
import ovi.model.Outcome;
import ovi.model.Reference;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * Authorizes the rules an update adds and revokes those it takes away (each a change of its own), for
 * ingress and egress, adding before taking away so that a rule replaced by another never leaves a moment
 * with neither; CreateTags for the tags. A rule already as wanted is passed over ({@link Permissions}), so
 * a repeat after a crash does only what is left. The name, VPC and description cannot change in place:
 * the plan reports those, and they are never acted on here.
 */
final class SecurityGroupUpdater implements ResourceKind.Updater {
    private final Function<String, Ec2Client> ec2;

    SecurityGroupUpdater(Function<String, Ec2Client> ec2) {
        this.ec2 = ec2;
    }

    @Override
    public Outcome update(Intent intent, String owner, Fence fence, Map<String, String> before) {
        String id = intent.cloudId();
        Optional<String> unresolved = unresolved(intent.changes().stream().map(Change::desired).toArray(String[]::new));
        if (unresolved.isPresent()) {
            return new Outcome.Failed("the rule " + unresolved.get() + " names a security group that has no id yet; "
                    + "it must be created first; nothing was done", null);
        }
        Ec2Client c = ec2.apply(intent.region());
        List<String> done = new ArrayList<>();
        String requestId = null;
        for (String direction : List.of("ingress", "egress")) {
            List<Rule> add = new ArrayList<>();
            List<Rule> remove = new ArrayList<>();
            for (Change ch : intent.changes()) {
                if (!ch.field().equals(direction)) {
                    continue;
                }
                if (ch.desired() != null) {
                    add.add(Rule.parse(ch.desired()));
                }
                if (ch.current() != null) {
                    remove.add(Rule.parse(ch.current()));
                }
            }
            Permissions.Done added = Permissions.authorize(c, id, direction, add, fence);
            Permissions.Done removed = Permissions.revoke(c, id, direction, remove, fence);
            requestId = removed.requestId() != null ? removed.requestId()
                    : added.requestId() != null ? added.requestId() : requestId;
            added.rules().forEach(r -> done.add("authorized " + direction + " " + r));
            removed.rules().forEach(r -> done.add("revoked " + direction + " " + r));
            if (added.rules().size() < add.size() || removed.rules().size() < remove.size()) {
                done.add((add.size() - added.rules().size() + remove.size() - removed.rules().size()) + " " + direction
                        + " rule(s) already as declared");
            }
        }
        List<Tag> tags = intent.changes().stream().filter(ch -> ch.field().startsWith("tags.") && ch.desired() != null)
                .map(ch -> Tag.builder().key(ch.field().substring(5)).value(ch.desired()).build()).toList();
        if (!tags.isEmpty()) {
            fence.check();
            requestId = AwsErrors.requestId(c.createTags(b -> b.resources(id).tags(tags)));
            done.add("tags " + String.join(", ", tags.stream().map(Tag::key).toList()));
        }
        return new Outcome.Executed(id, requestId, "updated security group " + id + ": "
                + (done.isEmpty() ? "nothing to change in place" : String.join("; ", done)));
    }

    /** The first rule of these values (set fields' values or elements) that still names a group by token. */
    static Optional<String> unresolved(String... values) {
        for (String v : values) {
            if (Reference.unresolved(v)) {
                return Field.elements(v).stream().filter(Reference::unresolved).findFirst()
                        .map(r -> Reference.show(r));
            }
        }
        return Optional.empty();
    }
}

package ovi.model;

import java.util.List;
import java.util.Objects;

/**
 * One decision in the form apply acts on: what a fresh plan or a saved plan file says, without the full
 * observation behind it. {@code contentHash} is the hash of the resource as it was when the decision was
 * made, so apply can tell whether reality moved since.
 *
 * @param action      what to do
 * @param kind        the diff kind the decision was made on
 * @param id          the ovi id (cloud id for unmanaged resources)
 * @param type        the resource type
 * @param region      the region (for S3 the bucket's region)
 * @param cloudId     the cloud id, or null for a resource yet to be created
 * @param contentHash the observed resource's content hash, or null for a missing one
 * @param desired     the declaration, for creates and updates; else null
 * @param changes     the field-level changes, for updates
 * @param reason      why, as the plan said
 * @param planRunId   the run that decided it: with owner and id it makes the create's idempotency token
 * @param after       the ovi ids of the plan's other intents to carry out first ({@link Decision#after()})
 */
public record Intent(Action action, String kind, String id, ResourceType type, String region, String cloudId,
                     String contentHash, DesiredResource desired, List<Change> changes, String reason,
                     String planRunId, java.util.SortedSet<String> after) {
    public Intent(Action action, String kind, String id, ResourceType type, String region, String cloudId,
                  String contentHash, DesiredResource desired, List<Change> changes, String reason, String planRunId) {
        this(action, kind, id, type, region, cloudId, contentHash, desired, changes, reason, planRunId,
                new java.util.TreeSet<>());
    }

    public Intent {
        after = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(after));
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(planRunId, "planRunId");
        changes = List.copyOf(changes);
        if ((action == Action.CREATE || action == Action.UPDATE || action == Action.ADOPT) && desired == null) {
            throw new IllegalArgumentException(action + " of " + id + " needs the declaration");
        }
        if ((action == Action.UPDATE || action == Action.DELETE || action == Action.ADOPT)
                && (cloudId == null || contentHash == null)) {
            throw new IllegalArgumentException(action + " of " + id + " needs the cloud id and content hash");
        }
        // an adoption sets ovi's own tags and nothing else, whatever a plan file says
        if (action == Action.ADOPT && changes.stream().anyMatch(c -> !c.field().startsWith(DesiredResource.TAG_PREFIX
                + "ovi:") || c.desired() == null)) {
            throw new IllegalArgumentException("adopt of " + id + " may only set ovi's tags, not " + changes);
        }
    }

    public static Intent of(Decision d, String planRunId) {
        Observation current = d.diff().current();
        DesiredResource desired = d.diff() instanceof Diff.Missing m ? m.desired()
                : d.diff() instanceof Diff.Drifted dr ? dr.desired()
                : d.diff() instanceof Diff.Unadopted u ? u.desired() : null;
        return new Intent(d.action(), d.diff().kind(), d.id(), d.type(), d.region(), d.cloudId(),
                current == null ? null : current.contentHash(), desired, d.diff().changes(), d.reason(), planRunId,
                d.after());
    }

    /**
     * The same intent with the references its declaration and changes still hold replaced where {@code
     * cloudIdOf} knows the resource (once the resources it names are created).
     */
    public Intent resolve(java.util.function.Function<String, String> cloudIdOf) {
        if (desired == null || desired.references().isEmpty()) {
            return this;
        }
        List<Change> resolved = changes.stream().map(c -> new Change(c.field(), c.current(),
                Reference.resolve(c.desired(), cloudIdOf))).toList();
        return new Intent(action, kind, id, type, region, cloudId, contentHash, desired.resolve(cloudIdOf), resolved,
                reason, planRunId, after);
    }

    /** An update of a disruptive field (an EC2 instance type) stops and starts the resource. */
    public boolean disruptive() {
        return Decision.disruptive(action, type, changes);
    }

    /**
     * The idempotency token of a create: the same owner, id and deciding run always give the same token, so
     * a retried or repeated create of one plan never makes a second resource. 64 characters at most (EC2's
     * limit for ClientToken).
     */
    public String clientToken(String owner) {
        return "ovi-" + Observation.sha256(owner + "\u0000" + id + "\u0000" + planRunId).substring(0, 48);
    }
}

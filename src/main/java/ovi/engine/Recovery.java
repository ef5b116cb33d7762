package ovi.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import ovi.model.Action;
import ovi.model.Change;
import ovi.model.DesiredResource;
import ovi.model.Field;
import ovi.model.Intent;
import ovi.model.Observation;
import ovi.model.Outcome;
import ovi.model.ResourceType;
import ovi.model.WalEntry;
import ovi.model.WalRecord;
import ovi.model.WalRecords;

/**
 * Settles the actions a crashed run left in doubt (an {@code executing} entry with no outcome), before
 * the next run acts on anything: looks each resource up again and appends {@code executed} when the
 * resource is in the state the action wanted, {@code failed} when the action did not take effect,
 * carrying {@code data.resolvesSeq} (the executing entry's seq) and {@code data.inDoubtRunId} (the
 * crashed run), with a message saying how it resolved.
 *
 * <p>An action of several calls may have been cut off between two of them (a bucket created but not yet
 * tagged, an instance stopped and resized but not started again). Such an action is finished: under a
 * claim of its own, the executor is asked to carry the same intent out again from where the resource
 * stands (its calls are idempotent), and only then is it recorded {@code executed}
 * ({@code data.rolledForward}). Left half-done, a bucket without ovi's tags would be unmanaged for ever.
 *
 * <p>An action whose resource cannot be looked up (AWS unreachable, access denied) stays in doubt and is
 * returned as unresolved: the caller must not act on that resource in this run.
 */
public final class Recovery {
    /** An action left in doubt: the executing entry and why it could not be settled. */
    public record Unresolved(WalEntry executing, String reason) {
    }

    /**
     * What finishing an action needs: the executor, claims to act under, this run's claim holder, the
     * claim TTL, and a fresh read of which actions are still in doubt (another run may have settled one
     * while this one waited for the claim).
     */
    public record RollForward(ActionExecutor executor, ClaimStore claims, String holder, java.time.Duration ttl,
                              java.util.function.Supplier<java.util.Set<Long>> stillInDoubt) {
    }

    /** The outcome: the entries appended, and what stays in doubt. */
    public record Result(List<WalEntry> resolved, List<Unresolved> unresolved) {
        public boolean complete() {
            return unresolved.isEmpty();
        }
    }

    private final ResourceLookup lookup;
    private final AuditLog wal;
    private final String owner;
    private final Consumer<String> progress;
    private final RollForward rollForward;

    /** Settles by looking only: a half-done action is recorded as failed, with what is left undone. */
    public Recovery(ResourceLookup lookup, AuditLog wal, String owner, Consumer<String> progress) {
        this(lookup, wal, owner, progress, null);
    }

    /** Settles, finishing half-done actions with {@code rollForward} (null: only looks). */
    public Recovery(ResourceLookup lookup, AuditLog wal, String owner, Consumer<String> progress,
                    RollForward rollForward) {
        this.lookup = lookup;
        this.wal = wal;
        this.owner = owner;
        this.progress = progress;
        this.rollForward = rollForward;
    }

    /**
     * The actions in doubt that may be settled now: those whose run's claim on the resource has ended.
     * While that claim is live its holder may still be working on the resource (and nobody else may touch
     * it); a killed run's claim lapses after its TTL. The log is read twice, before and after the claims:
     * a holder appends its outcome before it releases, so an action that ended between the two reads
     * shows its outcome in the second.
     *
     * @param inDoubt reads the actions in doubt from the log (see {@code ovi.wal.InDoubt})
     */
    public static List<WalEntry> settleable(java.util.function.Supplier<List<WalEntry>> inDoubt, ClaimStore claims,
                                            String owner, java.time.Instant now) {
        List<WalEntry> candidates = withoutLiveClaims(inDoubt.get(), claims, owner, now);
        if (candidates.isEmpty()) {
            return candidates;
        }
        java.util.Set<Long> still = new java.util.HashSet<>();
        inDoubt.get().forEach(e -> still.add(e.seq()));
        return candidates.stream().filter(e -> still.contains(e.seq())).toList();
    }

    static List<WalEntry> withoutLiveClaims(List<WalEntry> inDoubt, ClaimStore claims, String owner,
                                            java.time.Instant now) {
        List<WalEntry> out = new ArrayList<>();
        for (WalEntry e : inDoubt) {
            WalRecord.Executing x = WalRecords.decode(e) instanceof WalRecord.Executing r ? r : null;
            Optional<ResourceType> type = ResourceType.parse(x == null ? null : x.resourceType());
            String holder = x == null ? null : x.holder();
            Long fence = x == null ? null : x.fence();
            boolean live = type.isPresent() && holder != null && fence != null
                    && claims.current(ovi.model.Claim.key(owner, type.get(), e.resource()))
                    .filter(c -> c.holder().equals(holder) && c.fence() == fence && c.liveAt(now))
                    .isPresent();
            if (!live) {
                out.add(e);
            }
        }
        return out;
    }

    /**
     * Settles {@code inDoubt} (from {@code ovi.wal.InDoubt.in(wal)}), appending each resolution under
     * {@code runId} and syncing the WAL.
     */
    public Result resolve(String runId, List<WalEntry> inDoubt) {
        List<WalEntry> resolved = new ArrayList<>();
        List<Unresolved> unresolved = new ArrayList<>();
        for (WalEntry e : inDoubt) {
            WalRecord read = WalRecords.decode(e);
            if (!(read instanceof WalRecord.Executing x)) {
                unresolved.add(new Unresolved(e, "the executing entry (seq " + e.seq() + ") cannot be read: "
                        + (read instanceof WalRecord.Unreadable u ? u.problem() : "it is a " + e.type() + " entry")));
                continue;
            }
            Optional<ResourceType> type = ResourceType.parse(x.resourceType());
            if (type.isEmpty()) {
                unresolved.add(new Unresolved(e, "the executing entry (seq " + e.seq() + ") names no resource type"));
                continue;
            }
            ResourceLookup.Target target = new ResourceLookup.Target(type.get(), x.region(), owner,
                    e.resource(), x.cloudId(), x.clientToken());
            Optional<Observation> found;
            try {
                found = lookup.find(target).stream().findFirst();
            } catch (RuntimeException ex) {
                String why = "cannot look up " + type.get() + " " + e.resource() + " again: " + ex.getMessage();
                Progress.of(progress).about(e.resource(), "still in doubt: " + why);
                unresolved.add(new Unresolved(e, why));
                continue;
            }
            Optional<Intent> intent = intent(e, type.get(), found);
            AuditLog.Draft d;
            if (intent.isEmpty()) {
                d = settle(runId, e, type.get(), found); // an entry from before entries said what was wanted
            } else {
                d = settleIntent(runId, e, intent.get(), found);
                if (d == null) {
                    Progress.of(progress).about(e.resource(), "seq " + e.seq() + " (" + e.action() + " "
                            + e.resource() + ") is being settled by another run");
                    continue;
                }
            }
            WalEntry written = wal.append(d);
            wal.sync();
            Progress.of(progress).about(e.resource(), "recovered seq " + e.seq() + " (" + e.action() + " " + e.resource()
                    + "): " + d.message());
            resolved.add(written);
        }
        return new Result(resolved, unresolved);
    }

    /** The intent an executing entry carried, or empty for an entry that does not say what was wanted. */
    static Optional<Intent> intent(WalEntry e, ResourceType type, Optional<Observation> found) {
        Action action = java.util.Arrays.stream(Action.values()).filter(a -> a.key().equals(e.action())).findFirst()
                .orElse(null);
        WalRecord.Executing x = executing(e);
        String planRunId = x.planRunId();
        if (action == null || action == Action.NOTIFY || planRunId == null) {
            return Optional.empty();
        }
        DesiredResource desired = x.desired() == null ? null : new DesiredResource(e.resource(), type, x.region(),
                x.desired().attributes(), x.desired().tags());
        List<Change> changes = x.changes();
        if ((action == Action.CREATE || action == Action.UPDATE || action == Action.ADOPT) && desired == null) {
            return Optional.empty();
        }
        String cloudId = x.cloudId() != null ? x.cloudId() : found.map(Observation::cloudId).orElse(null);
        String hash = found.map(Observation::contentHash).orElse(null);
        if ((action == Action.UPDATE || action == Action.DELETE || action == Action.ADOPT)
                && (cloudId == null || hash == null)) {
            hash = hash == null ? "gone" : hash;
            cloudId = cloudId == null ? e.resource() : cloudId;
        }
        return Optional.of(new Intent(action, "in-doubt", e.resource(), type, x.region(), cloudId, hash, desired,
                changes, "finishing seq " + e.seq() + " of run " + e.runId(), planRunId));
    }

    /** The state the resource was in before the action began, as its executing entry recorded it. */
    static Map<String, String> before(WalEntry e) {
        return executing(e).before();
    }

    /** The executing entry as it reads; {@link #resolve} has set unreadable ones aside before this is asked. */
    private static WalRecord.Executing executing(WalEntry e) {
        if (WalRecords.decode(e) instanceof WalRecord.Executing x) {
            return x;
        }
        throw new IllegalArgumentException("seq " + e.seq() + " is not a readable executing entry");
    }

    /**
     * How an action that says what it wanted ended: as wanted (executed), not at all (failed), or half
     * done (finished now, under a claim). Null when another run holds the resource's claim: it is settling
     * it, and this run leaves it alone.
     */
    private AuditLog.Draft settleIntent(String runId, WalEntry e, Intent intent, Optional<Observation> found) {
        String noun = intent.type().noun();
        String at = found.map(o -> " (" + o.cloudId() + ")").orElse("");
        List<String> undone = undone(e, intent, found, owner, lookup);
        String how;
        boolean tookEffect;
        switch (intent.action()) {
            case CREATE -> {
                tookEffect = found.isPresent() && undone.isEmpty();
                how = found.isEmpty() ? "no " + noun + " found, the create did not take effect"
                        : tookEffect ? "the " + noun + " exists" + at + " as the create wanted, it took effect" : null;
            }
            case DELETE -> {
                tookEffect = found.isEmpty();
                how = tookEffect ? "the " + noun + " is gone, the delete took effect"
                        : "the " + noun + " still exists" + at + ", the delete did not take effect";
            }
            case ADOPT -> {
                // one tagging call sets all three tags: it took effect or not, and is never finished here,
                // so a resource someone else tagged since is not tagged over; a rerun of apply --adopt does it
                tookEffect = found.isPresent() && undone.isEmpty();
                how = found.isEmpty() ? "the " + noun + " is gone, the adopt did not take effect"
                        : tookEffect ? "the " + noun + at + " carries this owner's tags, the adopt took effect"
                        : "the " + noun + at + " lacks this owner's tags, the adopt did not take effect"
                        + (found.get().owner() != null ? " (it is tagged ovi:owner=" + found.get().owner() + ")"
                        : "; apply --adopt again adopts it");
            }
            default -> {
                tookEffect = found.isPresent() && undone.isEmpty();
                String what = intent.action().key();
                how = found.isEmpty() ? "the " + noun + " is gone, the " + what + " did not take effect"
                        : tookEffect ? "the " + noun + " exists" + at + " as the " + what + " wanted, it took effect"
                        : null;
            }
        }
        if (how == null) {
            // cut off between two calls: finish it, or say exactly what is left
            String half = "the " + noun + " exists" + at + " but " + String.join(", ", undone);
            if (rollForward == null) {
                return resolution(runId, e, found, false, "after a crash: " + half + "; the " + intent.action().key()
                        + " is half done", null, false, true);
            }
            Outcome o = finish(runId, e, intent);
            if (o == null) {
                return null;
            }
            if (o instanceof Outcome.Executed x) {
                return resolution(runId, e, found, true, "after a crash: " + half + "; finished the "
                        + intent.action().key() + ": " + x.message(), x.requestId(), true, true);
            }
            String why = o instanceof Outcome.Failed f ? f.error() : o instanceof Outcome.Skipped sk ? sk.message()
                    : o.kind();
            return resolution(runId, e, found, false, "after a crash: " + half + "; finishing the "
                    + intent.action().key() + " failed: " + why, null, true, true);
        }
        return resolution(runId, e, found, tookEffect, "after a crash: " + how, null, false, true);
    }

    /**
     * The entry that settles {@code e}: {@code executed} when the action took effect, else {@code failed}
     * with the message as its error; {@code requestId} is that of the call that finished it, if any.
     */
    private static AuditLog.Draft resolution(String runId, WalEntry e, Optional<Observation> found, boolean tookEffect,
                                             String message, String requestId, boolean rolledForward,
                                             boolean verified) {
        String cloudId = found.map(Observation::cloudId).orElse(null);
        return AuditLog.Draft.of(runId, tookEffect
                ? new WalRecord.Executed(e.resource(), e.action(), message, cloudId, requestId, e.seq(), e.runId(),
                        rolledForward, verified)
                : new WalRecord.Failed(e.resource(), e.action(), message, message, requestId, cloudId, e.seq(),
                        e.runId(), rolledForward));
    }

    /**
     * What the resource as found still lacks of what the action wanted: for a create, ovi's own tags (a
     * resource of ours that otherwise differs was created, and its drift is the next plan's) and whatever
     * the kind says its create still has to do after the first call (a security group's rules); for an
     * update, each change not yet applied, and whatever else the kind says is left (an instance resized
     * but not started again when it ran).
     */
    static List<String> undone(WalEntry e, Intent intent, Optional<Observation> found, String owner,
                               ResourceLookup kindSays) {
        List<String> off = new ArrayList<>();
        if (found.isEmpty()) {
            return off;
        }
        Observation o = found.get();
        if (intent.action() == Action.CREATE) {
            Map<String, String> want = intent.desired().allTags(owner);
            for (String k : List.of(ovi.model.Tags.MANAGED, ovi.model.Tags.OWNER, ovi.model.Tags.ID)) {
                if (!want.get(k).equals(o.tags().get(k))) {
                    off.add("it lacks the tag " + k + "=" + want.get(k));
                }
            }
            off.addAll(kindSays.unfinished(intent, before(e), o));
        } else if (intent.action() == Action.ADOPT) {
            // its only changes are ovi's three tags: one call set them all, or none
            for (Change c : intent.changes()) {
                notApplied(intent.type(), c, o).ifPresent(off::add);
            }
        } else if (intent.action() == Action.UPDATE) {
            for (Change c : intent.changes()) {
                notApplied(intent.type(), c, o).ifPresent(off::add);
            }
            off.addAll(kindSays.unfinished(intent, before(e), o));
        }
        return off;
    }

    /**
     * How the resource as found differs from what one change wanted, or empty when the change is made. A
     * change of a set field is one element added (present now?) or taken away (gone now?); a change of a
     * fixed field is never made in place, so an update is not waited on for it.
     */
    static Optional<String> notApplied(ResourceType type, Change c, Observation o) {
        Optional<Field> field = type.field(c.field());
        if (field.filter(Field::fixed).isPresent()) {
            return Optional.empty();
        }
        if (field.filter(Field::set).isPresent()) {
            java.util.SortedSet<String> now = Field.elements(o.attribute(c.field()));
            if (c.desired() != null && !now.contains(c.desired())) {
                return Optional.of(c.field() + " lacks " + c.desired());
            }
            if (c.desired() == null && c.current() != null && now.contains(c.current())) {
                return Optional.of(c.field() + " still has " + c.current());
            }
            return Optional.empty();
        }
        String now = c.field().startsWith("tags.") ? o.tags().get(c.field().substring(5)) : o.attribute(c.field());
        return made(type, c, now) ? Optional.empty()
                : Optional.of(c.field() + " is " + (now == null ? "absent" : now) + ", not " + c.desired());
    }

    /** Carries the intent out again under a claim of this run; null when another run holds the claim. */
    private Outcome finish(String runId, WalEntry e, Intent intent) {
        String key = ovi.model.Claim.key(owner, intent.type(), intent.id());
        Optional<ovi.model.Claim> claimed = rollForward.claims().tryClaim(key, rollForward.holder(), rollForward.ttl());
        if (claimed.isEmpty()) {
            return null;
        }
        ovi.model.Claim claim = claimed.get();
        if (!rollForward.stillInDoubt().get().contains(e.seq())) {
            rollForward.claims().release(claim); // another run settled it while this one waited
            return null;
        }
        wal.append(runId, new WalRecord.Claimed(intent.id(), intent.action().key(), "claimed by "
                + claim.holder() + " (fence " + claim.fence() + ") to finish an action cut off by a crash",
                claim.resource(), claim.holder(), claim.fence(), claim.expiresAt()));
        try {
            Progress.of(progress).about(intent.id(), "finishing the " + intent.action().key() + " of "
                    + intent.type().key() + " " + intent.id() + ", cut off by a crash");
            Fence fence = Applier.fence(rollForward.claims(), claim, rollForward.ttl(), intent.id());
            try {
                return rollForward.executor().execute(intent, owner, fence, before(e));
            } catch (Fence.Lost ex) {
                return new Outcome.Failed(ex.getMessage() + "; stopped before the next AWS call", null);
            } catch (RuntimeException ex) {
                return new Outcome.Failed(String.valueOf(ex.getMessage()), null);
            }
        } finally {
            rollForward.claims().release(claim);
            wal.append(runId, new WalRecord.Released(intent.id(), intent.action().key(),
                    "released by " + claim.holder(), claim.resource(), claim.fence()));
        }
    }

    private static AuditLog.Draft settle(String runId, WalEntry e, ResourceType type, Optional<Observation> found) {
        String noun = type.noun();
        String action = e.action() == null ? "action" : e.action();
        String at = found.map(o -> " (" + o.cloudId() + ")").orElse("");
        boolean verified = true;
        boolean tookEffect;
        String how;
        switch (action) {
            case "create" -> {
                tookEffect = found.isPresent();
                how = tookEffect ? "the " + noun + " exists" + at + ", the create took effect"
                        : "no " + noun + " found, the create did not take effect";
            }
            case "delete" -> {
                tookEffect = found.isEmpty();
                how = tookEffect ? "the " + noun + " is gone, the delete took effect"
                        : "the " + noun + " still exists" + at + ", the delete did not take effect";
            }
            default -> {
                if (found.isEmpty()) {
                    tookEffect = false;
                    how = "the " + noun + " is gone, the " + action + " did not take effect";
                } else {
                    List<String> off = mismatches(e, type, found.get());
                    if (off == null) {
                        tookEffect = true;
                        verified = false;
                        how = "the " + noun + " exists" + at + "; whether the " + action
                                + " took effect is left to this run's comparison";
                    } else {
                        tookEffect = off.isEmpty();
                        how = tookEffect ? "the " + noun + " exists" + at + " as the " + action + " wanted, it took effect"
                                : "the " + noun + " exists" + at + " but " + String.join(", ", off) + ", the " + action
                                + " did not take effect";
                    }
                }
            }
        }
        return resolution(runId, e, found, tookEffect, "after a crash: " + how, null, false, verified);
    }

    /** The fields not yet as the update wanted, or null when the entry does not say what it wanted. */
    private static List<String> mismatches(WalEntry e, ResourceType type, Observation o) {
        List<Change> changes = executing(e).changes();
        if (changes.isEmpty()) {
            return null;
        }
        List<String> off = new ArrayList<>();
        for (Change c : changes) {
            notApplied(type, c, o).ifPresent(off::add);
        }
        return off;
    }

    /**
     * Whether a change is made, the value now being {@code now}: compared as the comparator compares it, so a
     * value that also names where its content is read from (a code file) is made once the content is.
     */
    static boolean made(ResourceType type, Change c, String now) {
        Optional<Field> f = c.field().startsWith("tags.") ? Optional.empty() : type.field(c.field());
        if (f.isEmpty()) {
            return Objects.equals(c.desired(), now);
        }
        return Objects.equals(f.get().comparable(c.desired()), f.get().comparable(now));
    }
}

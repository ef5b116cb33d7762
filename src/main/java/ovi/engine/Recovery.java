package ovi.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import ovi.model.Action;
import ovi.model.Change;
import ovi.model.DesiredResource;
import ovi.model.Intent;
import ovi.model.Observation;
import ovi.model.Outcome;
import ovi.model.ResourceType;
import ovi.model.WalEntry;

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
    public static final String RESOLVES_SEQ = "resolvesSeq";
    public static final String IN_DOUBT_RUN = "inDoubtRunId";

    /** Data of a resolution that finished an action cut off between two of its calls. */
    public static final String ROLLED_FORWARD = "rolledForward";

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
     * What the {@code executing} entry of {@code intent} carries so that a later run can finish the action:
     * the deciding run, the declaration, the changes, and the state the resource was in before
     * ({@code before} as looked up right before acting; null for a create).
     */
    public static Map<String, Object> resumable(Intent intent, Observation before) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("planRunId", intent.planRunId());
        if (intent.desired() != null) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("attributes", new java.util.TreeMap<>(intent.desired().attributes()));
            d.put("tags", new java.util.TreeMap<>(intent.desired().tags()));
            m.put("desired", d);
        }
        if (!intent.changes().isEmpty()) {
            List<Map<String, String>> changes = new ArrayList<>();
            for (Change c : intent.changes()) {
                Map<String, String> x = new LinkedHashMap<>();
                x.put("field", c.field());
                x.put("current", c.current());
                x.put("desired", c.desired());
                changes.add(x);
            }
            m.put("changes", changes);
        }
        if (before != null && before.attribute("state") != null) {
            m.put("before", Map.of("state", before.attribute("state")));
        }
        return m;
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
            Optional<ResourceType> type = ResourceType.parse(String.valueOf(e.data().get("type")));
            Object holder = e.data().get("holder");
            Object fence = e.data().get("fence");
            boolean live = type.isPresent() && holder != null && fence instanceof Number n
                    && claims.current(ovi.model.Claim.key(owner, type.get(), e.resource()))
                    .filter(c -> c.holder().equals(holder) && c.fence() == n.longValue() && c.liveAt(now))
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
            Optional<ResourceType> type = ResourceType.parse(str(e, "type"));
            if (type.isEmpty()) {
                unresolved.add(new Unresolved(e, "the executing entry (seq " + e.seq() + ") names no resource type"));
                continue;
            }
            ResourceLookup.Target target = new ResourceLookup.Target(type.get(), str(e, "region"), owner,
                    e.resource(), str(e, "cloudId"), str(e, "clientToken"));
            Optional<Observation> found;
            try {
                found = lookup.find(target).stream().findFirst();
            } catch (RuntimeException ex) {
                String why = "cannot look up " + type.get() + " " + e.resource() + " again: " + ex.getMessage();
                progress.accept("still in doubt: " + why);
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
                    progress.accept("seq " + e.seq() + " (" + e.action() + " " + e.resource() + ") is being settled "
                            + "by another run");
                    continue;
                }
            }
            WalEntry written = wal.append(d);
            wal.sync();
            progress.accept("recovered seq " + e.seq() + " (" + e.action() + " " + e.resource() + "): " + d.message());
            resolved.add(written);
        }
        return new Result(resolved, unresolved);
    }

    /** The intent an executing entry carried, or empty for an entry that does not say what was wanted. */
    static Optional<Intent> intent(WalEntry e, ResourceType type, Optional<Observation> found) {
        Action action = java.util.Arrays.stream(Action.values()).filter(a -> a.key().equals(e.action())).findFirst()
                .orElse(null);
        Object planRun = e.data().get("planRunId");
        if (action == null || action == Action.NOTIFY || !(planRun instanceof String planRunId)) {
            return Optional.empty();
        }
        DesiredResource desired = null;
        if (e.data().get("desired") instanceof Map<?, ?> d) {
            desired = new DesiredResource(e.resource(), type, str(e, "region"), strings(d.get("attributes")),
                    strings(d.get("tags")));
        }
        List<Change> changes = new ArrayList<>();
        if (e.data().get("changes") instanceof List<?> list) {
            for (Object c : list) {
                if (c instanceof Map<?, ?> m && m.get("field") instanceof String field) {
                    changes.add(new Change(field, m.get("current") == null ? null : m.get("current").toString(),
                            m.get("desired") == null ? null : m.get("desired").toString()));
                }
            }
        }
        if ((action == Action.CREATE || action == Action.UPDATE) && desired == null) {
            return Optional.empty();
        }
        String cloudId = str(e, "cloudId") != null ? str(e, "cloudId") : found.map(Observation::cloudId).orElse(null);
        String hash = found.map(Observation::contentHash).orElse(null);
        if ((action == Action.UPDATE || action == Action.DELETE) && (cloudId == null || hash == null)) {
            hash = hash == null ? "gone" : hash;
            cloudId = cloudId == null ? e.resource() : cloudId;
        }
        return Optional.of(new Intent(action, "in-doubt", e.resource(), type, str(e, "region"), cloudId, hash, desired,
                changes, "finishing seq " + e.seq() + " of run " + e.runId(), planRunId));
    }

    /** The state the resource was in before the action began, as its executing entry recorded it. */
    static Map<String, String> before(WalEntry e) {
        return strings(e.data().get("before"));
    }

    private static Map<String, String> strings(Object o) {
        Map<String, String> m = new java.util.TreeMap<>();
        if (o instanceof Map<?, ?> map) {
            map.forEach((k, v) -> m.put(String.valueOf(k), String.valueOf(v)));
        }
        return m;
    }

    /**
     * How an action that says what it wanted ended: as wanted (executed), not at all (failed), or half
     * done (finished now, under a claim). Null when another run holds the resource's claim: it is settling
     * it, and this run leaves it alone.
     */
    private AuditLog.Draft settleIntent(String runId, WalEntry e, Intent intent, Optional<Observation> found) {
        String noun = intent.type().noun();
        String at = found.map(o -> " (" + o.cloudId() + ")").orElse("");
        Map<String, Object> data = new LinkedHashMap<>();
        data.put(RESOLVES_SEQ, e.seq());
        data.put(IN_DOUBT_RUN, e.runId());
        found.ifPresent(o -> data.put("cloudId", o.cloudId()));
        data.put("requestId", null);
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
            default -> {
                tookEffect = found.isPresent() && undone.isEmpty();
                how = found.isEmpty() ? "the " + noun + " is gone, the update did not take effect"
                        : tookEffect ? "the " + noun + " exists" + at + " as the update wanted, it took effect" : null;
            }
        }
        if (how == null) {
            // cut off between two calls: finish it, or say exactly what is left
            String half = "the " + noun + " exists" + at + " but " + String.join(", ", undone);
            if (rollForward == null) {
                data.put("error", "after a crash: " + half + "; the " + intent.action().key() + " is half done");
                return new AuditLog.Draft(runId, "failed", e.resource(), e.action(), (String) data.get("error"), data);
            }
            Outcome o = finish(runId, e, intent);
            if (o == null) {
                return null;
            }
            data.put(ROLLED_FORWARD, true);
            if (o instanceof Outcome.Executed x) {
                data.put("requestId", x.requestId());
                return new AuditLog.Draft(runId, "executed", e.resource(), e.action(), "after a crash: " + half
                        + "; finished the " + intent.action().key() + ": " + x.message(), data);
            }
            String why = o instanceof Outcome.Failed f ? f.error() : o instanceof Outcome.Skipped sk ? sk.message()
                    : o.kind();
            data.put("error", "after a crash: " + half + "; finishing the " + intent.action().key() + " failed: " + why);
            return new AuditLog.Draft(runId, "failed", e.resource(), e.action(), (String) data.get("error"), data);
        }
        String message = "after a crash: " + how;
        if (!tookEffect) {
            data.put("error", message);
        }
        return new AuditLog.Draft(runId, tookEffect ? "executed" : "failed", e.resource(), e.action(), message, data);
    }

    /**
     * What the resource as found still lacks of what the action wanted: for a create, ovi's own tags (a
     * resource of ours that otherwise differs was created, and its drift is the next plan's); for an
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
        } else if (intent.action() == Action.UPDATE) {
            for (Change c : intent.changes()) {
                String now = c.field().startsWith("tags.") ? o.tags().get(c.field().substring(5)) : o.attribute(c.field());
                if (!Objects.equals(c.desired(), now)) {
                    off.add(c.field() + " is " + (now == null ? "absent" : now) + ", not " + c.desired());
                }
            }
            off.addAll(kindSays.unfinished(intent, before(e), o));
        }
        return off;
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
        wal.append(new AuditLog.Draft(runId, "claimed", intent.id(), intent.action().key(), "claimed by "
                + claim.holder() + " (fence " + claim.fence() + ") to finish an action cut off by a crash",
                Map.of("claim", claim.resource(), "holder", claim.holder(), "fence", claim.fence(),
                        "expiresAt", claim.expiresAt().toString())));
        try {
            progress.accept("finishing the " + intent.action().key() + " of " + intent.type().key() + " " + intent.id()
                    + ", cut off by a crash");
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
            wal.append(new AuditLog.Draft(runId, "released", intent.id(), intent.action().key(),
                    "released by " + claim.holder(), Map.of("claim", claim.resource(), "fence", claim.fence())));
        }
    }

    private static AuditLog.Draft settle(String runId, WalEntry e, ResourceType type, Optional<Observation> found) {
        String noun = type.noun();
        String action = e.action() == null ? "action" : e.action();
        String at = found.map(o -> " (" + o.cloudId() + ")").orElse("");
        Map<String, Object> data = new LinkedHashMap<>();
        data.put(RESOLVES_SEQ, e.seq());
        data.put(IN_DOUBT_RUN, e.runId());
        found.ifPresent(o -> data.put("cloudId", o.cloudId()));
        data.put("requestId", null);
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
                    List<String> off = mismatches(e, found.get());
                    if (off == null) {
                        tookEffect = true;
                        data.put("verified", false);
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
        String message = "after a crash: " + how;
        if (!tookEffect) {
            data.put("error", message);
        }
        return new AuditLog.Draft(runId, tookEffect ? "executed" : "failed", e.resource(), e.action(), message, data);
    }

    /** The fields not yet as the update wanted, or null when the entry does not say what it wanted. */
    private static List<String> mismatches(WalEntry e, Observation o) {
        if (!(e.data().get("changes") instanceof List<?> changes) || changes.isEmpty()) {
            return null;
        }
        List<String> off = new ArrayList<>();
        for (Object c : changes) {
            if (!(c instanceof Map<?, ?> m) || !(m.get("field") instanceof String field)) {
                return null;
            }
            Object desired = m.get("desired");
            String now = field.startsWith("tags.") ? o.tags().get(field.substring(5)) : o.attribute(field);
            if (!Objects.equals(desired == null ? null : desired.toString(), now)) {
                off.add(field + " is " + (now == null ? "absent" : now) + ", not " + desired);
            }
        }
        return off;
    }

    private static String str(WalEntry e, String key) {
        Object v = e.data().get(key);
        return v == null ? null : v.toString();
    }
}

package ovi.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import ovi.model.Observation;
import ovi.model.ResourceType;
import ovi.model.WalEntry;

/**
 * Settles the actions a crashed run left in doubt (an {@code executing} entry with no outcome), before
 * the next run acts on anything: looks each resource up again and appends {@code executed} when the
 * action took effect, {@code failed} when it did not, carrying {@code data.resolvesSeq} (the executing
 * entry's seq) and {@code data.inDoubtRunId} (the crashed run), with a message saying how it resolved.
 *
 * <p>An action whose resource cannot be looked up (AWS unreachable, access denied) stays in doubt and is
 * returned as unresolved: the caller must not act on that resource in this run.
 */
public final class Recovery {
    public static final String RESOLVES_SEQ = "resolvesSeq";
    public static final String IN_DOUBT_RUN = "inDoubtRunId";

    /** An action left in doubt: the executing entry and why it could not be settled. */
    public record Unresolved(WalEntry executing, String reason) {
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

    public Recovery(ResourceLookup lookup, AuditLog wal, String owner, Consumer<String> progress) {
        this.lookup = lookup;
        this.wal = wal;
        this.owner = owner;
        this.progress = progress;
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
            AuditLog.Draft d = settle(runId, e, type.get(), found);
            WalEntry written = wal.append(d);
            wal.sync();
            progress.accept("recovered seq " + e.seq() + " (" + e.action() + " " + e.resource() + "): " + d.message());
            resolved.add(written);
        }
        return new Result(resolved, unresolved);
    }

    private static AuditLog.Draft settle(String runId, WalEntry e, ResourceType type, Optional<Observation> found) {
        String noun = noun(type);
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

    private static String noun(ResourceType t) {
        return switch (t) {
            case EC2 -> "instance";
            case RDS -> "DB instance";
            case S3 -> "bucket";
        };
    }

    private static String str(WalEntry e, String key) {
        Object v = e.data().get(key);
        return v == null ? null : v.toString();
    }
}

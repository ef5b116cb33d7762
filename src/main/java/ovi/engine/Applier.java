package ovi.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Predicate;
import ovi.model.Action;
import ovi.model.Claim;
import ovi.model.Field;
import ovi.model.Intent;
import ovi.model.Observation;
import ovi.model.Outcome;
import ovi.model.Outcome.SkipReason;
import ovi.model.Tags;
import ovi.model.WalRecord;
import ovi.model.WalRecord.Kind;

/**
 * Acts on decisions safely when several ovi processes overlap: each resource is claimed in the store
 * (TTL + fencing number), looked up again, and acted on only if the decision still holds; the WAL gets the
 * intent (synced) before each cloud call and the outcome after. Guards stop a run before it acts.
 */
public final class Applier {

    /**
     * How an apply behaves.
     *
     * @param holder          this instance's readable name (host:pid by default, or --instance-id); claims are
     *                        held by this name plus a nonce of the run, so two runs that share a name never
     *                        share a claim
     * @param claimTtl        how long a claim lasts unless released or renewed
     * @param maxDeletes      more deletes than this stop the run before it acts
     * @param maxChanges      more creates, updates and deletes than this stop the run before it acts
     * @param skipDestructive deletes are skipped
     * @param concurrency     at most this many resources are acted on at once
     * @param protectedIds    ids that must not be deleted whatever the plan says (blessed now)
     */
    public record Options(String holder, Duration claimTtl, int maxDeletes, int maxChanges, boolean skipDestructive,
                          int concurrency, Predicate<String> protectedIds, java.time.Instant deadline,
                          java.util.function.BooleanSupplier stopping) {
        public Options(String holder, Duration claimTtl, int maxDeletes, int maxChanges, boolean skipDestructive,
                       int concurrency, Predicate<String> protectedIds) {
            this(holder, claimTtl, maxDeletes, maxChanges, skipDestructive, concurrency, protectedIds, null);
        }

        public Options(String holder, Duration claimTtl, int maxDeletes, int maxChanges, boolean skipDestructive,
                       int concurrency, Predicate<String> protectedIds, java.time.Instant deadline) {
            this(holder, claimTtl, maxDeletes, maxChanges, skipDestructive, concurrency, protectedIds, deadline,
                    () -> false);
        }

        /** Whether the run's --timeout has passed: nothing more is started. */
        public boolean pastDeadline() {
            return deadline != null && !java.time.Instant.now().isBefore(deadline);
        }

        public Options {
            if (claimTtl.isNegative() || claimTtl.isZero()) {
                throw new IllegalArgumentException("the claim TTL must be positive");
            }
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency must be at least 1");
            }
        }
    }

    /** One intent and what became of it. */
    public record Result(Intent intent, Outcome outcome) {
    }

    /** Every intent's outcome, in the order given. */
    public record Report(String runId, String holder, List<Result> results) {
        public Report {
            results = List.copyOf(results);
        }

        /** outcome kind -> count, every kind present. */
        public Map<String, Integer> summary() {
            Map<String, Integer> s = new LinkedHashMap<>();
            for (String k : List.of(Kind.EXECUTED.key(), Kind.FAILED.key(), Kind.SKIPPED.key(), Outcome.Notified.KIND)) {
                s.put(k, 0);
            }
            results.forEach(r -> s.merge(r.outcome().kind(), 1, Integer::sum));
            return s;
        }

        /** 3 when anything failed or was skipped for a reason someone has to look at; else 0. */
        public int exitCode() {
            boolean bad = results.stream().map(Result::outcome).anyMatch(o -> o instanceof Outcome.Failed
                    || (o instanceof Outcome.Skipped s && !s.reason().benign()));
            return bad ? ExitCode.PARTIAL : ExitCode.OK;
        }
    }

    /** Attempts at a contested claim before the resource is skipped as held. */
    static final int CLAIM_ATTEMPTS = 4;
    static final long CLAIM_BACKOFF_MILLIS = 150;

    private final ActionExecutor executor;
    private final ResourceLookup lookup;
    private final ClaimStore claims;
    private final AuditLog wal;
    private final Options options;
    private final Progress progress;
    /** Who holds this run's claims: unique to this Applier, whatever name the instance was given. */
    private final String holder;

    public Applier(ActionExecutor executor, ResourceLookup lookup, ClaimStore claims, AuditLog wal, Options options,
                   Consumer<String> progress) {
        this.executor = executor;
        this.lookup = lookup;
        this.claims = claims;
        this.wal = wal;
        this.options = options;
        this.progress = Progress.of(progress);
        // Claims are re-entrant for their holder (a run renews its own claim between calls). Cron lines often
        // share one --instance-id ($(hostname), an EC2 instance id), so the name alone would let overlapping
        // runs all act on one resource: the holder is the name plus a nonce of this run.
        this.holder = Claim.holder(options.holder());
    }

    /** The holder this run's claims carry: the instance name, '#', and a nonce of the run. */
    public String holder() {
        return holder;
    }

    /**
     * Checks {@code --max-deletes} and {@code --max-changes}; when either is exceeded, records every change
     * as skipped by the guard and throws (exit 1) before anything is claimed or done.
     */
    public void guard(String runId, List<Intent> intents) {
        long deletes = intents.stream().filter(i -> i.action() == Action.DELETE && !options.skipDestructive()).count();
        long changes = intents.stream().filter(i -> i.action().changes()
                && !(i.action() == Action.DELETE && options.skipDestructive())).count();
        String why = null;
        if (deletes > options.maxDeletes()) {
            why = deletes + " deletes exceed --max-deletes " + options.maxDeletes();
        } else if (changes > options.maxChanges()) {
            why = changes + " changes exceed --max-changes " + options.maxChanges();
        }
        if (why == null) {
            return;
        }
        List<AuditLog.Draft> drafts = new ArrayList<>();
        for (Intent i : intents) {
            if (i.action().changes()) {
                drafts.add(skipped(runId, i, SkipReason.GUARD, why));
            }
        }
        wal.append(drafts);
        throw OviException.failure("refusing to apply: " + why + "; nothing was done (raise the limit if the plan "
                + "is right)");
    }

    /**
     * Acts on every intent (notify ones are only reported) and returns what became of each. Intents run
     * concurrently, up to {@code concurrency} at once, except that each waits for the intents it is
     * {@link Intent#after() after}; one whose dependency did not get done is skipped, saying which.
     */
    public Report apply(String runId, String owner, List<Intent> intents) {
        guard(runId, intents);
        // Intents on one claim key (a kept resource and its duplicate) run one after the other.
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        Outcome[] outcomes = new Outcome[intents.size()];
        Map<String, List<Integer>> byId = new HashMap<>();
        for (int n = 0; n < intents.size(); n++) {
            Intent i = intents.get(n);
            byId.computeIfAbsent(i.id(), k -> new ArrayList<>()).add(n);
            if (i.action() == Action.NOTIFY) {
                outcomes[n] = new Outcome.Notified(i.reason());
            } else {
                groups.computeIfAbsent(Claim.key(owner, i.type(), i.id()), k -> new ArrayList<>()).add(n);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(options.concurrency(),
                groups.size())), r -> {
                    Thread t = new Thread(r, "ovi-apply");
                    t.setDaemon(true);
                    return t;
                });
        Map<String, String> created = new ConcurrentHashMap<>();
        int total = groups.values().stream().mapToInt(List::size).sum();
        java.util.concurrent.atomic.AtomicInteger finished = new java.util.concurrent.atomic.AtomicInteger();
        try {
            Map<String, CompletableFuture<Void>> done = new HashMap<>();
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (List<Integer> group : groups.values()) {
                // only what was started before: a plan is in dependency order, and a cycle could never finish
                List<CompletableFuture<Void>> waits = new ArrayList<>();
                for (int n : group) {
                    for (String id : intents.get(n).after()) {
                        CompletableFuture<Void> f = done.get(id);
                        if (f != null) {
                            waits.add(f);
                        }
                    }
                }
                CompletableFuture<Void> f = CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new))
                        .thenRunAsync(() -> {
                            for (int n : group) {
                                Intent i = intents.get(n);
                                String what = i.action().key() + " " + i.type().key() + " " + i.id();
                                progress.acting(what, finished.get(), total);
                                outcomes[n] = actAfter(runId, owner, intents, n, outcomes, byId, created);
                                progress.acting(what + ": " + ended(outcomes[n]), finished.incrementAndGet(), total);
                            }
                        }, pool);
                group.forEach(n -> done.put(intents.get(n).id(), f));
                all.add(f);
            }
            try {
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null
                        ? c.getCause() : e.getCause();
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                throw OviException.failure("apply failed: " + cause, cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw OviException.failure("interrupted while applying");
            }
        } finally {
            pool.shutdownNow();
        }
        List<Result> results = new ArrayList<>(intents.size());
        for (int n = 0; n < intents.size(); n++) {
            results.add(new Result(intents.get(n), outcomes[n]));
        }
        return new Report(runId, holder, results);
    }

    /** How an action ended, in one word for the status line. */
    private static String ended(Outcome o) {
        if (o instanceof Outcome.Executed) {
            return "done";
        }
        return o instanceof Outcome.Failed ? "failed" : "skipped";
    }

    /**
     * One intent once those it waits for are done: skipped if one of them did not get done, else acted on
     * with the references to resources created since the plan replaced by their cloud ids.
     */
    private Outcome actAfter(String runId, String owner, List<Intent> intents, int n, Outcome[] outcomes,
                             Map<String, List<Integer>> byId, Map<String, String> created) {
        Intent intent = intents.get(n);
        if (options.pastDeadline()) {
            return skip(runId, intent, SkipReason.DEADLINE, "not started: the run's --timeout passed first");
        }
        if (options.stopping().getAsBoolean()) {
            // ovi watch was told to stop: actions under way finish, the others are left for the next start
            return skip(runId, intent, SkipReason.DEADLINE, "not started: the watch is stopping");
        }
        for (String id : intent.after()) {
            for (int m : byId.getOrDefault(id, List.of())) {
                Outcome o = outcomes[m];
                if (o == null || o instanceof Outcome.Executed
                        || (o instanceof Outcome.Skipped s && s.reason() == SkipReason.CONVERGED)) {
                    continue;
                }
                String what = intents.get(m).action().key() + " of " + id;
                if (o instanceof Outcome.Skipped s && (s.reason() == SkipReason.CLAIM_HELD
                        || s.reason() == SkipReason.GUARD)) {
                    // another run is on it, or a guard held it back: this one waits with it, for the same reason
                    return skip(runId, intent, s.reason(), "waits for the " + what + ", which was skipped: "
                            + s.message());
                }
                String why = o instanceof Outcome.Failed f ? "failed: " + f.error()
                        : o instanceof Outcome.Skipped s ? "was skipped: " + s.message() : "was only notified";
                return skip(runId, intent, SkipReason.DEPENDENCY, "not done: it waits for the " + what + ", which "
                        + why);
            }
        }
        Intent resolved = intent;
        if (intent.desired() != null && !intent.desired().references().isEmpty()) {
            Map<String, String> ids = new HashMap<>();
            for (String ref : intent.desired().references()) {
                String cloudId = created.get(ref);
                if (cloudId == null) {
                    cloudId = lookUp(owner, ref, intents, byId);
                }
                if (cloudId == null) {
                    return skip(runId, intent, SkipReason.DEPENDENCY, "not done: it names " + ref
                            + ", which does not exist yet (it is created by a plan that declares it)");
                }
                ids.put(ref, cloudId);
            }
            resolved = intent.resolve(ids::get);
        }
        Outcome outcome = act(runId, owner, resolved);
        if (outcome instanceof Outcome.Executed e && e.cloudId() != null && intent.action() == Action.CREATE) {
            created.put(intent.id(), e.cloudId());
        }
        return outcome;
    }

    /** The cloud id of a resource the plan creates, made by an overlapping run (its create here converged). */
    private String lookUp(String owner, String id, List<Intent> intents, Map<String, List<Integer>> byId) {
        for (int m : byId.getOrDefault(id, List.of())) {
            Intent i = intents.get(m);
            try {
                List<Observation> found = lookup.find(new ResourceLookup.Target(i.type(), i.region(), owner, id,
                        i.desired() == null ? i.cloudId() : i.desired().cloudId(), null));
                for (Observation o : found) {
                    if (owner.equals(o.owner()) && id.equals(o.oviId())) {
                        return o.cloudId();
                    }
                }
            } catch (RuntimeException e) {
                progress.about(id, "could not look up " + id + ": " + oneLine(e));
            }
        }
        return null;
    }

    private Outcome act(String runId, String owner, Intent intent) {
        if (intent.action() == Action.DELETE && options.skipDestructive()) {
            return skip(runId, intent, SkipReason.GUARD, "not deleted (--skip-destructive)");
        }
        if (intent.action() == Action.DELETE && (options.protectedIds().test(intent.id())
                || (intent.cloudId() != null && options.protectedIds().test(intent.cloudId())))) {
            return skip(runId, intent, SkipReason.GUARD, "blessed in the config now: never deleted");
        }
        String key = Claim.key(owner, intent.type(), intent.id());
        Optional<Claim> claimed = claim(key);
        if (claimed.isEmpty()) {
            String by = claims.current(key).map(c -> c.holder() + " until " + c.expiresAt()).orElse("another instance");
            return skip(runId, intent, SkipReason.CLAIM_HELD, "claimed by " + by);
        }
        Claim claim = claimed.get();
        wal.append(runId, new WalRecord.Claimed(intent.id(), intent.action().key(),
                "claimed by " + claim.holder() + " (fence " + claim.fence() + ")", claim.resource(), claim.holder(),
                claim.fence(), claim.expiresAt()));
        try {
            return actClaimed(runId, owner, intent, claim);
        } finally {
            claims.release(claim);
            wal.append(runId, new WalRecord.Released(intent.id(), intent.action().key(),
                    "released by " + claim.holder(), claim.resource(), claim.fence()));
        }
    }

    private Outcome actClaimed(String runId, String owner, Intent intent, Claim claim) {
        List<Observation> now;
        try {
            // by tags, not by client token: a resource made by any earlier run counts as existing
            now = lookup.find(new ResourceLookup.Target(intent.type(), intent.region(), owner, intent.id(),
                    intent.cloudId(), null));
        } catch (RuntimeException e) {
            return skip(runId, intent, SkipReason.UNOBSERVED, "could not look it up again: " + oneLine(e));
        }
        Recheck check = recheck(owner, intent, now);
        if (check.skip != null) {
            return skip(runId, intent, check.skip, check.message);
        }
        Fence fence = fence(claims, claim, options.claimTtl(), intent.id());
        try {
            claimStillHeld(claims, claim, options.claimTtl());
        } catch (Fence.Lost e) {
            return skip(runId, intent, SkipReason.CLAIM_LOST, e.getMessage() + "; nothing was done");
        }
        // enough to finish the action after a crash: what was wanted, and the state it was in before
        wal.append(runId, WalRecord.Executing.of(intent, owner, claim, now.stream()
                .filter(o -> o.cloudId().equals(intent.cloudId())).findFirst().orElse(null)));
        wal.sync();
        progress.about(intent.id(), intent.action().key() + " " + intent.type().key() + " " + intent.id() + " ...");
        Outcome outcome;
        try {
            outcome = executor.execute(intent, owner, fence);
        } catch (Fence.Lost e) {
            outcome = new Outcome.Failed(e.getMessage() + "; stopped before the next AWS call", null);
        } catch (RuntimeException e) {
            outcome = new Outcome.Failed(oneLine(e), null);
        }
        CrashPoint.afterAwsCall(intent.id());
        if (intent.action() == Action.ADOPT && outcome instanceof Outcome.Executed) {
            outcome = adopted(owner, intent, outcome);
        }
        record(runId, intent, outcome);
        return outcome;
    }

    private void record(String runId, Intent intent, Outcome outcome) {
        if (outcome instanceof Outcome.Executed e) {
            wal.append(runId, WalRecord.Executed.of(intent.id(), intent.action().key(),
                    e.message() == null ? "done" : e.message(), e.cloudId(), e.requestId()));
            progress.about(intent.id(), intent.action().key() + " " + intent.id() + ": done"
                    + (e.cloudId() != null ? " (" + e.cloudId() + ")" : ""));
        } else if (outcome instanceof Outcome.Failed f) {
            wal.append(runId, WalRecord.Failed.of(intent.id(), intent.action().key(), f.error(), f.requestId()));
            progress.about(intent.id(), intent.action().key() + " " + intent.id() + ": failed: " + f.error());
        } else if (outcome instanceof Outcome.Skipped s) {
            appendSkipped(runId, intent, s);
        } else {
            throw new IllegalStateException("an executor never notifies");
        }
    }

    /**
     * The check an executor makes before each mutating call: the claim is still ours (and renewed, so a
     * slow stop/modify/start keeps it). Each check also numbers the call it guards, for the crash tests'
     * {@code before-call:<id>:<n>} points.
     */
    static Fence fence(ClaimStore claims, Claim claim, Duration ttl, String id) {
        int[] calls = {0};
        return () -> {
            claimStillHeld(claims, claim, ttl);
            CrashPoint.beforeCall(id, ++calls[0]);
        };
    }

    private static void claimStillHeld(ClaimStore claims, Claim claim, Duration ttl) {
        if (!claims.holds(claim) || claims.tryClaim(claim.resource(), claim.holder(), ttl)
                .filter(c -> c.fence() == claim.fence()).isEmpty()) {
            throw new Fence.Lost("the claim on " + claim.resource() + " (fence " + claim.fence() + ") was taken over");
        }
    }

    private record Recheck(SkipReason skip, String message) {
        static final Recheck ACT = new Recheck(null, null);
    }

    /** Does the decision still hold for the resource as it is now? */
    private static Recheck recheck(String owner, Intent intent, List<Observation> now) {
        switch (intent.action()) {
            case CREATE -> {
                if (now.isEmpty()) {
                    return Recheck.ACT;
                }
                Observation o = now.get(0);
                boolean ours = owner.equals(o.owner()) && intent.id().equals(o.oviId());
                if (ours && settled(intent, o)) {
                    return new Recheck(SkipReason.CONVERGED, "already exists as " + o.cloudId());
                }
                return new Recheck(SkipReason.STALE, ours ? "exists now as " + o.cloudId() + " but differs from the "
                        + "declaration; the next plan will update it"
                        : o.cloudId() + " exists and is not managed by owner '" + owner + "'");
            }
            case UPDATE, DELETE -> {
                Optional<Observation> o = now.stream().filter(x -> x.cloudId().equals(intent.cloudId())).findFirst();
                if (o.isEmpty()) {
                    return intent.action() == Action.DELETE
                            ? new Recheck(SkipReason.CONVERGED, intent.cloudId() + " is already gone")
                            : new Recheck(SkipReason.STALE, intent.cloudId() + " is gone since the plan");
                }
                if (o.get().contentHash().equals(intent.contentHash())) {
                    return Recheck.ACT;
                }
                if (intent.action() == Action.UPDATE && settled(intent, o.get())) {
                    return new Recheck(SkipReason.CONVERGED, intent.cloudId() + " already matches the declaration");
                }
                String blessed = o.get().blessedTag() ? " (it is tagged " + Tags.BLESSED + "=true now)" : "";
                return new Recheck(SkipReason.STALE, intent.cloudId() + " changed since the plan" + blessed
                        + "; plan again");
            }
            case ADOPT -> {
                // Only what no config has tagged since the plan is adopted. Its other settings may have moved:
                // adopting leaves them as they are, and the next plan compares them.
                Optional<Observation> o = now.stream().filter(x -> x.cloudId().equals(intent.cloudId())).findFirst();
                if (o.isEmpty()) {
                    return new Recheck(SkipReason.STALE, intent.cloudId() + " is gone since the plan");
                }
                if (o.get().madeFor(owner, intent.id())) {
                    return new Recheck(SkipReason.CONVERGED, intent.cloudId() + " is already adopted as " + intent.id());
                }
                if (!SimpleDriftComparator.untagged(o.get())) {
                    return new Recheck(SkipReason.STALE, intent.cloudId() + " carries ovi tags since the plan ("
                            + o.get().owner() + "); never adopted");
                }
                return Recheck.ACT;
            }
            default -> throw new IllegalArgumentException("nothing to recheck for " + intent.action());
        }
    }

    /**
     * An adoption as it reads back: AWS has no conditional tagging, so a config of another owner adopting
     * the same resource at the same moment could have written its owner tag over ours (or ours over its).
     * The tags read now say which one holds; one that is not ours is reported, never retagged.
     */
    private Outcome adopted(String owner, Intent intent, Outcome done) {
        try {
            Optional<Observation> o = lookup.find(new ResourceLookup.Target(intent.type(), intent.region(), owner,
                    intent.id(), intent.cloudId(), null)).stream().filter(x -> x.cloudId().equals(intent.cloudId()))
                    .findFirst();
            if (o.isPresent() && !o.get().madeFor(owner, intent.id())) {
                return new Outcome.Failed("tagged " + intent.cloudId() + ", but it reads back as ovi:owner="
                        + o.get().owner() + " ovi:id=" + o.get().oviId() + ": another config adopted it at the same "
                        + "time; settle which config declares it", null);
            }
        } catch (RuntimeException e) {
            progress.about(intent.id(), "could not read " + intent.cloudId() + " back after adopting it: " + oneLine(e));
        }
        return done;
    }

    /** The resource matches the declaration in everything ovi can change (a fixed field is only reported). */
    private static boolean settled(Intent intent, Observation o) {
        return SimpleDriftComparator.changes(intent.desired(), o).stream()
                .noneMatch(c -> intent.type().field(c.field()).filter(Field::fixed).isEmpty());
    }

    /** Tries a contested claim a few times with jittered backoff, so overlapping runs do not retry in step. */
    private Optional<Claim> claim(String key) {
        for (int attempt = 0; ; attempt++) {
            Optional<Claim> c = claims.tryClaim(key, holder, options.claimTtl());
            if (c.isPresent() || attempt + 1 >= CLAIM_ATTEMPTS) {
                return c;
            }
            long cap = CLAIM_BACKOFF_MILLIS << attempt;
            try {
                Thread.sleep(cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    private Outcome skip(String runId, Intent intent, SkipReason reason, String message) {
        Outcome.Skipped s = new Outcome.Skipped(reason, message);
        appendSkipped(runId, intent, s);
        return s;
    }

    private void appendSkipped(String runId, Intent intent, Outcome.Skipped s) {
        wal.append(skipped(runId, intent, s.reason(), s.message()));
        progress.about(intent.id(), intent.action().key() + " " + intent.id() + ": skipped (" + s.reason().key() + "): "
                + s.message());
    }

    private static AuditLog.Draft skipped(String runId, Intent intent, SkipReason reason, String message) {
        return AuditLog.Draft.of(runId, new WalRecord.Skipped(intent.id(), intent.action().key(), message, reason));
    }

    private static String oneLine(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** Counts per action, for the summary of what is about to be done. */
    public static Map<Action, Integer> counts(List<Intent> intents) {
        Map<Action, Integer> m = new EnumMap<>(Action.class);
        for (Action a : Action.values()) {
            m.put(a, 0);
        }
        intents.forEach(i -> m.merge(i.action(), 1, Integer::sum));
        return m;
    }
}

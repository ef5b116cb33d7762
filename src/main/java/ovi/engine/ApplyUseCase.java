package ovi.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import ovi.model.Declaration;
import ovi.model.Claim;
import ovi.model.Intent;
import ovi.model.Scope;
import ovi.model.WalEntry;

/**
 * {@code ovi apply}, in the order its safety depends on: the account check before anything else, then
 * the actions an earlier run left in doubt, then the plan (made now, or a saved one checked against the
 * account), the guards, the confirmation, and the actions; last, the exit code. The caller opens the
 * ports, renders the plan and the report, and closes the ports; one use case serves one run.
 */
public final class ApplyUseCase {

    /**
     * How an apply behaves.
     *
     * @param instance        this instance's readable name in claims and the WAL (host:pid, or --instance-id)
     * @param claimTtl        how long a claim lasts if this process dies holding it
     * @param maxDeletes      more deletes than this stop the run before it acts
     * @param maxChanges      more creates, updates and deletes than this stop the run before it acts
     * @param skipDestructive deletes are skipped (and, when planning now, only notified)
     * @param allowEmpty      when planning now: a plan that deletes every managed resource is allowed
     * @param concurrency     at most this many resources are acted on at once
     * @param adopt           when planning now: declared resources that exist untagged ({@code adopt:}) are
     *                        adopted, not notified
     */
    public record Options(String instance, Duration claimTtl, int maxDeletes, int maxChanges,
                          boolean skipDestructive, boolean allowEmpty, int concurrency, java.time.Instant deadline,
                          boolean adopt) {
        public Options(String instance, Duration claimTtl, int maxDeletes, int maxChanges, boolean skipDestructive,
                       boolean allowEmpty, int concurrency, java.time.Instant deadline) {
            this(instance, claimTtl, maxDeletes, maxChanges, skipDestructive, allowEmpty, concurrency, deadline, false);
        }

        public Options(String instance, Duration claimTtl, int maxDeletes, int maxChanges, boolean skipDestructive,
                       boolean allowEmpty, int concurrency) {
            this(instance, claimTtl, maxDeletes, maxChanges, skipDestructive, allowEmpty, concurrency, null);
        }
    }

    /**
     * A plan saved by {@code ovi plan --out}, already read and checked against this run's state and config
     * (its seal, where it was made, its owner) by the caller: what is left to check is the account.
     *
     * @param file  the file it was read from, for messages
     * @param runId the run that made it: creates take their idempotency token from it
     */
    public record SavedPlan(Path file, String runId, long revision, String owner, String account,
                            List<Intent> intents) {
        public SavedPlan {
            intents = List.copyOf(intents);
        }
    }

    /** Shows what is about to be done: called once, after the plan is known and before the guards. */
    public interface Presenter {
        /** The plan this run made. */
        void planned(Plan plan);

        /** The saved plan this run is about to act on. */
        void saved(SavedPlan plan);
    }

    /**
     * What the apply did.
     *
     * @param applied    every intent's outcome
     * @param planRunId  the run whose decisions were acted on (this run, or the saved plan's)
     * @param unobserved the scopes not observed when planning now, with why; nothing was created or deleted there
     * @param exitCode   0, or 3 when something failed, was refused, or was not observed
     */
    public record Report(Applier.Report applied, String owner, String account, String planRunId,
                         Map<Scope, String> unobserved, int exitCode) {
        public Report {
            unobserved = Map.copyOf(unobserved);
        }
    }

    private final ResourceObserver observer;
    private final ObservationStore store;
    private final AuditLog wal;
    private final Supplier<List<WalEntry>> inDoubt;
    private final ClaimStore claims;
    private final ActionExecutor executor;
    private final ResourceLookup lookup;
    private final Consumer<String> progress;
    private final Reconciler reconciler;

    /**
     * @param inDoubt reads the actions in doubt from {@code wal} afresh on each call (see
     *                {@code ovi.wal.InDoubt})
     */
    public ApplyUseCase(ResourceObserver observer, ObservationStore store, AuditLog wal,
                        Supplier<List<WalEntry>> inDoubt, ClaimStore claims, ActionExecutor executor,
                        ResourceLookup lookup, Consumer<String> progress) {
        this(observer, store, wal, inDoubt, claims, executor, lookup, progress, null);
    }

    /** ... choosing what to act on with {@code reconciler} ({@code ovi watch apply}), when not null. */
    public ApplyUseCase(ResourceObserver observer, ObservationStore store, AuditLog wal,
                        Supplier<List<WalEntry>> inDoubt, ClaimStore claims, ActionExecutor executor,
                        ResourceLookup lookup, Consumer<String> progress, Reconciler reconciler) {
        this.reconciler = reconciler;
        this.observer = observer;
        this.store = store;
        this.wal = wal;
        this.inDoubt = inDoubt;
        this.claims = claims;
        this.executor = executor;
        this.lookup = lookup;
        this.progress = progress;
    }

    /**
     * Applies {@code config} as run {@code runId} (begun at {@code started}): with {@code saved} null it plans
     * now, else it acts on exactly {@code saved}. {@code confirm} is asked only when something would change;
     * false cancels the run before anything is claimed.
     */
    public Report apply(Declaration config, String runId, Instant started, SavedPlan saved, Options options,
                        Presenter show, BooleanSupplier confirm) {
        if (reconciler == null) {
            return applyOnce(config, runId, started, saved, options, show, confirm);
        }
        try {
            return applyOnce(config, runId, started, saved, options, show, confirm);
        } finally {
            reconciler.close();
        }
    }

    private Report applyOnce(Declaration config, String runId, Instant started, SavedPlan saved, Options options,
                             Presenter show, BooleanSupplier confirm) {
        Engine engine = new Engine(observer, store, new SimpleDriftComparator(),
                new SafeDecisionMaker(options.skipDestructive(), options.allowEmpty(), options.adopt()), wal, progress);
        // first of all: in an account the config does not allow, not even a recovery look-up or a claim
        String account = engine.checkAccount(config, runId);
        settleActionsInDoubt(config.owner(), runId, options);
        List<Intent> intents;
        Map<Scope, String> unobserved = Map.of();
        if (saved != null) {
            if (!account.equals(saved.account())) {
                throw OviException.invalidInput("invalid plan file " + saved.file() + ": it was made for account "
                        + saved.account() + ", but these credentials act in account " + account + "; nothing was done");
            }
            intents = saved.intents();
            show.saved(saved);
        } else {
            Plan plan = engine.plan(config, runId, started, reconciler);
            account = plan.account();
            if (!plan.batch().failures().isEmpty() && plan.batch().failures().size() == plan.batch().scopes().size()) {
                throw OviException.failure("nothing could be observed, so nothing was done; first error: "
                        + plan.batch().failures().values().iterator().next());
            }
            unobserved = plan.batch().failures();
            intents = plan.decisions().list().stream().map(d -> Intent.of(d, plan.runId())).toList();
            show.planned(plan);
        }
        Applier applier = new Applier(executor, lookup, claims, wal, new Applier.Options(options.instance(),
                options.claimTtl(), options.maxDeletes(), options.maxChanges(), options.skipDestructive(),
                options.concurrency(), config::blessed, options.deadline(),
                reconciler == null ? () -> false : reconciler::stopping), progress);
        applier.guard(runId, intents);
        boolean changes = intents.stream().anyMatch(i -> i.action().changes());
        if (changes && !confirm.getAsBoolean()) {
            throw OviException.failure("apply cancelled; nothing was done");
        }
        Applier.Report applied = applier.apply(runId, config.owner(), intents);
        if (reconciler != null) {
            reconciler.acted(applied.results());
        }
        return new Report(applied, config.owner(), account, saved == null ? runId : saved.runId(), unobserved,
                exitCode(applied, unobserved));
    }

    /** The applier's code (3 for a failure or refusal), and 3 too when a scope was not observed. */
    static int exitCode(Applier.Report applied, Map<Scope, String> unobserved) {
        int code = applied.exitCode();
        return !unobserved.isEmpty() && code == ExitCode.OK ? ExitCode.PARTIAL : code;
    }

    /**
     * Before anything else: an action an earlier run began but never recorded the end of (it was killed
     * mid-call) may or may not have reached AWS. Each such resource is looked up again and the answer
     * recorded, unless the claim of the run that began it is still live (it may still be working on it:
     * claims keep anyone else off that resource until the claim lapses).
     */
    private void settleActionsInDoubt(String owner, String runId, Options options) {
        List<WalEntry> settleable = Recovery.settleable(inDoubt, claims, owner, Instant.now());
        if (settleable.isEmpty()) {
            return;
        }
        progress.accept(settleable.size() + " action(s) in doubt from an earlier run that stopped mid-call: looking again");
        // an action cut off between two calls is finished, under a claim of this run's, by the same executor
        Recovery.RollForward finish = new Recovery.RollForward(executor, claims, Claim.holder(options.instance()),
                options.claimTtl(), () -> inDoubt.get().stream().map(WalEntry::seq).collect(Collectors.toSet()));
        Recovery.Result result = new Recovery(lookup, wal, owner, progress, finish).resolve(runId, settleable);
        if (!result.complete()) {
            throw OviException.failure("still in doubt after looking again, so nothing else was done: "
                    + result.unresolved().stream().map(Recovery.Unresolved::reason).toList()
                    + "; run again when AWS answers ('ovi status' lists them)");
        }
    }
}

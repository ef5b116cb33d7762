package ovi.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import ovi.model.Declaration;
import ovi.model.Scope;

/**
 * {@code ovi plan}: observe, record, compare and decide, then save the plan and prune the WAL when asked,
 * and say which exit code the run ends with. Changes nothing in the cloud. The caller opens the ports,
 * renders the report and closes the ports; one use case serves one run.
 */
public final class PlanUseCase {

    /**
     * How a plan is made and what it ends with.
     *
     * @param skipDestructive  unwanted resources are only notified, never deleted
     * @param allowEmpty       a plan that deletes every managed resource is allowed
     * @param detailedExitCode exit 2 for changes, 1 for an unobserved scope (else 0 for both)
     * @param saveTo           where to save the plan for a later apply, or null
     * @param walRetention     after the run, remove whole days of the WAL older than this, or null
     * @param adopt            declared resources that exist untagged ({@code adopt:}) are adopted, not notified
     */
    public record Options(boolean skipDestructive, boolean allowEmpty, boolean detailedExitCode, Path saveTo,
                          Duration walRetention, boolean adopt) {
        public Options(boolean skipDestructive, boolean allowEmpty, boolean detailedExitCode, Path saveTo,
                       Duration walRetention) {
            this(skipDestructive, allowEmpty, detailedExitCode, saveTo, walRetention, false);
        }
    }

    /** Writes a plan to a file that a later apply reads back (the file format is the caller's). */
    public interface PlanSink {
        void save(Plan plan, Path file);
    }

    /** Removes whole days of the WAL older than {@code keep}; returns one line saying what went. */
    public interface WalPruner {
        String prune(Duration keep);
    }

    /** The plan, the cloud calls it took, and the exit code of the run. */
    public record Report(Plan plan, long awsCalls, int exitCode) {
        /** The scopes that could not be observed, with why: the plan says nothing about them. */
        public Map<Scope, String> unobserved() {
            return plan.batch().failures();
        }
    }

    private final ResourceObserver observer;
    private final ObservationStore store;
    private final AuditLog wal;
    private final PlanSink sink;
    private final WalPruner pruner;
    private final Consumer<String> progress;

    public PlanUseCase(ResourceObserver observer, ObservationStore store, AuditLog wal, PlanSink sink,
                       WalPruner pruner, Consumer<String> progress) {
        this.observer = observer;
        this.store = store;
        this.wal = wal;
        this.sink = sink;
        this.pruner = pruner;
        this.progress = progress;
    }

    /** Plans {@code config} as run {@code runId}, which began at {@code started}. */
    public Report plan(Declaration config, String runId, Instant started, Options options) {
        Engine engine = new Engine(observer, store, new SimpleDriftComparator(),
                new SafeDecisionMaker(options.skipDestructive(), options.allowEmpty(), options.adopt()), wal, progress);
        Plan plan = engine.plan(config, runId, started);
        long awsCalls = observer.apiCalls();
        progress.accept("made " + awsCalls + " AWS calls");
        if (options.saveTo() != null) {
            sink.save(plan, options.saveTo());
            progress.accept("saved the plan to " + options.saveTo());
        }
        if (options.walRetention() != null) {
            progress.accept(pruner.prune(options.walRetention()));
        }
        return new Report(plan, awsCalls, exitCode(plan, options.detailedExitCode()));
    }

    /**
     * With {@code --detailed-exitcode}: 1 when a scope was not observed ("no changes" is never said about
     * what was not seen, whatever else the plan shows), else 2 for changes and 0 for none. Without: 0.
     */
    static int exitCode(Plan plan, boolean detailed) {
        if (!detailed) {
            return ExitCode.OK;
        }
        if (!plan.batch().failures().isEmpty()) {
            return ExitCode.ERROR;
        }
        return plan.decisions().hasChanges() ? ExitCode.CHANGES : ExitCode.OK;
    }
}

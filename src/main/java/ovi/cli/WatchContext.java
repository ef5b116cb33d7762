package ovi.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import ovi.aws.Traffic;
import ovi.config.OviConfig;
import ovi.engine.OviException;
import ovi.engine.Reconciler;
import ovi.engine.Scheduler;
import ovi.engine.WatchReconciler;
import ovi.engine.WatchStore;

/**
 * What {@code ovi watch apply} keeps from one run to the next, inside its one process: the schedule (and
 * the backoffs it restored from the store), the last valid config (kept running while an edit leaves the
 * file invalid) and the running totals /metrics serves. Handed to each run's apply through {@link Wiring}.
 * Written by the watch loop's thread; the metrics endpoint reads it from its own.
 */
final class WatchContext {
    private static final String STOPPED = "stopped";
    private final WatchReconciler.State state;
    private final Clock clock;
    private final Instant started;
    private volatile OviConfig lastGood;
    private volatile String configProblem;
    private volatile String holder = "?";
    private volatile boolean stopping;
    private final AtomicLong ticks = new AtomicLong();
    private volatile int observed;
    private volatile int drifted;
    private volatile int scheduled;
    private volatile int due;
    private volatile int backingOff;
    private volatile Instant nextDue;
    /** What the last tick recorded in the store, or null before the first. */
    private volatile WatchStore.Watcher recorded;
    /** Opens the store of the last run again: the watch has none open between its runs. */
    private volatile java.util.function.Supplier<ovi.store.JdbcObservationStore> reopen;
    private final Map<String, AtomicLong> awsCalls = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> awsRetries = new ConcurrentHashMap<>();

    WatchContext(Scheduler.Settings settings, Clock clock) {
        this.state = new WatchReconciler.State(new Scheduler(settings, new java.util.Random()::nextDouble));
        this.clock = clock;
        this.started = clock.instant();
    }

    /**
     * The config in {@code file} when it is valid (it becomes the last valid one); when an edit left it
     * invalid, its problems are said through {@code warn} and the last valid config is returned, so that the
     * watch keeps running it. The first run's config has nothing to fall back on: its problems end the run.
     */
    OviConfig config(Path file, Consumer<String> warn) {
        try {
            OviConfig cfg = Session.loadConfig(file);
            lastGood = cfg;
            configProblem = null;
            return cfg;
        } catch (OviException e) {
            if (lastGood == null || e.exitCode() != ovi.engine.ExitCode.DATA) {
                throw e;
            }
            configProblem = e.getMessage();
            warn.accept(e.getMessage().replace("\n", " ") + "; the last valid config keeps running until it is fixed");
            return lastGood;
        }
    }

    /** Why the config on disk is not the one running, or null when it is. */
    String configProblem() {
        return configProblem;
    }

    void holder(String name) {
        holder = name;
    }

    /** The watch was told to stop: the run going now is its last. */
    void stopping() {
        stopping = true;
    }

    /** How to open the store the runs write to, once none is open (the watch stopping between runs). */
    void storeAt(java.util.function.Supplier<ovi.store.JdbcObservationStore> opener) {
        reopen = opener;
    }

    /**
     * The watch has ended: a watcher whose last tick recorded it {@code running} (it was stopped between ticks,
     * or ended by --count or an error) is recorded {@code stopped}, so that {@code ovi status} does not show a
     * watcher gone as one still running. A store that cannot be written is said through {@code progress}.
     */
    void ended(Consumer<String> progress) {
        WatchStore.Watcher last = recorded;
        var opener = reopen;
        if (last == null || opener == null || last.state().equals(STOPPED)) {
            return;
        }
        try (ovi.store.JdbcObservationStore store = opener.get()) {
            WatchStore.Watcher w = new WatchStore.Watcher(last.holder(), last.owner(), STOPPED, last.started(),
                    last.lastTick(), last.nextDue(), last.ticks(), last.scheduled(), last.backoffs());
            store.watcher(w);
            recorded = w;
        } catch (RuntimeException e) {
            progress.accept("could not record the watcher as stopped in the store: " + e.getMessage());
        }
    }

    /** The reconciler of one run, over that run's store. */
    Reconciler reconciler(WatchStore store, String owner, Consumer<String> progress) {
        WatchReconciler r = new WatchReconciler(state, store, owner, clock, progress);
        return new Reconciler() {
            @Override
            public ovi.engine.Decisions select(ovi.model.Declaration config, ovi.engine.ObservationBatch batch,
                                              java.util.List<ovi.engine.ObservedChange> changes,
                                              ovi.engine.Decisions decided) {
                ovi.engine.Decisions chosen = r.select(config, batch, changes, decided);
                observed = batch.observations().size();
                drifted = decided.list().size();
                return chosen;
            }

            @Override
            public void acted(java.util.List<ovi.engine.Applier.Result> results) {
                r.acted(results);
            }

            @Override
            public boolean stopping() {
                return stopping;
            }

            @Override
            public void close() {
                r.close();
                Scheduler s = state.scheduler();
                Instant now = clock.instant();
                ticks.incrementAndGet();
                scheduled = s.scheduled();
                due = s.dueBy(now);
                backingOff = s.backoffs().size();
                nextDue = s.nextDue();
                WatchStore.Watcher w = new WatchStore.Watcher(holder, owner, stopping ? STOPPED : "running", started, now,
                        nextDue, ticks.get(), scheduled, backingOff);
                try {
                    store.watcher(w);
                    recorded = w;
                } catch (RuntimeException e) {
                    progress.accept("could not record the watcher's state in the store: " + e.getMessage());
                }
            }
        };
    }

    /** Adds a run's AWS calls and retries to the totals, by service. */
    void traffic(Traffic traffic) {
        traffic.counts().forEach((service, c) -> {
            awsCalls.computeIfAbsent(service, k -> new AtomicLong()).addAndGet(c.calls());
            awsRetries.computeIfAbsent(service, k -> new AtomicLong()).addAndGet(c.retries());
        });
    }

    long ticks() {
        return ticks.get();
    }

    int observed() {
        return observed;
    }

    int drifted() {
        return drifted;
    }

    int scheduled() {
        return scheduled;
    }

    int due() {
        return due;
    }

    int backingOff() {
        return backingOff;
    }

    Instant nextDue() {
        return nextDue;
    }

    Map<String, Long> changes() {
        return state.tally().changes();
    }

    Map<String, Long> outcomes() {
        return state.tally().outcomes();
    }

    long backoffsBegun() {
        return state.tally().backoffs();
    }

    Map<String, Long> awsCalls() {
        Map<String, Long> m = new TreeMap<>();
        awsCalls.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    Map<String, Long> awsRetries() {
        Map<String, Long> m = new TreeMap<>();
        awsRetries.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }
}

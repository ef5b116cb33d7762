package ovi.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import ovi.cli.PlanJson;
import ovi.engine.AuditLog;
import ovi.engine.DecisionMaker;
import ovi.engine.Decisions;
import ovi.engine.DriftComparator;
import ovi.engine.Engine;
import ovi.engine.ObservationBatch;
import ovi.engine.ObservationStore;
import ovi.engine.Plan;
import ovi.engine.ResourceObserver;
import ovi.engine.SafeDecisionMaker;
import ovi.engine.SimpleDriftComparator;
import ovi.model.DesiredResource;
import ovi.model.Diff;
import ovi.model.Observation;
import ovi.model.Scope;
import ovi.model.WalEntry;
import ovi.store.JdbcObservationStore;
import ovi.wal.ChronicleAuditLog;

/**
 * ovi's local work at 1k, 10k and 100k resources: the real store (H2 in a temporary directory), WAL,
 * comparator and decision maker, fed by a {@link SyntheticObserver}. For each size three runs follow one
 * another on one state directory: {@code first} (an empty store), {@code steady} (nothing changed) and
 * {@code drift-1%}. Each run is made twice on twin state directories: once with a full GC before every
 * stage so that each stage's peak heap is its own, once untouched for the whole plan's time and peak.
 * A warm-up at 1k precedes the figures, so they are of a warm JVM; cold start is measured end to end.
 *
 * <p>Usage: {@code PlanBench OUT.json [N...]}.
 */
public final class PlanBench {
    private static final List<String> STAGES = List.of("observe", "store", "compare", "decide", "wal");

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/bench-local.json");
        List<Integer> sizes = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            sizes.add(Integer.parseInt(args[i]));
        }
        if (sizes.isEmpty()) {
            sizes = List.of(1_000, 10_000, 100_000);
        }
        System.err.println("bench: warming up at 1000 resources");
        measure(new SyntheticWorld(1_000));

        List<BenchRow> rows = new ArrayList<>();
        for (int n : sizes) {
            System.err.println("bench: " + n + " resources");
            List<BenchRow> r = measure(new SyntheticWorld(n));
            r.forEach(row -> System.err.println("  " + row));
            rows.addAll(r);
        }
        BenchReport.write(out, rows);
    }

    static List<BenchRow> measure(SyntheticWorld world) throws IOException {
        Path staged = Files.createTempDirectory("ovi-bench-stages");
        Path whole = Files.createTempDirectory("ovi-bench-plan");
        try {
            List<BenchRow> rows = new ArrayList<>();
            String[][] runs = {{"first", "0"}, {"steady", "0"}, {"drift-1%", "100"}};
            for (String[] run : runs) {
                int driftEvery = Integer.parseInt(run[1]);
                rows.addAll(stages(world, staged, run[0], driftEvery));
                rows.add(whole(world, whole, run[0], driftEvery));
            }
            rows.add(watchQuietTick(world, whole));
            rows.add(history(world, whole));
            return rows;
        } finally {
            delete(staged);
            delete(whole);
        }
    }

    /**
     * {@code ovi history}'s read of one resource in the store the whole plans left (three revisions at n):
     * it reads every revision's change rows, so it grows with the store, not with the resource.
     */
    private static BenchRow history(SyntheticWorld world, Path dir) {
        Set<Scope> scopes = Engine.scopes(world.config.declaration());
        String id = new SyntheticObserver(world, 0, scopes).observe(scopes).observations().stream()
                .map(ovi.model.Observation::oviId).filter(java.util.Objects::nonNull).findFirst().orElseThrow();
        quiesce();
        long t0 = System.nanoTime();
        int versions;
        try (JdbcObservationStore store = JdbcObservationStore.openH2(dir.resolve("store"))) {
            versions = store.history(id).size();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (versions == 0) {
            throw new IllegalStateException("FAILED: the history of " + id + " is empty");
        }
        return new BenchRow("history", "read", world.n, seconds, peakHeapMb(), 0, -1);
    }

    /** One plan with each stage timed on its own, a full GC before each. */
    private static List<BenchRow> stages(SyntheticWorld world, Path dir, String scenario, int driftEvery) {
        Set<Scope> scopes = Engine.scopes(world.config.declaration());
        Stages s = new Stages(scenario, world.n);
        SyntheticObserver real = new SyntheticObserver(world, driftEvery, scopes);
        try (JdbcObservationStore store = JdbcObservationStore.openH2(dir.resolve("store"));
             ChronicleAuditLog wal = ChronicleAuditLog.open(dir.resolve("wal"))) {
            Engine engine = new Engine(s.observer(real), s.store(store), s.comparator(new SimpleDriftComparator()),
                    s.decisionMaker(new SafeDecisionMaker(false, false)), s.wal(wal), m -> { });
            engine.plan(world.config.declaration(), "bench-" + scenario);
        }
        List<BenchRow> rows = new ArrayList<>();
        for (String stage : STAGES) {
            rows.add(s.row(stage, stage.equals("observe") ? real.apiCalls() : 0));
        }
        return rows;
    }

    /** One whole plan as {@code ovi plan} makes it: open the store and WAL, plan, render JSON, close. */
    private static BenchRow whole(SyntheticWorld world, Path dir, String scenario, int driftEvery) {
        SyntheticObserver observer = new SyntheticObserver(world, driftEvery, Engine.scopes(world.config.declaration()));
        quiesce();
        long t0 = System.nanoTime();
        Plan plan;
        int written;
        String json;
        try (JdbcObservationStore store = JdbcObservationStore.openH2(dir.resolve("store"));
             ChronicleAuditLog wal = ChronicleAuditLog.open(dir.resolve("wal"))) {
            Engine engine = new Engine(observer, store, new SimpleDriftComparator(), new SafeDecisionMaker(false, false),
                    wal, m -> { });
            plan = engine.plan(world.config.declaration(), "bench-" + scenario);
            written = store.written(plan.revision());
            json = PlanJson.toJson(plan);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (json.isEmpty() || (scenario.equals("steady") && written != 0)) {
            throw new IllegalStateException("a steady-state run wrote " + written + " resource rows");
        }
        return new BenchRow(scenario, "plan", world.n, seconds, peakHeapMb(), observer.apiCalls(), written);
    }

    /**
     * One quiet tick of {@code ovi watch apply}'s controller on the same state: a first tick settles the
     * schedule (everything is new to it), then the tick timed observes, finds nothing changed in the store
     * and nothing due, and writes no row and one WAL entry.
     */
    private static BenchRow watchQuietTick(SyntheticWorld world, Path dir) {
        SyntheticObserver observer = new SyntheticObserver(world, 0, Engine.scopes(world.config.declaration()));
        ovi.engine.WatchReconciler.State state = new ovi.engine.WatchReconciler.State(new ovi.engine.Scheduler(
                new ovi.engine.Scheduler.Settings(java.time.Duration.ofHours(1), java.time.Duration.ofSeconds(30),
                        java.time.Duration.ofHours(1), 0.2), new java.util.Random(1)::nextDouble));
        try (JdbcObservationStore store = JdbcObservationStore.openH2(dir.resolve("store"));
             ChronicleAuditLog wal = ChronicleAuditLog.open(dir.resolve("wal"))) {
            long[] appended = new long[1];
            AuditLog counted = new AuditLog() {
                @Override
                public List<WalEntry> append(List<Draft> drafts) {
                    appended[0] += drafts.size();
                    return wal.append(drafts);
                }

                @Override
                public void sync() {
                    wal.sync();
                }

                @Override
                public void close() {
                }
            };
            Engine engine = new Engine(observer, store, new SimpleDriftComparator(), new SafeDecisionMaker(false, false),
                    counted, m -> { });
            tick(engine, state, store, world, "bench-watch-settle");
            long seq = appended[0];
            quiesce();
            long t0 = System.nanoTime();
            Plan plan = tick(engine, state, store, world, "bench-watch-quiet");
            double seconds = (System.nanoTime() - t0) / 1e9;
            long entries = appended[0] - seq;
            if (!plan.decisions().list().isEmpty() || entries != 1) {
                throw new IllegalStateException("a quiet watch tick decided " + plan.decisions().list().size()
                        + " and appended " + entries + " WAL entries");
            }
            // the observer's calls are those of one observation pass (what the real one would make each tick)
            return new BenchRow("watch-quiet", "tick", world.n, seconds, peakHeapMb(), observer.apiCalls(), 0);
        }
    }

    private static Plan tick(Engine engine, ovi.engine.WatchReconciler.State state, JdbcObservationStore store,
                             SyntheticWorld world, String runId) {
        ovi.engine.WatchReconciler r = new ovi.engine.WatchReconciler(state, store, world.config.owner(),
                java.time.Clock.systemUTC(), m -> { });
        try {
            Plan plan = engine.plan(world.config.declaration(), runId, java.time.Instant.now(), r);
            // as if every decision selected was carried out: the schedule moves each to its resync
            r.acted(plan.decisions().list().stream().map(d -> new ovi.engine.Applier.Result(
                    ovi.model.Intent.of(d, runId), new ovi.model.Outcome.Notified("bench"))).toList());
            return plan;
        } finally {
            r.close();
        }
    }

    /** Times each stage; a full GC before each one, outside its time, so its peak heap is its own. */
    private static final class Stages {
        final String scenario;
        final int n;
        final java.util.Map<String, double[]> figures = new java.util.HashMap<>();
        long written = -1;

        Stages(String scenario, int n) {
            this.scenario = scenario;
            this.n = n;
        }

        <T> T time(String stage, Supplier<T> work) {
            quiesce();
            long t0 = System.nanoTime();
            T result = work.get();
            double seconds = (System.nanoTime() - t0) / 1e9;
            double[] f = figures.computeIfAbsent(stage, k -> new double[2]);
            f[0] += seconds;
            f[1] = Math.max(f[1], peakHeapMb());
            return result;
        }

        BenchRow row(String stage, long calls) {
            double[] f = figures.getOrDefault(stage, new double[2]);
            return new BenchRow(scenario, stage, n, f[0], (long) f[1], calls, stage.equals("store") ? written : -1);
        }

        ResourceObserver observer(ResourceObserver o) {
            return new ResourceObserver() {
                @Override
                public ObservationBatch observe(Set<Scope> scopes) {
                    return time("observe", () -> o.observe(scopes));
                }

                @Override
                public String account() {
                    return o.account();
                }
            };
        }

        ObservationStore store(ObservationStore s) {
            return new ObservationStore() {
                @Override
                public Revision record(String runId, Set<Scope> observedScopes, Collection<Observation> observations) {
                    Revision r = time("store", () -> s.record(runId, observedScopes, observations));
                    written = r.written();
                    return r;
                }

                @Override
                public List<StoredVersion> history(String id) {
                    return s.history(id);
                }

                @Override
                public void close() {
                    s.close();
                }
            };
        }

        DriftComparator comparator(DriftComparator c) {
            return (String owner, Collection<DesiredResource> desired, Collection<Observation> observed,
                    Predicate<String> blessed, List<ovi.model.IgnoreRule> ignore) -> time("compare",
                    () -> c.compare(owner, desired, observed, blessed, ignore));
        }

        DecisionMaker decisionMaker(DecisionMaker d) {
            return (List<Diff> diffs, Set<Scope> unobserved, int managed) -> time("decide",
                    () -> d.decide(diffs, unobserved, managed));
        }

        AuditLog wal(AuditLog w) {
            return new AuditLog() {
                @Override
                public List<WalEntry> append(List<Draft> drafts) {
                    return time("wal", () -> w.append(drafts));
                }

                @Override
                public void sync() {
                    time("wal", () -> {
                        w.sync();
                        return null;
                    });
                }

                @Override
                public void close() {
                    w.close();
                }
            };
        }
    }

    private static void quiesce() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    /** The sum of the heap pools' peaks since the last {@link #quiesce()}: an upper bound of the heap's peak. */
    private static long peakHeapMb() {
        long bytes = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                bytes += pool.getPeakUsage().getUsed();
            }
        }
        return bytes / (1024 * 1024);
    }

    static void delete(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private PlanBench() {
    }
}

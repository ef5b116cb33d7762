package ovi.cli;

import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import ovi.aws.Traffic;
import ovi.engine.Applier;
import ovi.engine.Plan;
import ovi.model.Action;
import ovi.model.Diff;
import ovi.model.ErrorClass;
import ovi.model.Intent;
import ovi.model.Outcome;

/**
 * What one run of plan or apply did, as the Prometheus text node_exporter's textfile collector reads
 * ({@code --metrics-file}). Every metric is a gauge of the last run (a count per run is not a counter: it
 * starts again each run), labelled with the verb and the config's owner. Filled in as the run goes, so a run
 * that fails half way still says what it got to; what it never reached is left out rather than shown as 0.
 */
final class RunMetrics {
    private static final List<String> DIFF_KINDS = List.of("missing", "unwanted", "drifted", "unmanaged");

    private final String verb;
    private final Instant started;
    private String owner = "";
    private Plan plan;
    private Map<Action, Integer> decisions;
    private Applier.Report applied;
    private Traffic traffic;
    private Integer unobserved;
    private ovi.engine.Notifications.Report notified;

    RunMetrics(String verb, Instant started) {
        this.verb = verb;
        this.started = started;
    }

    void owner(String owner) {
        this.owner = owner;
    }

    void traffic(Traffic traffic) {
        this.traffic = traffic;
    }

    /** The plan made (plan, or apply with -c): its diffs, decisions and unobserved scopes. */
    void plan(Plan plan) {
        this.plan = plan;
        this.decisions = plan.decisions().summary();
        this.unobserved = plan.batch().failures().size();
    }

    /** The intents of a saved plan being applied. */
    void decided(List<Intent> intents) {
        this.decisions = Applier.counts(intents);
    }

    void applied(Applier.Report applied) {
        this.applied = applied;
    }

    void unobserved(int scopes) {
        this.unobserved = scopes;
    }

    /** What the run's notifications came to; never called by a run that sent none. */
    void notified(ovi.engine.Notifications.Report report) {
        this.notified = report;
    }

    /** Plan's exit 2 (--detailed-exitcode: changes present) is a successful run too. */
    boolean success(int exitCode) {
        return exitCode == 0 || (verb.equals("plan") && exitCode == 2);
    }

    /** The metrics of the run, ended at {@code ended} with {@code exitCode}, in a registry of their own. */
    MetricSnapshots snapshot(int exitCode, Instant ended) {
        PrometheusRegistry registry = new PrometheusRegistry();
        Labels run = Labels.of("verb", verb, "owner", owner);
        gauge(registry, run, "ovi_last_run_timestamp_seconds", "When the last run ended, in unix seconds.")
                .set(ended.toEpochMilli() / 1000.0);
        gauge(registry, run, "ovi_last_run_duration_seconds", "How long the last run took.")
                .set(Duration.between(started, ended).toMillis() / 1000.0);
        gauge(registry, run, "ovi_last_run_exit_code", "The exit code of the last run (see --help).").set(exitCode);
        gauge(registry, run, "ovi_last_run_success",
                "1 when the last run succeeded (exit 0, or plan's 2 of --detailed-exitcode), else 0.")
                .set(success(exitCode) ? 1 : 0);
        if (unobserved != null) {
            gauge(registry, run, "ovi_unobserved_scopes",
                    "Regions and services the last run could not observe: it says nothing about them.").set(unobserved);
        }
        if (plan != null) {
            Map<String, Integer> kinds = new LinkedHashMap<>();
            DIFF_KINDS.forEach(k -> kinds.put(k, 0));
            for (Diff d : plan.diffs()) {
                kinds.merge(d.kind(), 1, Integer::sum);
            }
            Gauge g = gauge(registry, run, "ovi_diffs", "Differences found by the last run, by kind.", "kind");
            kinds.forEach((k, n) -> g.labelValues(k).set(n));
            gauge(registry, run, "ovi_ignored", "Findings the config's ignore rules left out of the last run's diffs "
                    + "(--show-ignored lists them).").set(plan.ignored().size());
        }
        if (decisions != null) {
            Gauge g = gauge(registry, run, "ovi_decisions", "Decisions of the last run, by action.", "action");
            decisions.forEach((a, n) -> g.labelValues(a.key()).set(n));
        }
        if (applied != null) {
            Gauge g = gauge(registry, run, "ovi_apply_outcomes", "What became of the last apply's decisions.",
                    "outcome");
            applied.summary().forEach((k, n) -> g.labelValues(k).set(n));
            Map<Outcome.SkipReason, Integer> reasons = new EnumMap<>(Outcome.SkipReason.class);
            for (Outcome.SkipReason r : Outcome.SkipReason.values()) {
                reasons.put(r, 0);
            }
            for (Applier.Result r : applied.results()) {
                if (r.outcome() instanceof Outcome.Skipped s) {
                    reasons.merge(s.reason(), 1, Integer::sum);
                }
            }
            Gauge skipped = gauge(registry, run, "ovi_apply_skipped", "Decisions the last apply skipped, by reason.",
                    "reason");
            reasons.forEach((r, n) -> skipped.labelValues(r.key()).set(n));
        }
        if (notified != null) {
            Gauge g = gauge(registry, run, "ovi_notifications", "Events the last run sent to the config's notify "
                    + "targets, delivered or not (an undelivered finding is sent again by the next run).", "outcome");
            g.labelValues("delivered").set(notified.sent());
            g.labelValues("undelivered").set(notified.failed());
        }
        if (traffic != null) {
            aws(registry, run, traffic);
        }
        return registry.scrape();
    }

    private static void aws(PrometheusRegistry registry, Labels run, Traffic traffic) {
        Gauge calls = gauge(registry, run, "ovi_aws_calls", "AWS calls the last run began, retries not counted.",
                "service");
        Gauge attempts = gauge(registry, run, "ovi_aws_attempts", "HTTP requests the last run sent to AWS, retries "
                + "included.", "service");
        Gauge retries = gauge(registry, run, "ovi_aws_retries", "Retried AWS attempts of the last run.", "service");
        Gauge throttles = gauge(registry, run, "ovi_aws_throttles", "Attempts AWS answered with a throttling error.",
                "service");
        Gauge refused = gauge(registry, run, "ovi_aws_refused_calls", "Calls ovi refused itself: circuit breaker "
                + "open, or past --timeout.", "service");
        Gauge paced = gauge(registry, run, "ovi_aws_paced_seconds", "Time spent waiting for the rate limit, over "
                + "every thread.", "service");
        Gauge errors = gauge(registry, run, "ovi_aws_errors", "AWS calls that ended in an error (after retries), by "
                + "error class.", "service", "class");
        for (Map.Entry<String, Traffic.Counts> e : traffic.counts().entrySet()) {
            String s = e.getKey();
            Traffic.Counts c = e.getValue();
            calls.labelValues(s).set(c.calls());
            attempts.labelValues(s).set(c.attempts());
            retries.labelValues(s).set(c.retries());
            throttles.labelValues(s).set(c.throttles());
            refused.labelValues(s).set(c.refused());
            paced.labelValues(s).set(c.paced().toMillis() / 1000.0);
            for (ErrorClass k : ErrorClass.values()) {
                errors.labelValues(s, k.key()).set(c.errors(k));
            }
        }
        Gauge breakers = gauge(registry, run, "ovi_aws_breaker_state", "Circuit breaker at the end of the last run: "
                + "0 closed, 1 half-open, 2 open.", "service", "region");
        for (Traffic.Breaker b : traffic.breakers()) {
            breakers.labelValues(b.service(), b.region()).set(switch (b.state()) {
                case "open" -> 2;
                case "half-open" -> 1;
                default -> 0;
            });
        }
    }

    private static Gauge gauge(PrometheusRegistry registry, Labels run, String name, String help, String... labels) {
        Gauge g = Gauge.builder().name(name).help(help).constLabels(run).labelNames(labels).build();
        registry.register(g);
        return g;
    }

    /**
     * Writes the run's metrics to {@code file} so that a reader only ever sees a whole file, the last or this
     * one: into a temporary file beside it (not ending in .prom, so the collector skips it), synced, then
     * moved over it. A failure leaves {@code file} as it was, removes the temporary file and is said as a
     * warning: it never changes the run's outcome.
     */
    void write(Path file, int exitCode, Instant ended, Consumer<String> warn) {
        try {
            write(file, snapshot(exitCode, ended));
        } catch (IOException | RuntimeException e) {
            warn.accept("could not write --metrics-file " + file + ": " + describe(e));
        }
    }

    static void write(Path file, MetricSnapshots snapshots) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            try {
                // metrics hold nothing secret, and node_exporter often runs as a user of its own
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException notPosix) {
                // the file system's own default applies
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = Channels.newOutputStream(ch)) {
                PrometheusTextFormatWriter.create().write(out, snapshots);
                out.flush();
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        syncDirectory(dir);
    }

    /** So the rename itself survives a crash; best effort: not every file system lets a directory be synced. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            // the file is whole either way
        }
    }

    /** Why the write failed, in words (the paths the exceptions name are the temporary file's, not PATH's). */
    static String describe(Exception e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such directory";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}

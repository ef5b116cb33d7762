package ovi.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import picocli.CommandLine.Option;

/** What plan and apply leave for the machinery around a cron job: a metrics file, and logs to parse. */
public final class OperationsOptions {
    @Option(names = "--metrics-file", paramLabel = "PATH", description = {
        "After the run, whatever its outcome, write its metrics in Prometheus text format for node_exporter's "
            + "textfile collector: exit code, duration, diffs, decisions, apply outcomes, AWS calls, retries, "
            + "throttles, errors and breaker states, as ovi_* gauges labelled verb and owner. Written beside PATH "
            + "and renamed over it, so a scrape never sees half a file; a failure to write it is a warning, and "
            + "the exit code stays the run's.",
        "Example: --metrics-file /var/lib/node_exporter/textfile/ovi.prom"})
    Path metricsFile;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text", description = {
        "How lines on stderr are written: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). With json, every line "
            + "this verb writes to stderr (progress, warnings, errors, --debug lines) is one JSON object with "
            + "time (ISO-8601 UTC), level (info, warn, error, debug), run (the run id), resource (the ovi id, on "
            + "lines about one resource) and message. Usage errors found before the verb runs stay text; "
            + "'ovi watch' writes its own lines as JSON too when its verb has --log-format json. Stdout is not "
            + "changed (-o json for results).",
        "Example line: {\"time\":\"2026-12-02T12:00:00Z\",\"level\":\"info\",\"run\":\"r20261202T120000Z-1a2b3c\","
            + "\"resource\":\"web-0\",\"message\":\"create ec2 web-0 ...\"}"})
    Log.Format logFormat = Log.Format.text;

    Log log(PrintWriter err, String runId, boolean quiet) {
        return new Log(err, logFormat, runId, quiet);
    }

    /** ... with the status line on a terminal's stderr ({@code status}, or null when there is none). */
    Log log(PrintWriter err, String runId, boolean quiet, StatusLine status) {
        return new Log(err, logFormat, runId, quiet).withStatus(status);
    }

    /** The body of one plan or apply, given its metrics to fill; returns the exit code. */
    interface Body {
        int run(RunMetrics metrics);
    }

    /**
     * One run of plan or apply, framed as every run is: under the --timeout watchdog, and with its metrics
     * written at the end whatever the outcome (a run that ends in an error, a guard or a refused plan file,
     * still says how far it got, and that it failed).
     */
    int framed(String verb, Instant started, RunOptions run, AwsOptions aws, Log log, Body body) {
        RunMetrics metrics = new RunMetrics(verb, started);
        int exit;
        try (RunOptions.Armed stuck = run.watchdog(started, aws.attemptTimeout(), log,
                () -> writeMetrics(metrics, ovi.engine.ExitCode.ERROR, log))) {
            exit = body.run(metrics);
        } catch (RuntimeException e) {
            writeMetrics(metrics, ErrorHandler.exitCode(e), log);
            throw e;
        }
        writeMetrics(metrics, exit, log);
        return exit;
    }

    /** With {@code --metrics-file}: writes {@code metrics} (see {@link RunMetrics#write}). */
    void writeMetrics(RunMetrics metrics, int exitCode, Log log) {
        if (metricsFile != null) {
            metrics.write(metricsFile, exitCode, Instant.now(), log::warn);
        }
    }
}

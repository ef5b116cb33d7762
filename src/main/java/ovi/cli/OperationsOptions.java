package ovi.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import picocli.CommandLine.Option;

/** What plan and apply leave for the machinery around a cron job: a metrics file, and logs to parse. */
public final class OperationsOptions {
    @Option(names = "--metrics-file", paramLabel = "PATH", description = {
        "After the run, whatever its outcome, write its metrics in Prometheus text format",
        "for node_exporter's textfile collector: diffs, decisions, outcomes, AWS calls,",
        "retries, throttles, errors, breaker states, exit code and duration. Written to a",
        "temporary file beside PATH and renamed over it, so a scrape never sees half a",
        "file; a failure to write it is a warning and does not change the exit code.",
        "Example: --metrics-file /var/lib/node_exporter/textfile/ovi_apply.prom"})
    Path metricsFile;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text", description = {
        "How the lines on stderr are written: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). With",
        "json, every line this verb writes to stderr (progress, warnings, errors and the",
        "--debug lines) is one JSON object: {\"time\":\"2026-12-02T12:00:00Z\",\"level\":",
        "\"info\",\"run\":\"r20261202T120000Z-1a2b3c\",\"resource\":\"web-0\",\"message\":\"...\"};",
        "level is info, warn, error or debug, and resource is there when the line is about",
        "one resource. Usage errors (found before the verb runs) and 'ovi watch' lines stay",
        "text. Stdout is not changed: use -o json for the results."})
    Log.Format logFormat = Log.Format.text;

    Log log(PrintWriter err, String runId, boolean quiet) {
        return new Log(err, logFormat, runId, quiet);
    }

    /** With {@code --metrics-file}: writes {@code metrics} (see {@link RunMetrics#write}). */
    void writeMetrics(RunMetrics metrics, int exitCode, Log log) {
        if (metricsFile != null) {
            metrics.write(metricsFile, exitCode, Instant.now(), log::warn);
        }
    }
}

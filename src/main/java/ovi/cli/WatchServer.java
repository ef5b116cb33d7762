package ovi.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import ovi.engine.ExitCode;
import ovi.engine.OviException;

/**
 * What {@code ovi watch --listen} serves, over plain HTTP on the address given (loopback unless said
 * otherwise): {@code /healthz} (200 while runs complete, 503 with a JSON reason when the last completed run
 * is older than {@code --max-age}, a run has been going longer than that, or the last run found the config
 * invalid or failed) and {@code /metrics} (the last run's metrics, as its {@code --metrics-file} wrote them,
 * and the watch's own, in the Prometheus text format). Read from its own threads while the loop runs.
 */
final class WatchServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService pool;
    private final Clock clock;
    private final Duration maxAge;
    private final Path runMetrics;
    private final Instant started;
    private volatile int runs;
    private volatile Instant runStarted;
    private volatile Instant lastEnded;
    private volatile Instant lastCompleted;
    private volatile int lastExit = -1;
    private volatile Duration lastDuration;
    private volatile double runSeconds;
    private final WatchContext context;

    private WatchServer(HttpServer server, Clock clock, Duration maxAge, Path runMetrics, WatchContext context) {
        this.server = server;
        this.context = context;
        this.clock = clock;
        this.maxAge = maxAge;
        this.runMetrics = runMetrics;
        this.started = clock.instant();
        this.pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "ovi-watch-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/healthz", this::healthz);
        server.createContext("/metrics", this::metrics);
        server.start();
    }

    /**
     * Listens on {@code listen} ({@code HOST:PORT}; port 0 picks a free one).
     *
     * @param runMetrics the file each run writes its metrics to
     */
    static WatchServer start(String listen, Duration maxAge, Path runMetrics) {
        return start(listen, maxAge, runMetrics, null);
    }

    /** ... serving also what {@code context} ({@code ovi watch apply}'s, or null) knows. */
    static WatchServer start(String listen, Duration maxAge, Path runMetrics, WatchContext context) {
        int colon = listen.lastIndexOf(':');
        String host = colon <= 0 ? "127.0.0.1" : listen.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw OviException.usage("--listen takes HOST:PORT such as 127.0.0.1:9464, not '" + listen + "'");
        }
        if (port < 0 || port > 65535) {
            throw OviException.usage("--listen's port must be from 0 to 65535, not " + port);
        }
        try {
            InetAddress address = InetAddress.getByName(host.replaceAll("^\\[|\\]$", ""));
            return new WatchServer(HttpServer.create(new InetSocketAddress(address, port), 16), Clock.systemUTC(), maxAge,
                    runMetrics, context);
        } catch (IOException e) {
            throw OviException.failure("cannot listen on " + listen + ": " + e.getMessage(), e);
        }
    }

    /** On a free loopback port, with {@code clock}: for tests of the health rules. */
    static WatchServer onLoopback(Clock clock, Duration maxAge, Path runMetrics) throws IOException {
        return onLoopback(clock, maxAge, runMetrics, null);
    }

    static WatchServer onLoopback(Clock clock, Duration maxAge, Path runMetrics, WatchContext context) throws IOException {
        return new WatchServer(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4), clock,
                maxAge, runMetrics, context);
    }

    /** Where it listens: {@code http://127.0.0.1:9464}. */
    String url() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    void runStarted() {
        runStarted = clock.instant();
    }

    void runEnded(int exitCode) {
        Instant now = clock.instant();
        if (runStarted != null) {
            lastDuration = Duration.between(runStarted, now);
            runSeconds += lastDuration.toMillis() / 1000.0;
        }
        runs++;
        lastExit = exitCode;
        lastEnded = now;
        if (completed(exitCode)) {
            lastCompleted = now;
        }
        runStarted = null;
    }

    /** A run that observed and decided: ok, changes present, or an apply partly failed (said in its outcomes). */
    private static boolean completed(int exitCode) {
        return exitCode == ExitCode.OK || exitCode == ExitCode.CHANGES || exitCode == ExitCode.PARTIAL;
    }

    /** Why the watch is unhealthy now, or null when it is not. */
    String unhealthy() {
        Instant now = clock.instant();
        Instant running = runStarted;
        if (running != null && Duration.between(running, now).compareTo(maxAge) > 0) {
            return "run " + (runs + 1) + " started " + ago(running, now) + " ago and has not ended (--max-age "
                    + ovi.model.Durations.format(maxAge) + ")";
        }
        String problem = context == null ? null : context.configProblem();
        if (problem != null) {
            return "config invalid: " + problem.replace("\n", " ") + "; the last valid config keeps running";
        }
        if (lastExit == ExitCode.DATA) {
            return "the last run found the config invalid (exit 65): fix it; the watch reads it again each run";
        }
        Instant since = lastCompleted != null ? lastCompleted : started;
        if (Duration.between(since, now).compareTo(maxAge) > 0) {
            return (lastCompleted == null ? "no run has completed in the " + ago(started, now) + " since the watch "
                    + "started" : "the last completed run ended " + ago(lastCompleted, now) + " ago")
                    + " (--max-age " + ovi.model.Durations.format(maxAge) + "); the last run exited " + lastExit;
        }
        return null;
    }

    private static String ago(Instant then, Instant now) {
        return ovi.model.Durations.format(Duration.between(then, now).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    private void healthz(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                send(ex, 405, "text/plain; charset=utf-8", "GET only\n");
                return;
            }
            String why = unhealthy();
            ObjectNode n = PlanJson.MAPPER.createObjectNode();
            n.put("status", why == null ? (runs == 0 ? "starting" : "ok") : "unhealthy");
            if (why != null) {
                n.put("reason", why);
            }
            n.put("runs", runs);
            n.put("lastExitCode", lastExit < 0 ? null : lastExit);
            n.put("lastRunEnded", lastEnded == null ? null : lastEnded.toString());
            n.put("lastCompletedRun", lastCompleted == null ? null : lastCompleted.toString());
            n.put("running", runStarted != null);
            send(ex, why == null ? 200 : 503, "application/json", n.toString() + "\n");
        }
    }

    private void metrics(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                send(ex, 405, "text/plain; charset=utf-8", "GET only\n");
                return;
            }
            StringBuilder body = new StringBuilder();
            try {
                body.append(Files.readString(runMetrics, StandardCharsets.UTF_8));
            } catch (IOException e) {
                // no run has written its metrics yet: the watch's own are all there is
            }
            body.append(own());
            send(ex, 200, PrometheusTextFormatWriter.CONTENT_TYPE, body.toString());
        }
    }

    /** The watch's own gauges, written by the Prometheus client's writer. */
    private String own() throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        Gauge.builder().name("ovi_watch_runs").help("Runs the watch has finished since it started.")
                .register(registry).set(runs);
        Gauge.builder().name("ovi_watch_healthy").help("1 while /healthz answers 200, else 0.")
                .register(registry).set(unhealthy() == null ? 1 : 0);
        Gauge.builder().name("ovi_watch_running").help("1 while a run is going.")
                .register(registry).set(runStarted != null ? 1 : 0);
        Gauge.builder().name("ovi_watch_started_timestamp_seconds").help("When the watch started (unix time).")
                .register(registry).set(started.toEpochMilli() / 1000.0);
        if (lastCompleted != null) {
            Gauge.builder().name("ovi_watch_last_completed_run_timestamp_seconds")
                    .help("When the last run that observed and decided ended (unix time).")
                    .register(registry).set(lastCompleted.toEpochMilli() / 1000.0);
        }
        if (lastDuration != null) {
            Gauge.builder().name("ovi_watch_last_run_duration_seconds").help("How long the last run took.")
                    .register(registry).set(lastDuration.toMillis() / 1000.0);
            Gauge.builder().name("ovi_watch_run_seconds").help("Time spent in runs since the watch started.")
                    .register(registry).set(runSeconds);
        }
        if (context != null) {
            controller(registry, context);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    /** What {@code ovi watch apply}'s schedule and totals say. */
    private static void controller(PrometheusRegistry registry, WatchContext c) {
        Gauge.builder().name("ovi_watch_ticks").help("Runs whose observation was compared and scheduled.")
                .register(registry).set(c.ticks());
        Gauge.builder().name("ovi_watch_config_valid").help("0 while the config file is invalid and the last valid "
                + "one runs, else 1.").register(registry).set(c.configProblem() == null ? 1 : 0);
        Gauge resources = Gauge.builder().name("ovi_watch_resources").help("Resources at the last tick, by state: "
                + "observed, drifted (a decision was made), scheduled, due, backing_off.").labelNames("state")
                .register(registry);
        resources.labelValues("observed").set(c.observed());
        resources.labelValues("drifted").set(c.drifted());
        resources.labelValues("scheduled").set(c.scheduled());
        resources.labelValues("due").set(c.due());
        resources.labelValues("backing_off").set(c.backingOff());
        Gauge.builder().name("ovi_watch_scheduled").help("Resources with a next-reconcile time.")
                .register(registry).set(c.scheduled());
        Gauge.builder().name("ovi_watch_due").help("Resources due by the end of the last tick.")
                .register(registry).set(c.due());
        Gauge.builder().name("ovi_watch_backoffs").help("Resources backing off after failed actions.")
                .register(registry).set(c.backingOff());
        Gauge.builder().name("ovi_watch_backoffs_begun").help("Failed actions that began or lengthened a backoff, "
                + "since the watch started.").register(registry).set(c.backoffsBegun());
        if (c.nextDue() != null) {
            Gauge.builder().name("ovi_watch_next_due_timestamp_seconds").help("When the next resource is due (unix "
                    + "time).").register(registry).set(c.nextDue().toEpochMilli() / 1000.0);
        }
        Gauge diffs = Gauge.builder().name("ovi_watch_changes").help("Resources seen changed since the watch started, "
                + "by kind.").labelNames("kind").register(registry);
        c.changes().forEach((k, n) -> diffs.labelValues(k).set(n));
        Gauge actions = Gauge.builder().name("ovi_watch_actions").help("Decisions acted on since the watch started, by "
                + "outcome.").labelNames("outcome").register(registry);
        c.outcomes().forEach((k, n) -> actions.labelValues(k).set(n));
        Gauge calls = Gauge.builder().name("ovi_watch_aws_calls").help("AWS calls since the watch started, by service.")
                .labelNames("service").register(registry);
        c.awsCalls().forEach((k, n) -> calls.labelValues(k).set(n));
        Gauge retries = Gauge.builder().name("ovi_watch_aws_retries").help("Retried AWS attempts since the watch "
                + "started, by service.").labelNames("service").register(registry);
        c.awsRetries().forEach((k, n) -> retries.labelValues(k).set(n));
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream o = ex.getResponseBody()) {
                o.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}

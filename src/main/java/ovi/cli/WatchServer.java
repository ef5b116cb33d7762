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

    private WatchServer(HttpServer server, Clock clock, Duration maxAge, Path runMetrics) {
        this.server = server;
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
                    runMetrics);
        } catch (IOException e) {
            throw OviException.failure("cannot listen on " + listen + ": " + e.getMessage(), e);
        }
    }

    /** On a free loopback port, with {@code clock}: for tests of the health rules. */
    static WatchServer onLoopback(Clock clock, Duration maxAge, Path runMetrics) throws IOException {
        return new WatchServer(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4), clock,
                maxAge, runMetrics);
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
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
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

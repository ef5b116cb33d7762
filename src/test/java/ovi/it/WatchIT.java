package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ovi watch: the plan/apply loop in one long-lived process, against moto. */
class WatchIT {
    @TempDir
    Path dir;
    Path config;
    Path state;

    @BeforeEach
    void setUp() throws Exception {
        Moto.reset();
        config = dir.resolve("ovi.yaml");
        Files.writeString(config, PlanIT.CONFIG);
        state = dir.resolve(".ovi/ovi");
    }

    private JsonNode status() {
        Cli.Result s = Cli.run("status", "--state-dir", state.toString(), "-o", "json");
        assertEquals(0, s.code(), s::toString);
        return s.json();
    }

    @Test
    void eachRunIsAWholeRunAndTheExitCodeIsTheLastOnes() {
        Cli.Result r = Cli.run("watch", "--interval", "1s", "--count", "2", "plan", "-c", config.toString(), "-q",
                "--detailed-exitcode");
        assertEquals(2, r.code(), r::toString);
        assertEquals(2, r.out().split("\nPlan: ", -1).length - 1, "two plans printed: " + r);
        assertTrue(r.err().contains("ovi watch: run 2 ended with exit code 2 (changes present)"), r::toString);
        assertEquals(2, status().get("runs").asInt(), "two runs in the WAL");

        // apply converges on the first run; the second finds nothing to do
        Cli.Result apply = Cli.run("watch", "--interval", "1s", "--count", "2", "apply", "-c", config.toString(),
                "--auto-approve", "-q");
        assertEquals(0, apply.code(), apply::toString);
        assertTrue(apply.out().contains("Apply complete: 4 executed, 0 failed"), apply::toString);
        assertTrue(apply.out().contains("Apply complete: 0 executed, 0 failed"), "the second run had nothing to do: " + apply);
        Cli.Result after = Cli.run("plan", "-c", config.toString(), "-q", "--detailed-exitcode");
        assertEquals(0, after.code(), "converged: " + after);
        assertEquals(5, status().get("runs").asInt(), "2 plans, 2 applies, 1 plan");
    }

    @Test
    void whatWouldFailEveryTimeStopsTheWatchAtOnce() throws Exception {
        Cli.Result verb = Cli.run("watch", "destroy", "-c", config.toString());
        assertEquals(64, verb.code(), verb::toString);
        assertTrue(verb.err().contains("runs plan or apply, not 'destroy'"), verb::toString);
        Cli.Result prompt = Cli.run("watch", "apply", "-c", config.toString());
        assertEquals(64, prompt.code(), prompt::toString);
        assertTrue(prompt.err().contains("needs --auto-approve"), prompt::toString);
        Cli.Result saved = Cli.run("watch", "apply", "plan.json", "--auto-approve");
        assertEquals(64, saved.code(), saved::toString);
        Cli.Result savedWithConfig = Cli.run("watch", "apply", "-c", config.toString(), "plan.json", "--auto-approve");
        assertEquals(64, savedWithConfig.code(), savedWithConfig::toString);
        assertTrue(savedWithConfig.err().contains("no PLAN_FILE"), savedWithConfig::toString);
        assertEquals(64, Cli.run("watch", "--interval", "0s", "plan", "-c", config.toString()).code());
        assertEquals(64, Cli.run("watch", "--count", "-1", "plan", "-c", config.toString()).code());

        Cli.Result option = Cli.run("watch", "--count", "5", "plan", "-c", config.toString(), "--no-such-option");
        assertEquals(64, option.code(), option::toString);
        assertTrue(option.err().contains("stopped: this would fail the same way every time"), option::toString);
        assertEquals(1, option.err().split("ovi watch: run ", -1).length - 2, "one run, not five: " + option);

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "version: v1\nprovider: gcp\n");
        Cli.Result invalid = Cli.run("watch", "--count", "5", "plan", "-c", bad.toString());
        assertEquals(65, invalid.code(), invalid::toString);
        assertTrue(invalid.err().contains("stopped"), invalid::toString);
        assertTrue(!Files.exists(dir.resolve(".ovi")), "an invalid config writes nothing");
    }

    @Test
    void sigtermStopsAfterTheCurrentRunWithItsExitCode() throws Exception {
        Path log = dir.resolve("watch.log");
        Process p = Cli.process(List.of(), "watch", "--interval", "1h", "plan", "-c", config.toString(), "-q")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!Files.readString(log).contains("ovi watch: next run at") && System.nanoTime() < deadline) {
                assertTrue(p.isAlive(), () -> "watch ended early:\n" + read(log));
                Thread.sleep(100);
            }
            assertTrue(Files.readString(log).contains("ovi watch: next run at"), () -> read(log));
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "stopped promptly");
            assertEquals(0, p.exitValue(), () -> read(log));
            String out = Files.readString(log);
            assertTrue(out.contains("ovi watch: stopping after the current run") && out.endsWith("ovi watch: stopped\n"), out);
            assertEquals(1, status().get("runs").asInt(), "the one run is in the WAL, whole");
            assertEquals(0, Cli.run("wal", "verify", "--state-dir", state.toString(), "-q").code());
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void healthzAndMetricsAnswerOverHttpAndAnInvalidConfigTurnsHealthzUnhealthy() throws Exception {
        Path log = dir.resolve("watch-http.log");
        Process p = Cli.process(List.of(), "watch", "--listen", "127.0.0.1:0", "--interval", "1s", "plan", "-c",
                config.toString(), "--state-dir", state.toString(), "-q").redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        try {
            String url = awaitLine(p, log, "ovi watch: serving /healthz and /metrics on ")
                    .substring("ovi watch: serving /healthz and /metrics on ".length()).trim();
            assertTrue(url.startsWith("http://127.0.0.1:"), url);
            awaitLine(p, log, "ovi watch: run 1 ended with exit code 0");

            java.net.http.HttpResponse<String> health = get(http, url + "/healthz");
            assertEquals(200, health.statusCode(), health::body);
            JsonNode h = new com.fasterxml.jackson.databind.ObjectMapper().readTree(health.body());
            assertEquals("ok", h.get("status").asText(), health::body);
            assertTrue(h.get("runs").asInt() >= 1, health::body);
            assertEquals(0, h.get("lastExitCode").asInt(), health::body);

            java.net.http.HttpResponse<String> metrics = get(http, url + "/metrics");
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                    metrics.headers()::toString);
            Path scraped = dir.resolve("scraped.prom");
            Files.writeString(scraped, metrics.body());
            List<Prometheus.Sample> samples = Prometheus.parse(scraped);
            assertEquals(1, Prometheus.value(samples, "ovi_watch_healthy"));
            assertTrue(Prometheus.value(samples, "ovi_watch_runs") >= 1);
            assertEquals(0, Prometheus.value(samples, "ovi_last_run_exit_code", "verb", "plan"));
            assertTrue(Prometheus.value(samples, "ovi_aws_calls", "service", "ec2") > 0, metrics::body);

            // an edit that breaks the config: the next run refuses it, and /healthz says so
            Files.writeString(config, "version: v1\nprovider: aws\nresources: 3\n");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            java.net.http.HttpResponse<String> sick = get(http, url + "/healthz");
            while (sick.statusCode() == 200 && System.nanoTime() < deadline) {
                assertTrue(p.isAlive(), () -> "watch ended:\n" + read(log));
                Thread.sleep(200);
                sick = get(http, url + "/healthz");
            }
            assertEquals(503, sick.statusCode(), sick::body);
            JsonNode s = new com.fasterxml.jackson.databind.ObjectMapper().readTree(sick.body());
            assertEquals("unhealthy", s.get("status").asText());
            assertTrue(s.get("reason").asText().contains("config invalid"), sick::body);
            assertEquals(405, http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/healthz"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode());

            p.destroy(); // SIGTERM: the server goes with the watch
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            java.net.http.HttpClient again = java.net.http.HttpClient.newHttpClient();
            org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> get(again, url + "/healthz"));
        } finally {
            p.destroyForcibly();
        }
    }

    private static java.net.http.HttpResponse<String> get(java.net.http.HttpClient http, String url) throws Exception {
        return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                .timeout(java.time.Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /** The first line of the log containing {@code text}, once it is there. */
    private static String awaitLine(Process p, Path log, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            for (String l : Files.readAllLines(log)) {
                if (l.contains(text)) {
                    return l;
                }
            }
            assertTrue(p.isAlive(), () -> "watch ended before '" + text + "':\n" + read(log));
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + text + "' in:\n" + read(log));
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}

package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import ovi.store.JdbcObservationStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/** ovi watch apply as a controller, against moto through a proxy that counts (and fails) requests. */
class WatchControllerIT {
    static final String CONFIG = """
            version: v1
            provider: aws
            region: us-east-1
            owner: team-watch
            resources:
              - type: s3
                name: good
                bucket: team-watch-good
            """;
    static final String WITH_BAD = CONFIG + """
              - type: s3
                name: bad
                bucket: team-watch-bad
            """;

    @TempDir
    Path dir;
    Path config;
    Path state;
    Path log;
    FaultProxy proxy;
    Process watch;

    @BeforeEach
    void setUp() throws Exception {
        Moto.reset();
        proxy = FaultProxy.start();
        config = dir.resolve("ovi.yaml");
        state = dir.resolve("state");
        log = dir.resolve("watch.log");
    }

    @AfterEach
    void tearDown() {
        if (watch != null) {
            watch.destroyForcibly();
        }
        proxy.close();
    }

    private void start(String... watchOptions) throws Exception {
        List<String> args = new ArrayList<>(List.of("watch"));
        args.addAll(List.of(watchOptions));
        args.addAll(List.of("apply", "-c", config.toString(), "--state-dir", state.toString(), "--auto-approve",
                "--endpoint-url", proxy.endpoint().toString(), "-q"));
        watch = Cli.process(List.of(), args.toArray(String[]::new)).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
    }

    @Test
    void aFailingResourceBacksOffWhileOthersProceedAndAnOutOfBandDeleteIsUndoneAtTheNextTick() throws Exception {
        Files.writeString(config, WITH_BAD);
        // moto would create it: the proxy refuses every create of this one bucket, as AWS refuses a bad request
        proxy.when(r -> r.operation().equals("s3:CreateBucket") && r.path().contains("team-watch-bad"), 1000,
                FaultProxy.body(400, "application/xml", "<Error><Code>InvalidRequest</Code><Message>refused by the "
                        + "test</Message></Error>"));
        start("--interval", "1s", "--backoff-base", "6s", "--backoff-max", "30s");
        S3Client s3 = Moto.s3();
        await("the good bucket is created", () -> exists(s3, "team-watch-good"));
        // (moto sometimes fails a call right after a create: then good-0 backs off once, and is found in step)
        await("the good bucket is not backing off", () -> {
            JsonNode w = status().get("watch");
            for (JsonNode b : w.get("backoffs")) {
                if (b.get("resource").asText().equals("good-0")) {
                    return false;
                }
            }
            return w.get("watchers").size() == 1;
        });

        // out of band: deleted behind ovi's back; the next tick sees it DELETED and creates it again
        s3.deleteBucket(b -> b.bucket("team-watch-good"));
        int ranBefore = runsEnded();
        await("the good bucket is made again", () -> exists(s3, "team-watch-good"));
        assertTrue(runsEnded() - ranBefore <= 2, "within one interval (the tick going on, then the next): " + read(log));

        await("three failed creates of the bad bucket", () -> failedTimes("bad-0").size() >= 3);
        List<Instant> failed = failedTimes("bad-0");
        Duration first = Duration.between(failed.get(0), failed.get(1));
        Duration second = Duration.between(failed.get(1), failed.get(2));
        // 6s then 12s, less at most a fifth of jitter
        assertTrue(first.compareTo(Duration.ofMillis(4800)) >= 0, "first backoff " + first);
        assertTrue(second.compareTo(Duration.ofMillis(9600)) >= 0, "second backoff " + second);
        // and the ticks in between (every second, or as fast as they go) did not touch it
        long between = walByRun().values().stream().map(entries -> Instant.parse(entries.get(0).get("time").asText()))
                .filter(t -> t.isAfter(failed.get(1)) && t.isBefore(failed.get(2))).count();
        assertTrue(between >= 1, "ticks between the second and third attempt: " + between);
        JsonNode backoffs = status().get("watch").get("backoffs");
        assertEquals("bad-0", backoffs.get(0).get("resource").asText(), backoffs::toString);
        assertTrue(backoffs.get(0).get("attempts").asInt() >= 2, backoffs::toString);

        stop();
        assertEquals(0, status().get("claims").size(), "no live claim");
    }

    @Test
    void aQuietTickMakesNoMutatingCallWritesNoRowAndOneObservedEntry() throws Exception {
        Files.writeString(config, CONFIG);
        start("--interval", "1s");
        awaitRun(3);
        Map<String, Long> rows = rows();
        long mutating = mutatingRequests();
        awaitRun(6);
        assertEquals(rows, rows(), "no row written");
        assertEquals(mutating, mutatingRequests(), "no mutating call");
        Map<String, List<JsonNode>> byRun = walByRun();
        List<List<JsonNode>> runs = new ArrayList<>(byRun.values());
        assertTrue(runs.size() >= 6, byRun::toString);
        for (int n = 3; n < 5; n++) { // runs 4 and 5: both quiet
            List<JsonNode> entries = runs.get(n);
            assertEquals(1, entries.size(), entries::toString);
            assertEquals("observed", entries.get(0).get("type").asText());
            assertEquals("*", entries.get(0).get("resource").asText());
        }
        stop();
    }

    @Test
    void anInvalidEditKeepsTheLastValidConfigRunningAndHealthzSaysSo() throws Exception {
        Files.writeString(config, CONFIG);
        start("--interval", "1s", "--listen", "127.0.0.1:0");
        String url = awaitLine("ovi watch: serving /healthz and /metrics on ")
                .substring("ovi watch: serving /healthz and /metrics on ".length()).trim();
        S3Client s3 = Moto.s3();
        await("the bucket is created", () -> exists(s3, "team-watch-good"));
        HttpClient http = HttpClient.newHttpClient();
        await("healthy", () -> get(http, url + "/healthz").statusCode() == 200);

        Files.writeString(config, "version: v1\nprovider: aws\nresources: 3\n");
        await("/healthz turns 503", () -> get(http, url + "/healthz").statusCode() == 503);
        JsonNode h = new ObjectMapper().readTree(get(http, url + "/healthz").body());
        assertTrue(h.get("reason").asText().contains("config invalid"), h::toString);
        // the last valid config still runs: a bucket deleted out of band comes back
        s3.deleteBucket(b -> b.bucket("team-watch-good"));
        await("the bucket is made again by the old config", () -> exists(s3, "team-watch-good"));
        String metrics = get(http, url + "/metrics").body();
        assertTrue(metrics.contains("ovi_watch_config_valid 0"), metrics);
        assertTrue(metrics.contains("ovi_watch_changes{kind=\"deleted\"}"), metrics);

        Files.writeString(config, CONFIG);
        await("/healthz is 200 again", () -> get(http, url + "/healthz").statusCode() == 200);
        stop();
    }

    @Test
    void sigtermDuringAnApplyFinishesTheActionAndLeavesNoLiveClaim() throws Exception {
        Files.writeString(config, CONFIG);
        proxy.when(r -> r.operation().equals("s3:CreateBucket"), 1, FaultProxy.delay(Duration.ofSeconds(3)));
        start("--interval", "1s");
        await("the create is under way", () -> !proxy.requests("s3:CreateBucket").isEmpty());
        watch.destroy(); // SIGTERM, mid-call
        assertTrue(watch.waitFor(60, TimeUnit.SECONDS), "stopped");
        assertEquals(0, watch.exitValue(), () -> read(log));
        assertTrue(exists(Moto.s3(), "team-watch-good"), "the action finished");
        JsonNode s = status();
        assertEquals(0, s.get("claims").size(), s::toString);
        assertEquals(0, s.get("inDoubt").size(), s::toString);
        assertEquals(0, Cli.run("wal", "verify", "--state-dir", state.toString(), "-q").code());
    }

    // ---- helpers

    private void stop() throws Exception {
        watch.destroy();
        assertTrue(watch.waitFor(60, TimeUnit.SECONDS), "stopped");
        assertEquals(0, watch.exitValue(), () -> read(log));
    }

    private JsonNode status() {
        Cli.Result s = Cli.run("status", "--state-dir", state.toString(), "-o", "json");
        assertTrue(s.code() == 0 || s.code() == 1, s::toString);
        return s.json();
    }

    private long mutatingRequests() {
        return proxy.requests().stream().map(r -> r.operation().substring(r.operation().indexOf(':') + 1))
                .filter(op -> !op.startsWith("Describe") && !op.startsWith("List") && !op.startsWith("Get")
                        && !op.startsWith("Head"))
                .count();
    }

    private Map<String, Long> rows() throws Exception {
        Map<String, Long> rows = new LinkedHashMap<>();
        try (JdbcObservationStore store = JdbcObservationStore.openH2(state.resolve("store"));
             Connection c = store.openConnection(); Statement st = c.createStatement()) {
            for (String table : List.of("revisions", "resources", "resource_history", "claims", "watch_backoff",
                    "watchers")) {
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
                    rs.next();
                    rows.put(table, rs.getLong(1));
                }
            }
        }
        return rows;
    }

    private Map<String, List<JsonNode>> walByRun() {
        Cli.Result r = Cli.run("wal", "show", "--state-dir", state.toString(), "-o", "json");
        assertEquals(0, r.code(), r::toString);
        Map<String, List<JsonNode>> byRun = new LinkedHashMap<>();
        r.json().get("entries").forEach(e -> byRun.computeIfAbsent(e.get("runId").asText(), k -> new ArrayList<>()).add(e));
        return byRun;
    }

    private List<Instant> failedTimes(String resource) {
        Cli.Result r = Cli.run("wal", "show", "--state-dir", state.toString(), "-o", "json", "--type", "failed",
                "--resource", resource);
        if (r.code() != 0) {
            return List.of();
        }
        List<Instant> times = new ArrayList<>();
        r.json().get("entries").forEach(e -> times.add(Instant.parse(e.get("time").asText())));
        return times;
    }

    private static boolean exists(S3Client s3, String bucket) {
        return s3.listBuckets().buckets().stream().anyMatch(b -> b.name().equals(bucket));
    }

    private int runsEnded() {
        return read(log).split("ovi watch: run \\d+ ended", -1).length - 1;
    }

    private void awaitRun(int n) throws Exception {
        awaitLine("ovi watch: run " + n + " ended");
    }

    private void await(String what, BooleanSupplier done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (done.getAsBoolean()) {
                return;
            }
            assertTrue(watch.isAlive(), () -> "watch ended before " + what + ":\n" + read(log));
            Thread.sleep(100);
        }
        throw new AssertionError("not within 90s: " + what + "\n" + read(log));
    }

    private String awaitLine(String text) throws Exception {
        String[] found = new String[1];
        await("'" + text + "'", () -> {
            for (String l : read(log).split("\n")) {
                if (l.contains(text)) {
                    found[0] = l;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private static HttpResponse<String> get(HttpClient http, String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(url + ": " + e, e);
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}

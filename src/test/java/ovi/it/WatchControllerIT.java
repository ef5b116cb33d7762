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
import java.time.temporal.ChronoUnit;
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
    void aRestartedWatchWaitsOutTheStoredBackoffAndItsFirstTickReconcilesEverythingElseOnce() throws Exception {
        Files.writeString(config, WITH_BAD);
        proxy.when(r -> r.operation().equals("s3:CreateBucket") && r.path().contains("team-watch-bad"), 1000,
                FaultProxy.body(400, "application/xml", "<Error><Code>InvalidRequest</Code><Message>refused by the "
                        + "test</Message></Error>"));
        // a pause of several seconds between ticks, for the SIGTERM below to land in
        start("--interval", "4s", "--backoff-base", "20s", "--backoff-max", "120s");
        S3Client s3 = Moto.s3();
        await("the good bucket is created", () -> exists(s3, "team-watch-good"));
        await("two failed creates of the bad bucket, kept in the store",
                () -> failedTimes("bad-0").size() >= 2 && backoff("bad-0") != null && backoff("bad-0").get("attempts").asInt() >= 2);
        List<Instant> failedBefore = failedTimes("bad-0");

        // stopped while it waits for its next tick, not in the middle of one
        // the run going on ends and the watch says when the next is: it waits now, for seconds
        int ended = runsEnded();
        await("a run ends after run " + ended, () -> runsEnded() > ended);
        await("the watch pauses", () -> lastWatchLine().startsWith("ovi watch: next run at "));
        watch.destroy(); // SIGTERM
        assertTrue(watch.waitFor(60, TimeUnit.SECONDS), "stopped");
        assertEquals(0, watch.exitValue(), () -> read(log));
        String firstLog = read(log);
        int pause = firstLog.lastIndexOf("ovi watch: next run at ");
        assertTrue(pause > lastRunStart(firstLog) && firstLog.indexOf("ovi watch: stopping after the current run") > pause,
                "the signal came in the pause between runs: " + firstLog);
        JsonNode stopped = status();
        assertEquals(0, stopped.get("claims").size(), stopped::toString);
        JsonNode watchers = stopped.get("watch").get("watchers");
        assertEquals(1, watchers.size(), watchers::toString);
        assertEquals("stopped", watchers.get(0).get("state").asText(), watchers::toString);
        JsonNode kept = backoff("bad-0");
        int attempts = kept.get("attempts").asInt();
        Instant until = Instant.parse(kept.get("until").asText());
        assertEquals(failedBefore.size(), attempts, kept::toString);
        // the stored time is the last failure plus the current backoff (40s, less at most a fifth)
        Duration stored = Duration.between(failedBefore.get(failedBefore.size() - 1), until);
        assertTrue(stored.compareTo(Duration.ofMillis(31_000)) >= 0 && stored.compareTo(Duration.ofSeconds(41)) <= 0,
                "stored backoff " + stored);

        // while no watch runs, the good bucket goes behind ovi's back
        s3.deleteBucket(b -> b.bucket("team-watch-good"));
        long badCreates = badCreates();
        Instant restarted = Instant.now();
        Files.writeString(log, "");
        start("--interval", "1s", "--backoff-base", "20s", "--backoff-max", "120s");

        awaitRun(1);
        Map<String, List<JsonNode>> after = walSince(restarted);
        List<JsonNode> firstTick = after.values().iterator().next();
        Instant firstTickAt = Instant.parse(firstTick.get(0).get("time").asText());
        assertTrue(firstTickAt.isBefore(until), "the restarted watch's first tick came before the stored backoff "
                + "ended (else nothing here is tested): " + firstTickAt + " vs " + until);
        assertTrue(firstTick.stream().anyMatch(e -> e.get("type").asText().equals("executed")
                && e.get("resource").asText().equals("good-0")), () -> "the first tick makes the good bucket again: " + brief(firstTick));
        assertTrue(exists(s3, "team-watch-good"));
        assertTrue(firstTick.stream().noneMatch(e -> e.get("resource").asText().equals("bad-0")),
                () -> "the first tick leaves the bad bucket backing off: " + brief(firstTick));

        await("the restarted watch tries the bad bucket again", () -> failedTimes("bad-0").size() > failedBefore.size());
        Instant attempt = walSince(restarted).values().stream().flatMap(List::stream)
                .filter(e -> e.get("resource").asText().equals("bad-0"))
                .map(e -> Instant.parse(e.get("time").asText())).min(Instant::compareTo).orElseThrow();
        assertTrue(!attempt.isBefore(until.truncatedTo(ChronoUnit.MILLIS)),
                "not tried before the backoff kept by the first watch ended: tried at " + attempt + ", kept until " + until);
        long ticksBefore = walSince(restarted).values().stream()
                .filter(entries -> Instant.parse(entries.get(0).get("time").asText()).isBefore(until)).count();
        assertTrue(ticksBefore >= 2, "ticks of the restarted watch while it waited: " + ticksBefore);
        assertEquals(badCreates + 1, badCreates(), "one more create of the bad bucket");
        await("the failure counts on from the first watch's", () -> backoff("bad-0").get("attempts").asInt() == attempts + 1);
        stop();
        JsonNode both = status().get("watch").get("watchers");
        assertEquals(2, both.size(), both::toString); // one row per process: its holder carries the pid
        both.forEach(w -> assertEquals("stopped", w.get("state").asText(), both::toString));
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
            for (String table : List.of("revisions", "scope_state", "scope_changes", "claims", "watch_backoff",
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

    /** The last line the watch itself wrote (not its runs). */
    private String lastWatchLine() {
        String last = "";
        for (String l : read(log).split("\n")) {
            if (l.startsWith("ovi watch: ")) {
                last = l;
            }
        }
        return last;
    }

    /** Where in {@code text} the last run began, or -1. */
    private static int lastRunStart(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("ovi watch: run \\d+ at ").matcher(text);
        int at = -1;
        while (m.find()) {
            at = m.start();
        }
        return at;
    }

    /** The WAL's entries written at or after {@code since}, by run, oldest first. */
    private Map<String, List<JsonNode>> walSince(Instant since) {
        Map<String, List<JsonNode>> byRun = new LinkedHashMap<>();
        walByRun().forEach((run, entries) -> {
            if (!Instant.parse(entries.get(0).get("time").asText()).isBefore(since)) {
                byRun.put(run, entries);
            }
        });
        return byRun;
    }

    /** Each entry as its type and resource, for a failure message. */
    private static List<String> brief(List<JsonNode> entries) {
        return entries.stream().map(e -> e.get("type").asText() + " " + e.get("resource").asText()).toList();
    }

    /** The backoff {@code ovi status} shows for {@code resource}, or null. */
    private JsonNode backoff(String resource) {
        for (JsonNode b : status().get("watch").get("backoffs")) {
            if (b.get("resource").asText().equals(resource)) {
                return b;
            }
        }
        return null;
    }

    private long badCreates() {
        return proxy.requests("s3:CreateBucket").stream().filter(r -> r.path().contains("team-watch-bad")).count();
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

package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/** Two ovi watch apply processes on one PostgreSQL store: each resource is acted on by one of them. */
class WatchersIT {
    static final String CONFIG = """
            version: v1
            provider: aws
            region: us-east-1
            owner: team-many
            resources:
              - type: s3
                name: one
                bucket: team-many-one
              - type: s3
                name: two
                bucket: team-many-two
              - type: s3
                name: three
                bucket: team-many-three
            """;

    @TempDir
    Path dir;
    FaultProxy proxy;
    final List<Process> watchers = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        Moto.reset();
        proxy = FaultProxy.start();
    }

    @AfterEach
    void tearDown() {
        watchers.forEach(Process::destroyForcibly);
        proxy.close();
    }

    private Process watcher(Path config, String url, String name) throws Exception {
        return watcher(config, url, name, "5s");
    }

    private Process watcher(Path config, String url, String name, String ttl) throws Exception {
        Path state = dir.resolve(name);
        ProcessBuilder pb = Cli.process(List.of(), "watch", "--interval", "1s", "--backoff-base", "1s", "apply", "-c",
                config.toString(),
                "--state-dir", state.toString(), "--store-url", url, "--store-user", Postgres.user(),
                "--instance-id", name, "--claim-ttl", ttl, "--auto-approve", "--endpoint-url",
                proxy.endpoint().toString(), "-q").redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().put("OVI_STORE_PASSWORD", Postgres.password());
        Process p = pb.start();
        watchers.add(p);
        return p;
    }

    @Test
    void twoWatchersOnOneStoreCreateEachResourceOnce() throws Exception {
        Path config = dir.resolve("ovi.yaml");
        Files.writeString(config, CONFIG);
        String url = Postgres.freshDatabase();
        // each create is slow, so that both watchers decide it before either has done it
        proxy.when(r -> r.operation().equals("s3:CreateBucket"), 100, FaultProxy.delay(java.time.Duration.ofSeconds(1)));
        Process a = watcher(config, url, "a");
        Process b = watcher(config, url, "b");
        S3Client s3 = Moto.s3();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && !(allExist(s3) && ran(a, "a") >= 4 && ran(b, "b") >= 4)) {
            assertTrue(a.isAlive() && b.isAlive(), this::logs);
            Thread.sleep(200);
        }
        assertTrue(allExist(s3), this::logs);
        assertEquals(3, proxy.requests("s3:CreateBucket").size(), "each bucket created once, by one of them: " + logs());

        for (Process p : List.of(a, b)) {
            p.destroy();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), this::logs);
        }
        Cli.Result status = Cli.run("status", "--state-dir", dir.resolve("a").toString(), "--store-url", url,
                "--store-user", Postgres.user(), "-o", "json");
        JsonNode s = status.json();
        assertEquals(0, s.get("claims").size(), s::toString);
        assertEquals(2, s.get("watch").get("watchers").size(), s::toString);
    }

    @Test
    void theClaimsOfAWatcherThatDiedAreTakenOverAfterTheirTtl() throws Exception {
        Path config = dir.resolve("ovi.yaml");
        Files.writeString(config, CONFIG);
        String url = Postgres.freshDatabase();
        // a's creates hang until it is killed: it dies holding their claims
        proxy.when(r -> r.operation().equals("s3:CreateBucket"), 3, FaultProxy.hang());
        Process a = watcher(config, url, "a", "4s");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (proxy.requests("s3:CreateBucket").size() < 3 && System.nanoTime() < deadline) {
            assertTrue(a.isAlive(), this::logs);
            Thread.sleep(100);
        }
        assertEquals(3, proxy.requests("s3:CreateBucket").size(), this::logs);
        a.destroyForcibly(); // kill -9, mid-call, claims held
        assertTrue(a.waitFor(30, TimeUnit.SECONDS));

        Process b = watcher(config, url, "b", "4s");
        S3Client s3 = Moto.s3();
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!allExist(s3) && System.nanoTime() < deadline) {
            assertTrue(b.isAlive(), this::logs);
            Thread.sleep(200);
        }
        assertTrue(allExist(s3), "b took the resources over once a's claims lapsed: " + logs());
        Cli.Result claimed = Cli.run("wal", "show", "--state-dir", dir.resolve("b").toString(), "-o", "json", "--type",
                "claimed");
        JsonNode entries = claimed.json().get("entries");
        assertTrue(entries.size() >= 3, claimed::toString);
        entries.forEach(e -> assertTrue(e.get("data").get("fence").asLong() >= 2, "a takeover: " + e));
        b.destroy();
        assertTrue(b.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, b.exitValue(), this::logs);
    }

    private static boolean allExist(S3Client s3) {
        return s3.listBuckets().buckets().stream().filter(x -> x.name().startsWith("team-many-")).count() == 3;
    }

    private int ran(Process p, String name) {
        return read(dir.resolve(name + ".log")).split("ovi watch: run \\d+ ended", -1).length - 1;
    }

    private String logs() {
        return "a:\n" + read(dir.resolve("a.log")) + "\nb:\n" + read(dir.resolve("b.log"));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "(unreadable)";
        }
    }
}

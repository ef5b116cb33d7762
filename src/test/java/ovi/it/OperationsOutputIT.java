package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What plan and apply leave for the machinery around cron: --metrics-file and --log-format json. */
class OperationsOutputIT {
    static final String CONFIG = """
            version: v1
            provider: aws
            region: us-east-1
            owner: team-ops
            resources:
              - type: ec2
                name: web
                count: 2
                size: t3.micro
                image: ami-12c6146b
              - type: s3
                name: assets
                bucket: team-ops-assets
            """;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    Path config;
    Path state;
    final List<Path> mounts = new ArrayList<>();
    Path locked;

    @BeforeEach
    void setUp() throws Exception {
        Moto.reset();
        config = dir.resolve("ovi.yaml");
        Files.writeString(config, CONFIG);
        state = dir.resolve("state");
    }

    @AfterEach
    void unmount() throws Exception {
        for (Path m : mounts) {
            sh("umount", "-l", m.toString());
        }
        if (locked != null) {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------")); // so it can be removed
        }
    }

    long kind(JsonNode plan, String kind) {
        return StreamSupport.stream(plan.get("diffs").spliterator(), false)
                .filter(d -> d.get("kind").asText().equals(kind)).count();
    }

    @Test
    void planMetricsAreTheRunsOwnNumbersAsPrometheusReadsThem() throws Exception {
        Path file = dir.resolve("ovi_plan.prom");
        long before = Instant.now().getEpochSecond();

        Cli.Result r = Cli.json("plan", config, state, "--metrics-file", file.toString());

        assertEquals(0, r.code(), r::toString);
        JsonNode plan = r.json();
        List<Prometheus.Sample> m = Prometheus.parse(file);
        assertTrue(m.stream().allMatch(s -> s.type().equals("gauge") && s.name().startsWith("ovi_")
                && s.labels().get("verb").equals("plan") && s.labels().get("owner").equals("team-ops")), m::toString);
        assertEquals(3, Prometheus.value(m, "ovi_diffs", "kind", "missing"), "web-0, web-1 and the bucket");
        for (String kind : List.of("missing", "unwanted", "drifted", "unmanaged")) {
            assertEquals(kind(plan, kind), Prometheus.value(m, "ovi_diffs", "kind", kind), kind);
        }
        for (String action : List.of("create", "update", "delete", "notify")) {
            assertEquals(plan.at("/summary/" + action).asInt(), Prometheus.value(m, "ovi_decisions", "action", action),
                    action);
        }
        assertEquals(3, Prometheus.value(m, "ovi_decisions", "action", "create"));
        assertEquals(0, Prometheus.value(m, "ovi_last_run_exit_code"));
        assertEquals(1, Prometheus.value(m, "ovi_last_run_success"));
        assertEquals(0, Prometheus.value(m, "ovi_unobserved_scopes"));
        double at = Prometheus.value(m, "ovi_last_run_timestamp_seconds");
        assertTrue(at >= before && at <= Instant.now().getEpochSecond() + 1, "ended now: " + at);
        assertTrue(Prometheus.value(m, "ovi_last_run_duration_seconds") > 0);
        for (String service : List.of("ec2", "s3")) {
            double calls = Prometheus.value(m, "ovi_aws_calls", "service", service);
            assertTrue(calls > 0, service);
            assertEquals(plan.at("/aws/services/" + service + "/calls").asDouble(), calls, service);
            assertEquals(plan.at("/aws/services/" + service + "/attempts").asDouble(),
                    Prometheus.value(m, "ovi_aws_attempts", "service", service), service);
            assertEquals(0, Prometheus.value(m, "ovi_aws_throttles", "service", service));
            assertEquals(0, Prometheus.value(m, "ovi_aws_refused_calls", "service", service));
            assertEquals(6, Prometheus.find(m, "ovi_aws_errors", "service", service).size(), "one per error class");
        }
        assertEquals(0, Prometheus.value(m, "ovi_aws_breaker_state", "service", "ec2", "region", "us-east-1"));
        assertFalse(m.stream().anyMatch(s -> s.name().equals("ovi_apply_outcomes")), "a plan applies nothing");
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void applyMetricsCountOutcomesAndTheNextRunReplacesTheFileWhole() throws Exception {
        Path file = dir.resolve("ovi_apply.prom");

        Cli.Result first = Cli.json("apply", config, state, "--metrics-file", file.toString());

        assertEquals(0, first.code(), first::toString);
        List<Prometheus.Sample> m = Prometheus.parse(file);
        assertEquals(3, Prometheus.value(m, "ovi_apply_outcomes", "verb", "apply", "outcome", "executed"));
        assertEquals(0, Prometheus.value(m, "ovi_apply_outcomes", "outcome", "failed"));
        assertEquals(0, Prometheus.value(m, "ovi_apply_skipped", "reason", "stale"));
        assertEquals(3, Prometheus.value(m, "ovi_diffs", "kind", "missing"));
        assertEquals(3, Prometheus.value(m, "ovi_decisions", "action", "create"));
        assertTrue(Prometheus.value(m, "ovi_aws_calls", "service", "ec2") > 0);
        assertEquals(1, Prometheus.value(m, "ovi_last_run_success"));
        Object inode = Files.getAttribute(file, "unix:ino");

        Cli.Result second = Cli.json("apply", config, state, "--metrics-file", file.toString());

        assertEquals(0, second.code(), second::toString);
        List<Prometheus.Sample> again = Prometheus.parse(file);
        assertEquals(0, Prometheus.value(again, "ovi_apply_outcomes", "outcome", "executed"), "all converged already");
        assertEquals(0, Prometheus.value(again, "ovi_diffs", "kind", "missing"));
        assertNotEquals(inode, Files.getAttribute(file, "unix:ino"), "a new file renamed over the old, not rewritten");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(Set.of("ovi.yaml", "state", "ovi_apply.prom"),
                    Set.copyOf(files.map(p -> p.getFileName().toString()).toList()), "no temporary file left");
        }
    }

    @Test
    void watchPassesBothOptionsToEachRun() throws Exception {
        Path file = dir.resolve("ovi_plan.prom");

        Cli.Result r = Cli.run("watch", "--interval", "1s", "--count", "2", "plan", "-c", config.toString(),
                "--state-dir", state.toString(), "--metrics-file", file.toString(), "--log-format", "json");

        assertEquals(0, r.code(), r::toString);
        assertEquals(1, Prometheus.value(Prometheus.parse(file), "ovi_last_run_success", "verb", "plan"));
        // every line is JSON, the watch's own too; each run logs with its own run id
        List<JsonNode> lines = jsonLines(r.err());
        List<String> runs = lines.stream().filter(l -> !l.get("message").asText().startsWith("watch: "))
                .map(l -> l.get("run").asText()).distinct().toList();
        assertEquals(2, runs.size(), "each run logs with its own run id: " + r);
        List<String> watch = lines.stream().map(l -> l.get("message").asText()).filter(m -> m.startsWith("watch: "))
                .toList();
        assertTrue(watch.size() >= 4 && watch.get(0).startsWith("watch: run 1 at "), r::toString);
        assertTrue(watch.contains("watch: run 2 ended with exit code 0 (ok)"), r::toString);
        lines.stream().filter(l -> l.get("message").asText().startsWith("watch: "))
                .forEach(l -> assertFalse(l.has("run"), l::toString));
    }

    @Test
    void aRunThatEndsInAnErrorStillWritesItsMetricsAndLogsTheErrorAsJson() throws Exception {
        Path file = dir.resolve("ovi_apply.prom");

        Cli.Result r = Cli.run("apply", "-c", config.toString(), "--state-dir", state.toString(), "--auto-approve",
                "--max-changes", "1", "--metrics-file", file.toString(), "--log-format", "json");

        assertEquals(1, r.code(), r::toString);
        List<Prometheus.Sample> m = Prometheus.parse(file);
        assertEquals(1, Prometheus.value(m, "ovi_last_run_exit_code"));
        assertEquals(0, Prometheus.value(m, "ovi_last_run_success"));
        assertEquals(3, Prometheus.value(m, "ovi_decisions", "action", "create"), "it got as far as deciding");
        assertTrue(Prometheus.value(m, "ovi_aws_calls", "service", "ec2") > 0);
        List<JsonNode> lines = jsonLines(r.err());
        JsonNode error = lines.get(lines.size() - 1);
        assertEquals("error", error.get("level").asText(), r::toString);
        assertTrue(error.get("message").asText().contains("--max-changes"), r::toString);
        assertEquals(lines.get(0).get("run").asText(), error.get("run").asText(), "the error names the run too");
    }

    @Test
    void anUnwritableMetricsDirectoryIsAWarningAndTheRunKeepsItsExitCode() throws Exception {
        Path target = readOnlyDirectoryWith("ovi_plan.prom", "ovi_last_run_success 1\n");
        Path file = target.resolve("ovi_plan.prom");

        Cli.Result r = Cli.json("plan", config, state, "--metrics-file", file.toString(), "--detailed-exitcode");

        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains("ovi: warning: could not write --metrics-file " + file + ": "), r::toString);
        assertEquals("ovi_last_run_success 1\n", Files.readString(file), "the last run's file is left as it was");
        try (Stream<Path> files = Files.list(target)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void aFullDiskLeavesTheLastFileWholeAndNoPartOfTheNewOne() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "mounting a small tmpfs needs root");
        Path full = Files.createDirectories(dir.resolve("full"));
        sh("mount", "-t", "tmpfs", "-o", "size=4k", "tmpfs", full.toString());
        mounts.add(full);
        Path file = full.resolve("ovi_plan.prom");
        Files.writeString(file, "ovi_last_run_success 1\n"); // the one page the file system holds

        Cli.Result r = Cli.json("plan", config, state, "--metrics-file", file.toString());

        assertEquals(0, r.code(), r::toString);
        assertTrue(r.err().contains("ovi: warning: could not write --metrics-file " + file + ": "), r::toString);
        assertEquals("ovi_last_run_success 1\n", Files.readString(file));
        try (Stream<Path> files = Files.list(full)) {
            assertEquals(List.of(file), files.toList(), "the temporary file is removed");
        }
    }

    @Test
    void jsonLogsAreOneObjectPerLineNamingTheRunAndTheResource() throws Exception {
        // as cron starts it: a process of its own, so whatever any library writes to stderr is seen too
        Process p = Cli.process(List.of(), "apply", "-c", config.toString(), "--state-dir", state.toString(),
                "--auto-approve", "-o", "json", "--log-format", "json").start();
        p.getOutputStream().close();
        var stdout = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        String stderr = read(p.getErrorStream());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), stderr);
        String runId = JSON.readTree(stdout.get()).get("runId").asText();

        List<JsonNode> lines = jsonLines(stderr);
        assertFalse(lines.isEmpty());
        for (JsonNode l : lines) {
            Instant.parse(l.get("time").asText());
            assertTrue(l.get("time").asText().endsWith("Z"), l::toString);
            assertTrue(Set.of("info", "warn", "error", "debug").contains(l.get("level").asText()), l::toString);
            assertEquals(runId, l.get("run").asText(), l::toString);
            assertTrue(l.get("message").isTextual(), l::toString);
        }
        JsonNode create = lines.stream().filter(l -> l.get("message").asText().startsWith("create ec2 web-0"))
                .findFirst().orElseThrow(() -> new AssertionError(stderr));
        assertEquals("web-0", create.get("resource").asText());
        assertEquals("info", create.get("level").asText());
        assertTrue(lines.stream().anyMatch(l -> l.path("resource").asText().equals("web-0")
                && l.get("message").asText().contains(": done")), stderr);
    }

    @Test
    void debugLogsEachAwsAttemptWithItsRequestId() throws Exception {
        Cli.Result r = Cli.run("--debug", "plan", "-c", config.toString(), "--state-dir", state.toString(), "-q",
                "-o", "json", "--log-format", "json");

        assertEquals(0, r.code(), r::toString);
        String runId = r.json().get("runId").asText();
        List<JsonNode> debug = jsonLines(r.err()).stream().filter(l -> l.get("level").asText().equals("debug")).toList();
        assertFalse(debug.isEmpty(), r::toString);
        assertTrue(debug.stream().allMatch(l -> l.get("run").asText().equals(runId)));
        assertTrue(debug.stream().anyMatch(l -> l.get("message").asText()
                .matches("ec2 us-east-1 DescribeInstances attempt 1: HTTP 200 in \\d+ ms, request \\S+")), r::toString);
        assertTrue(debug.stream().allMatch(l -> l.get("message").asText().matches(".* request \\S+$")), r::toString);

        Cli.Result text = Cli.run("plan", "-c", config.toString(), "--state-dir", state.toString(), "-q", "--debug");
        assertTrue(text.err().lines().anyMatch(l -> l.startsWith("ovi: debug: ec2 us-east-1 DescribeInstances attempt 1:")),
                text::toString);
        Cli.Result quiet = Cli.run("plan", "-c", config.toString(), "--state-dir", state.toString(), "-q");
        assertFalse(quiet.err().contains("debug:"), quiet::toString);
    }

    @Test
    void aUsageErrorTheVerbFindsIsJsonTooAndOneBeforeItRunsStaysText() {
        Cli.Result verb = Cli.run("apply", "-c", config.toString(), "--state-dir", state.toString(), "--auto-approve",
                "--concurrency", "0", "--log-format", "json");

        assertEquals(64, verb.code(), verb::toString);
        JsonNode error = jsonLines(verb.err()).get(0);
        assertEquals("error", error.get("level").asText());
        assertTrue(error.get("message").asText().startsWith("usage error: --concurrency must be from 1 to 64"),
                verb::toString);

        Cli.Result parse = Cli.run("apply", "-c", config.toString(), "--no-such-option", "--log-format", "json");
        assertEquals(64, parse.code(), parse::toString);
        assertTrue(parse.err().startsWith("ovi: usage error: "), parse::toString);
    }

    static List<JsonNode> jsonLines(String stderr) {
        List<JsonNode> out = new ArrayList<>();
        for (String l : stderr.split("\\R")) {
            if (l.isEmpty()) {
                continue;
            }
            try {
                out.add(JSON.readTree(l));
            } catch (Exception e) {
                throw new AssertionError("not a JSON line: " + l + "\nstderr:\n" + stderr);
            }
        }
        return out;
    }

    /** A directory ovi cannot write, holding {@code name}: a read-only bind mount as root, else mode 0555. */
    Path readOnlyDirectoryWith(String name, String content) throws Exception {
        Path src = Files.createDirectories(dir.resolve("textfile"));
        Files.writeString(src.resolve(name), content);
        if ("root".equals(System.getProperty("user.name"))) {
            Path ro = Files.createDirectories(dir.resolve("textfile-ro"));
            sh("mount", "--bind", src.toString(), ro.toString());
            mounts.add(ro);
            sh("mount", "-o", "remount,ro,bind", ro.toString());
            src = ro;
        } else {
            Files.setPosixFilePermissions(src, PosixFilePermissions.fromString("r-xr-xr-x"));
            locked = src;
        }
        assertFalse(Files.isWritable(src), "the test needs a directory ovi cannot write");
        return src;
    }

    static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = read(p.getInputStream());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed: " + out);
        }
    }
}

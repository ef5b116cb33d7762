package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import ovi.model.WalEntry;
import ovi.wal.ChronicleAuditLog;
import ovi.wal.InDoubt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;

/**
 * kill -9 of a real 'ovi apply' process at the worst moment (the create reached AWS, its outcome was not
 * yet written), then 'ovi status' and a second apply, against moto.
 */
class CrashRecoveryIT {
    static final String CONFIG = """
            version: v1
            provider: aws
            region: us-east-1
            owner: team-web
            resources:
              - type: ec2
                name: web
                count: 2
                size: t3.micro
                image: ami-12c6146b
            """;

    @TempDir
    Path dir;
    Path config;
    Path state;

    @BeforeEach
    void setUp() throws Exception {
        Moto.reset();
        config = dir.resolve("ovi.yaml");
        state = dir.resolve("state");
        Files.writeString(config, CONFIG);
    }

    @Test
    void anApplyKilledMidCallLeavesAnActionInDoubtThatTheNextApplySettlesWithoutADuplicate() throws Exception {
        // given: an apply killed with SIGKILL right after RunInstances for web-0 returned
        Process p = startApply("after-aws-call:web-0", "--claim-ttl", "3s", "--concurrency", "1");
        waitFor(p, "crash point after-aws-call:web-0 reached");
        p.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, instances("web-0").size(), "the create had reached AWS");

        // when: status looks
        Cli.Result status = Cli.run("status", "-c", config.toString(), "--state-dir", state.toString(), "-o", "json");
        JsonNode s = status.json();
        List<String> inDoubt = new ArrayList<>();
        s.get("inDoubt").forEach(e -> inDoubt.add(e.get("resource").asText() + ":" + e.get("action").asText()));
        assertEquals(List.of("web-0:create"), inDoubt, status::toString);
        assertEquals(1, Cli.run("status", "-c", config.toString(), "--state-dir", state.toString(), "--check", "-q")
                .code(), "an action in doubt fails the health check");

        // and: the next apply, once the killed run's claim has lapsed
        Thread.sleep(3500);
        Cli.Result second = Cli.run("apply", "-c", config.toString(), "--state-dir", state.toString(), "--auto-approve",
                "-o", "json");
        assertEquals(0, second.code(), second::toString);

        // then: the action was settled as executed, and no second web-0 was made
        assertEquals(1, instances("web-0").size(), "no duplicate");
        assertEquals(1, instances("web-1").size(), "the rest of the work was done");
        List<WalEntry> wal = new ArrayList<>();
        try (ChronicleAuditLog log = ChronicleAuditLog.open(state.resolve("wal"))) {
            log.readAll(wal::add);
            assertEquals(List.of(), InDoubt.in(log));
        }
        WalEntry executing = wal.stream().filter(e -> e.type().equals("executing") && e.resource().equals("web-0"))
                .findFirst().orElseThrow();
        WalEntry settled = wal.stream().filter(e -> e.data().get(InDoubt.RESOLVES_SEQ) != null).findFirst().orElseThrow();
        assertEquals("executed", settled.type());
        assertEquals(executing.seq(), ((Number) settled.data().get(InDoubt.RESOLVES_SEQ)).longValue());
        assertEquals(instances("web-0").get(0), settled.data().get("cloudId"));
        int firstOfSecondRun = wal.indexOf(wal.stream().filter(e -> e.runId().equals(settled.runId())).findFirst().orElseThrow());
        assertEquals(settled, wal.get(firstOfSecondRun), "settled before anything else the second run did");
        assertTrue(executing.seq() < settled.seq(), "nothing appended before the kill was lost");
        assertFalse(Cli.run("status", "-c", config.toString(), "--state-dir", state.toString(), "-o", "json").json()
                .get("inDoubt").elements().hasNext());
    }

    @Test
    void anActionInDoubtIsNotSettledWhileTheClaimOfItsRunIsLive() throws Exception {
        Process p = startApply("after-aws-call:web-0", "--claim-ttl", "5m", "--concurrency", "1");
        waitFor(p, "crash point after-aws-call:web-0 reached");
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));

        Cli.Result second = Cli.run("apply", "-c", config.toString(), "--state-dir", state.toString(), "--auto-approve",
                "-o", "json");
        assertEquals(0, second.code(), second::toString);
        assertEquals(1, instances("web-0").size(), "web-0 is skipped while its claim is held: no duplicate");
        Cli.Result status = Cli.run("status", "-c", config.toString(), "--state-dir", state.toString(), "-o", "json");
        assertEquals(1, status.json().get("inDoubt").size(), "still in doubt until the claim lapses: " + status);
    }

    private Process startApply(String crashPoint, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("apply", "-c", config.toString(), "--state-dir", state.toString(),
                "--auto-approve", "--instance-id", "doomed"));
        args.addAll(List.of(more));
        return Cli.process(List.of("-Dovi.crashpoint=" + crashPoint), args.toArray(String[]::new))
                .redirectOutput(dir.resolve("doomed.out").toFile()).start();
    }

    /** Reads the process's stderr until {@code line} appears (or it ends, which fails the test). */
    private static void waitFor(Process p, String line) throws Exception {
        StringBuilder seen = new StringBuilder();
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        for (String l; (l = err.readLine()) != null; ) {
            seen.append(l).append('\n');
            if (l.contains(line)) {
                return;
            }
        }
        throw new AssertionError("the apply ended before '" + line + "'; stderr:\n" + seen);
    }

    private static List<String> instances(String oviId) {
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            List<String> ids = new ArrayList<>();
            ec2.describeInstancesPaginator(r -> r.filters(
                            Filter.builder().name("tag:ovi:id").values(oviId).build(),
                            Filter.builder().name("instance-state-name").values("pending", "running").build()))
                    .reservations().forEach(res -> res.instances().forEach(i -> ids.add(i.instanceId())));
            return ids;
        }
    }
}

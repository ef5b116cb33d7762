package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import ovi.model.WalEntry;
import ovi.wal.ChronicleAuditLog;
import ovi.wal.InDoubt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * The README's crontab line, run as three overlapping processes per round, round after round, against
 * an account that drifts between rounds: it converges with no duplicate, no lost WAL entry and no action
 * on a protected resource.
 */
class ConvergenceIT {
    static final int PROCESSES = 3;

    @TempDir
    Path dir;

    @Test
    void parallelCronRunsConvergeOnADriftingAccount() throws Exception {
        Moto.reset();
        Path config = dir.resolve("ovi.yaml");
        Path state = dir.resolve("state");
        Files.writeString(config, ApplyIT.CONFIG);

        round(config, state, 1);
        String blessed;
        String unmanaged;
        String foreign;
        String unwanted;
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            String web0 = ApplyIT.oneLive(ec2, "web-0").instanceId();
            ec2.terminateInstances(b -> b.instanceIds(web0));
            String web1 = ApplyIT.oneLive(ec2, "web-1").instanceId();
            ec2.deleteTags(b -> b.resources(web1).tags(Tag.builder().key("team").build()));
            unwanted = Moto.runInstance(ec2, "t3.micro", Moto.managed("team-web", "old-0"));
            blessed = Moto.runInstance(ec2, "t3.micro", Moto.managed("team-web", "legacy-0"));
            unmanaged = Moto.runInstance(ec2, "t3.micro", Map.of("Name", "hand-made"));
            foreign = Moto.runInstance(ec2, "t3.micro", Moto.managed("team-data", "old-0"));
        }
        round(config, state, 2);
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            String web2 = ApplyIT.oneLive(ec2, "web-2").instanceId();
            ec2.stopInstances(b -> b.instanceIds(web2));
            ec2.modifyInstanceAttribute(b -> b.instanceId(web2).instanceType(v -> v.value("t3.large")));
            ec2.startInstances(b -> b.instanceIds(web2));
        }
        round(config, state, 3);

        Cli.Result plan = Cli.run("plan", "-c", config.toString(), "--state-dir", state.toString(), "-q", "-o", "json",
                "--detailed-exitcode");
        assertEquals(0, plan.code(), "converged: " + plan);
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            for (String id : List.of("web-0", "web-1", "web-2")) {
                var i = ApplyIT.oneLive(ec2, id); // exactly one each: no duplicate
                assertEquals("t3.micro", i.instanceTypeAsString());
                assertEquals("web", ApplyIT.tags(i).get("team"));
            }
            assertEquals("terminated", ApplyIT.instance(ec2, unwanted).state().nameAsString());
            for (String untouched : List.of(blessed, unmanaged, foreign)) {
                assertEquals("running", ApplyIT.instance(ec2, untouched).state().nameAsString(), untouched);
            }
        }
        try (var rds = Moto.rds(Moto.REGION)) {
            assertEquals(1, rds.describeDBInstances().dbInstances().size(), "one DB instance");
        }

        List<WalEntry> wal = new ArrayList<>();
        try (ChronicleAuditLog log = ChronicleAuditLog.open(state.resolve("wal"))) {
            log.readAll(wal::add);
            assertEquals(List.of(), InDoubt.in(log), "every action has its outcome");
        }
        for (int i = 0; i < wal.size(); i++) {
            assertEquals(i + 1, wal.get(i).seq(), "no entry lost");
        }
        Map<String, Integer> claims = new HashMap<>();
        for (WalEntry e : wal) {
            if (e.type().equals("claimed")) {
                claims.merge(e.runId() + "/" + e.resource(), 1, Integer::sum);
            } else if (e.type().equals("released")) {
                claims.merge(e.runId() + "/" + e.resource(), -1, Integer::sum);
            }
            assertTrue(!e.type().equals("executing") || !List.of("legacy-0", unmanaged, foreign).contains(e.resource()),
                    "no action on a protected resource: " + e);
        }
        assertTrue(claims.values().stream().allMatch(n -> n == 0), "every claim released: " + claims);
        assertEquals(0, Cli.run("wal", "verify", "--state-dir", state.toString(), "-q").code());
    }

    /**
     * Cron on the minute against a state directory that does not exist yet: every run creates, opens and
     * migrates the same new store at once, and each must still end 0 with one unbroken WAL.
     */
    @Test
    void runsStartedTogetherOnANewStateDirectoryAllSucceed() throws Exception {
        Moto.reset();
        Path config = dir.resolve("ovi.yaml");
        Files.writeString(config, PlanIT.CONFIG);
        for (int attempt = 0; attempt < 3; attempt++) {
            Path state = dir.resolve("fresh-" + attempt);
            List<Process> procs = new ArrayList<>();
            for (int p = 0; p < 4; p++) {
                procs.add(Cli.process(List.of(), "plan", "-c", config.toString(), "--state-dir", state.toString(),
                                "-q", "--debug").redirectErrorStream(true)
                        .redirectOutput(dir.resolve("fresh-" + attempt + "-" + p + ".log").toFile()).start());
            }
            for (int p = 0; p < procs.size(); p++) {
                assertTrue(procs.get(p).waitFor(2, TimeUnit.MINUTES), "process " + p + " finished");
                assertEquals(0, procs.get(p).exitValue(), "attempt " + attempt + " process " + p + ":\n"
                        + Files.readString(dir.resolve("fresh-" + attempt + "-" + p + ".log")));
            }
            Cli.Result verify = Cli.run("wal", "verify", "--state-dir", state.toString());
            assertEquals(0, verify.code(), verify::toString);
            Cli.Result status = Cli.run("status", "--state-dir", state.toString(), "-o", "json");
            assertEquals(0, status.code(), status::toString);
        }
    }

    /**
     * Cron lines usually name the instance after the host ($(hostname), the EC2 instance id), so runs that
     * overlap on one machine share --instance-id. They must still act on each resource once: a claim
     * belongs to one run, not to a name.
     */
    @Test
    void overlappingRunsSharingOneInstanceIdCreateEachResourceOnce() throws Exception {
        Moto.reset();
        Path config = dir.resolve("ovi.yaml");
        Path state = dir.resolve("state");
        Files.writeString(config, ApplyIT.CONFIG.replace("count: 3", "count: 8"));
        // the store and WAL exist before the runs start, so they race on the claims, not on opening
        assertEquals(2, Cli.run("plan", "-c", config.toString(), "--state-dir", state.toString(), "-q",
                "--detailed-exitcode").code());
        List<Process> procs = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            procs.add(Cli.process(List.of(), "apply", "-c", config.toString(), "--state-dir", state.toString(),
                            "--auto-approve", "-q", "--instance-id", "cron-host").redirectErrorStream(true)
                    .redirectOutput(dir.resolve("shared-" + p + ".log").toFile()).start());
        }
        for (int p = 0; p < procs.size(); p++) {
            assertTrue(procs.get(p).waitFor(3, TimeUnit.MINUTES), "process " + p + " finished");
            assertEquals(0, procs.get(p).exitValue(), "process " + p + ":\n"
                    + Files.readString(dir.resolve("shared-" + p + ".log")));
        }
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            for (int n = 0; n < 8; n++) {
                ApplyIT.oneLive(ec2, "web-" + n); // exactly one each: no duplicate
            }
        }
        List<WalEntry> wal = new ArrayList<>();
        try (ChronicleAuditLog log = ChronicleAuditLog.open(state.resolve("wal"))) {
            log.readAll(wal::add);
        }
        Map<String, Integer> executing = new HashMap<>();
        wal.stream().filter(e -> e.type().equals("executing"))
                .forEach(e -> executing.merge(e.action() + " " + e.resource(), 1, Integer::sum));
        assertEquals(10, executing.size(), "8 instances, the DB and the bucket: " + executing);
        assertTrue(executing.values().stream().allMatch(n -> n == 1), "each acted on once: " + executing);
    }

    /** Three cron runs started together; each must end 0. */
    private void round(Path config, Path state, int round) throws Exception {
        List<Process> procs = new ArrayList<>();
        for (int p = 0; p < PROCESSES; p++) {
            procs.add(Cli.process(List.of(), "apply", "-c", config.toString(), "--state-dir", state.toString(),
                            "--auto-approve", "-q", "--debug", "--instance-id", "cron-" + round + "-" + p).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("round" + round + "-" + p + ".log").toFile()).start());
        }
        for (int p = 0; p < PROCESSES; p++) {
            assertTrue(procs.get(p).waitFor(5, TimeUnit.MINUTES), "round " + round + " process " + p + " finished");
            assertEquals(0, procs.get(p).exitValue(),
                    "round " + round + " process " + p + ":\n" + Files.readString(dir.resolve("round" + round + "-" + p + ".log")));
        }
    }
}

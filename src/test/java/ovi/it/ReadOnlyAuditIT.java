package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * An auditor's read-only copy of a state directory (a read-only bind mount, which binds root too): the
 * audit verbs read it as it is.
 */
class ReadOnlyAuditIT {
    @TempDir
    Path dir;
    Path readOnly;

    @AfterEach
    void unmount() throws Exception {
        if (readOnly != null) {
            sh("umount", "-l", readOnly.toString());
        }
    }

    static void sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
    }

    @Test
    void theAuditVerbsReadAReadOnlyCopyOfTheState() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "a bind mount needs root");
        Moto.reset();
        Path config = dir.resolve("ovi.yaml");
        Path state = dir.resolve("state");
        Files.writeString(config, PlanIT.CONFIG);
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            Moto.runInstance(ec2, "t3.micro", Moto.managed("team-web", "web-0"));
        }
        assertEquals(0, Cli.run("plan", "-c", config.toString(), "--state-dir", state.toString(), "-q").code());
        assertEquals(0, Cli.run("plan", "-c", config.toString(), "--state-dir", state.toString(), "-q").code());
        readOnly = Files.createDirectories(dir.resolve("audit"));
        sh("mount", "--bind", state.toString(), readOnly.toString());
        sh("mount", "-o", "remount,ro,bind", readOnly.toString());
        assertTrue(!Files.isWritable(readOnly), "even root cannot write there");
        String ro = readOnly.toString();

        Cli.Result show = Cli.run("wal", "show", "--state-dir", ro, "-o", "json");
        assertEquals(0, show.code(), show::toString);
        assertTrue(show.json().get("entries").size() > 4, show::toString);
        Cli.Result verify = Cli.run("wal", "verify", "--state-dir", ro);
        assertEquals(0, verify.code(), verify::toString);
        assertTrue(verify.out().startsWith("ok:"), verify::toString);
        Cli.Result status = Cli.run("status", "--state-dir", ro, "--check");
        assertEquals(0, status.code(), status::toString);
        Cli.Result history = Cli.run("history", "--state-dir", ro, "web-0");
        assertEquals(0, history.code(), history::toString);
        assertTrue(history.out().contains("first seen"), history::toString);

        Cli.Result prune = Cli.run("wal", "prune", "--state-dir", ro, "--wal-retention", "30d");
        assertEquals(1, prune.code(), "changing it is refused with a clear line: " + prune);
        assertTrue(prune.err().contains("not writable"), prune::toString);
        List<String> lines = prune.err().strip().lines().toList();
        assertEquals(1, lines.size(), prune::toString);
    }
}

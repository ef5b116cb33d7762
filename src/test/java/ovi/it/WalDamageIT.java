package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * A damaged WAL: an entry of garbage, a disk that fills up under an append. ovi says so in one line,
 * acts on nothing, and 'ovi wal repair' sets the damage aside so that work goes on.
 */
class WalDamageIT {
    @TempDir
    Path dir;
    Path config;
    Path state;
    Path wal;
    boolean mounted;

    @BeforeEach
    void setUp() throws Exception {
        Moto.reset();
        config = dir.resolve("ovi.yaml");
        state = dir.resolve("state");
        wal = state.resolve("wal");
        Files.writeString(config, PlanIT.CONFIG);
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            new ProcessBuilder("umount", "-l", wal.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    Cli.Result run(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--state-dir", state.toString()));
        return Cli.run(all.toArray(String[]::new));
    }

    static void assertOneClearLine(Cli.Result r) {
        assertFalse(r.err().contains("Exception") || r.err().contains("Error:") || r.err().contains("\tat "),
                "no class names or stack trace: " + r);
        assertFalse(r.err().contains("IntNode") || r.err().contains("jackson"), r::toString);
    }

    /** Overwrites the first {@code from} in the WAL's cycle file with {@code to} (same length). */
    void corrupt(String from, String to) throws IOException {
        assertEquals(from.length(), to.length());
        try (var files = Files.list(wal)) {
            Path cycle = files.filter(f -> f.toString().endsWith(".cq4")).findFirst().orElseThrow();
            byte[] bytes = Files.readAllBytes(cycle);
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            int at = text.indexOf(from);
            assertTrue(at > 0, "found " + from);
            System.arraycopy(to.getBytes(StandardCharsets.ISO_8859_1), 0, bytes, at, to.length());
            Files.write(cycle, bytes);
        }
    }

    @Test
    void aCorruptEntryIsAClearErrorUntilTheWalIsRepaired() throws Exception {
        assertEquals(0, run("plan", "-c", config.toString(), "-q").code());
        assertEquals(0, run("plan", "-c", config.toString(), "-q").code());
        corrupt("\"type\":\"decided\"", "\"type\":12345678 "); // a number where text belongs

        Cli.Result apply = run("apply", "-c", config.toString(), "--auto-approve", "-q");
        assertEquals(1, apply.code(), apply::toString);
        assertTrue(apply.err().contains("its type is not text but number"), apply::toString);
        assertTrue(apply.err().contains("ovi wal repair"), apply::toString);
        assertOneClearLine(apply);
        Cli.Result status = run("status");
        assertEquals(1, status.code(), status::toString);
        assertOneClearLine(status);
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            assertEquals(0, ec2.describeInstances().reservations().size(), "nothing was done");
        }
        assertEquals(1, run("wal", "verify").code());

        Cli.Result repair = run("wal", "repair");
        assertEquals(0, repair.code(), repair::toString);
        assertTrue(repair.out().contains("repaired:"), repair::toString);
        try (var files = Files.list(wal)) {
            Path q = files.filter(f -> f.getFileName().toString().startsWith("quarantine-")).findFirst().orElseThrow();
            try (var kept = Files.list(q)) {
                assertTrue(kept.anyMatch(f -> f.toString().endsWith(".cq4")), "the damaged file is kept for a look");
            }
        }

        Cli.Result verify = run("wal", "verify");
        assertEquals(0, verify.code(), verify::toString);
        Cli.Result show = run("wal", "show", "--type", "repaired", "-o", "json");
        assertEquals(1, show.json().get("entries").size(), show::toString);
        Cli.Result again = run("apply", "-c", config.toString(), "--auto-approve", "-q");
        assertEquals(0, again.code(), "work goes on: " + again);
        assertEquals(0, run("wal", "verify").code());
        assertEquals(0, run("wal", "repair").code(), "an intact WAL is left as it is");
    }

    /** A real full disk: a small tmpfs mounted over the WAL directory (root only, as in CI). */
    void mountSmallDisk() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
        Files.createDirectories(wal);
        Process m = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", wal.toString())
                .redirectErrorStream(true).start();
        String out = new String(m.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(m.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, m.exitValue(), "mount a tmpfs: " + out);
        mounted = true;
    }

    /** Fills the disk up to the last byte. */
    Path fill() throws IOException {
        Path filler = wal.resolve("filler");
        // in ever smaller blocks: a 64 KiB block that no longer fits left up to 64 KiB free, room enough for
        // a plan's entries, so whether the next append met a full disk was down to chance
        for (int size : new int[] {64 * 1024, 4096, 512, 1}) {
            byte[] block = new byte[size];
            try (OutputStream o = Files.newOutputStream(filler, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND)) {
                while (true) {
                    o.write(block);
                    o.flush();
                }
            } catch (IOException full) {
                // no space left on device for a block of this size: go on with smaller ones
            }
        }
        return filler;
    }

    @Test
    void aFullDiskRefusesTheAppendBeforeAnythingIsDoneAndWorkGoesOnOnceThereIsRoom() throws Exception {
        mountSmallDisk();
        assertEquals(0, run("plan", "-c", config.toString(), "-q").code());
        Path filler = fill();

        Cli.Result apply = run("apply", "-c", config.toString(), "--auto-approve", "-q");
        assertEquals(1, apply.code(), apply::toString);
        assertTrue(apply.err().contains("full"), apply::toString);
        assertOneClearLine(apply);
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            assertEquals(0, ec2.describeInstances().reservations().size(), "nothing done without a record of it");
        }

        Files.delete(filler);
        Cli.Result plan = run("plan", "-c", config.toString(), "-q");
        assertEquals(0, plan.code(), "works again once there is room: " + plan);
        assertEquals(0, run("wal", "verify").code());
    }

    /**
     * The disk fills up in the middle of an append (the free-space check turned off): the memory-mapped
     * write fails, ovi says so in one line, and after 'ovi wal repair' everything works again.
     */
    @Test
    void aDiskFullMidWriteIsOneLineAndRepairable() throws Exception {
        mountSmallDisk();
        assertEquals(0, run("plan", "-c", config.toString(), "-q").code());
        Path filler = fill();

        Process p = Cli.process(List.of("-Dovi.wal.minFreeBytes=-1000000000"), "plan", "-c", config.toString(), "--state-dir",
                state.toString(), "-q").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES));
        // the memory-mapped write met the full disk: one clear line, no InternalError trace
        assertEquals(1, p.exitValue(), out);
        assertTrue(out.contains("an append failed mid-write (the disk is full"), out);
        assertFalse(out.contains("InternalError") || out.contains("\tat "), out);
        assertEquals(1, out.strip().lines().count(), out);

        Files.delete(filler);
        if (run("wal", "verify").code() != 0) {
            Cli.Result repair = run("wal", "repair");
            assertEquals(0, repair.code(), repair::toString);
        }
        Cli.Result plan = run("plan", "-c", config.toString(), "-q");
        assertEquals(0, plan.code(), plan::toString);
        assertEquals(0, run("wal", "verify").code());
        assertEquals(0, run("status", "-o", "json").code());
    }
}

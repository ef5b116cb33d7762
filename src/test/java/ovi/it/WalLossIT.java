package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WAL lost after the fact (a cycle file, the whole directory, a zeroed header): the head each run
 * records in the store shows it, in 'wal verify' and in 'status --check'.
 */
class WalLossIT {
    @TempDir
    Path dir;
    Path config;
    Path state;
    Path wal;

    @BeforeEach
    void setUp() throws Exception {
        Moto.reset();
        config = dir.resolve("ovi.yaml");
        state = dir.resolve("state");
        wal = state.resolve("wal");
        Files.writeString(config, PlanIT.CONFIG);
        for (int i = 0; i < 2; i++) {
            Cli.Result r = Cli.run("plan", "-c", config.toString(), "--state-dir", state.toString(), "-q");
            assertEquals(0, r.code(), r::toString);
        }
        assertEquals(0, verify().code(), "intact to begin with");
    }

    Cli.Result verify() {
        return Cli.run("wal", "verify", "--state-dir", state.toString());
    }

    Cli.Result check() {
        return Cli.run("status", "--state-dir", state.toString(), "--check", "-o", "json");
    }

    List<Path> cycleFiles() throws Exception {
        try (var files = Files.list(wal)) {
            return files.filter(f -> f.toString().endsWith(".cq4")).toList();
        }
    }

    @Test
    void aMissingWalDirectoryIsReported() throws Exception {
        try (var files = Files.walk(wal)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }

        Cli.Result r = verify();

        assertEquals(1, r.code(), r::toString);
        assertTrue(r.out().contains("broken: the log: the WAL directory " + wal + " is missing"), r::toString);
        Cli.Result status = check();
        assertEquals(1, status.code(), status::toString);
        assertTrue(status.out().contains("the WAL has lost entries"), status::toString);
    }

    @Test
    void aMissingCycleFileIsReported() throws Exception {
        for (Path f : cycleFiles()) {
            Files.delete(f);
        }

        Cli.Result r = verify();

        assertEquals(1, r.code(), r::toString);
        assertTrue(r.out().contains("the log is empty, but entries up to seq"), r::toString);
        assertEquals(1, check().code());
    }

    @Test
    void aZeroedHeaderIsReportedAtOnceAndTheFileIsLeftAsItWas() throws Exception {
        Path cycle = cycleFiles().get(0);
        try (FileChannel ch = FileChannel.open(cycle, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(4096), 0);
        }

        Cli.Result r = verify();
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.out().contains(cycle.getFileName() + " has a damaged header"), r::toString);

        Cli.Result plan = Cli.run("plan", "-c", config.toString(), "--state-dir", state.toString(), "-q");
        assertEquals(1, plan.code(), plan::toString);
        assertTrue(plan.err().contains("has a damaged header"), plan::toString);
        assertTrue(Files.exists(cycle), "not renamed away");
        try (var files = Files.list(wal)) {
            assertFalse(files.anyMatch(f -> f.toString().endsWith(".discard")), "nothing discarded");
        }
    }

    @Test
    void aDamagedMetadataFileIsSetAsideAndRebuilt() throws Exception {
        Path meta = wal.resolve("metadata.cq4t");
        try (FileChannel ch = FileChannel.open(meta, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap("garbage, not a table store".repeat(100).getBytes()), 0);
        }

        Cli.Result plan = Cli.run("plan", "-c", config.toString(), "--state-dir", state.toString(), "-q");

        assertEquals(0, plan.code(), plan::toString);
        try (var files = Files.list(wal)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("metadata.cq4t.damaged-")),
                    "the damaged one is kept for a look");
        }
        assertEquals(0, verify().code(), "no entry was lost");
    }
}

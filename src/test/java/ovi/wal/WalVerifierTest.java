package ovi.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import ovi.engine.AuditLog;
import ovi.model.WalEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hash chain check and retention, on real Chronicle queues in a temporary directory. */
class WalVerifierTest {
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofHours(12));

    @TempDir
    Path dir;

    private static List<AuditLog.Draft> drafts(String run, int n, String tag) {
        List<AuditLog.Draft> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(WalFixtures.draft(run, "decided", "web-" + i, "create", tag + " entry " + i, Map.of("kind", "missing")));
        }
        return out;
    }

    private WalVerifier.Report verify() {
        try (ChronicleAuditLog wal = ChronicleAuditLog.open(dir)) {
            return WalVerifier.verify(wal);
        }
    }

    @Test
    void anIntactChainVerifiesWithItsCount() {
        WalFixtures.appendAt(dir, NOW.minus(Duration.ofDays(2)), drafts("r1", 3, "a"));
        WalFixtures.appendAt(dir, NOW, drafts("r2", 2, "b"));
        WalVerifier.Report r = verify();
        assertTrue(r.ok(), () -> String.valueOf(r.problem()));
        assertEquals(5, r.entries());
        assertEquals(1, r.firstSeq());
        assertEquals(5, r.lastSeq());
    }

    @Test
    void anEditedEntryIsAHashMismatchNamingItsSeq() throws Exception {
        WalFixtures.appendAt(dir, NOW, drafts("r1", 2, "plain"));
        WalFixtures.appendAt(dir, NOW, List.of(WalFixtures.draft("r1", "executed", "web-9", "create",
                "tamper-me-please", Map.of())));
        WalFixtures.appendAt(dir, NOW, drafts("r1", 2, "after"));
        Path file = WalFixtures.tamper(dir, "tamper-me-please", "tamper-me-pleasE");

        WalVerifier.Report r = verify();
        assertFalse(r.ok());
        assertEquals(3, r.problem().seq());
        assertTrue(r.problem().what().contains("hash mismatch"), r.problem()::toString);
        assertEquals(file.getFileName(), r.problem().file().getFileName());
        assertEquals(2, r.entries(), "the entries before the break are good");
    }

    @Test
    void aRemovedMiddleCycleIsMissingEntries() throws Exception {
        WalFixtures.appendAt(dir, NOW.minus(Duration.ofDays(3)), drafts("r1", 2, "a"));
        WalFixtures.appendAt(dir, NOW.minus(Duration.ofDays(2)), drafts("r2", 3, "b"));
        WalFixtures.appendAt(dir, NOW.minus(Duration.ofDays(1)), drafts("r3", 2, "c"));
        Path middle;
        try (ChronicleAuditLog wal = ChronicleAuditLog.open(dir)) {
            middle = wal.cycleFile((int) (NOW.minus(Duration.ofDays(2)).toEpochMilli() / 86_400_000L));
        }
        Files.delete(middle);

        WalVerifier.Report r = verify();
        assertFalse(r.ok());
        assertEquals(6, r.problem().seq());
        assertTrue(r.problem().what().contains("entries 3..5 are missing"), r.problem()::toString);
    }

    @Test
    void retentionRemovesWholeOldCyclesAndTheChainStillVerifies() throws Exception {
        WalFixtures.appendAt(dir, NOW.minus(Duration.ofDays(40)), drafts("r1", 2, "a"));
        WalFixtures.appendAt(dir, NOW.minus(Duration.ofDays(35)), drafts("r2", 3, "b"));
        WalFixtures.appendAt(dir, NOW.minus(Duration.ofDays(10)), drafts("r3", 2, "c"));
        WalFixtures.appendAt(dir, NOW, drafts("r4", 1, "d"));
        long before;
        try (var files = Files.list(dir)) {
            before = files.filter(p -> p.toString().endsWith(".cq4")).count();
        }

        Retention.Result res;
        try (ChronicleAuditLog wal = ChronicleAuditLog.open(dir)) {
            res = Retention.apply(wal, Duration.ofDays(30));
        }
        assertEquals(2, res.removedFiles().size());
        assertEquals(5, res.removedEntries());
        assertEquals(5, res.anchor().seq());
        assertEquals(before - 2, cq4Count());

        WalVerifier.Report r = verify();
        assertTrue(r.ok(), () -> String.valueOf(r.problem()));
        assertEquals(3, r.entries());
        assertEquals(6, r.firstSeq());
        assertNotNull(r.anchor());

        // the log stays appendable and chained after the cut
        try (ChronicleAuditLog wal = ChronicleAuditLog.open(dir)) {
            WalEntry e = wal.append(WalFixtures.draft("r5", "observed", "ec2/us-east-1", null, "0 resources", Map.of()));
            assertEquals(9, e.seq());
            Retention.Result again = Retention.apply(wal, Duration.ofDays(30));
            assertTrue(again.removedFiles().isEmpty(), "pruning twice removes nothing more");
        }
        assertTrue(verify().ok());
    }

    @Test
    void afterRetentionARemovedCycleAfterTheAnchorIsStillCaught() throws Exception {
        WalFixtures.appendAt(dir, NOW.minus(Duration.ofDays(40)), drafts("r1", 2, "a"));
        WalFixtures.appendAt(dir, NOW.minus(Duration.ofDays(10)), drafts("r2", 2, "b"));
        WalFixtures.appendAt(dir, NOW, drafts("r3", 2, "c"));
        Path tenDaysAgo;
        try (ChronicleAuditLog wal = ChronicleAuditLog.open(dir)) {
            Retention.apply(wal, Duration.ofDays(30));
            tenDaysAgo = wal.cycleFile((int) (NOW.minus(Duration.ofDays(10)).toEpochMilli() / 86_400_000L));
        }
        Files.delete(tenDaysAgo);
        WalVerifier.Report r = verify();
        assertFalse(r.ok());
        assertTrue(r.problem().what().contains("entries 3..4 are missing after the retention anchor"),
                r.problem()::toString);
    }

    @Test
    void theNewestCycleIsNeverRemovedEvenWhenOlderThanTheRetention() {
        WalFixtures.appendAt(dir, NOW.minus(Duration.ofDays(40)), drafts("r1", 2, "a"));
        WalFixtures.appendAt(dir, NOW.minus(Duration.ofDays(35)), drafts("r2", 2, "b"));
        try (ChronicleAuditLog wal = ChronicleAuditLog.open(dir)) {
            Retention.Result res = Retention.apply(wal, Duration.ofDays(1));
            assertEquals(1, res.removedFiles().size());
            assertEquals(2, res.anchor().seq());
        }
        WalVerifier.Report r = verify();
        assertTrue(r.ok(), () -> String.valueOf(r.problem()));
        assertEquals(2, r.entries());
    }

    private long cq4Count() {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".cq4")).count();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void checkWalksAnIntactChainAgainstTheRecordedHead() {
        WalFixtures.appendAt(dir, NOW, drafts("r1", 3, "a"));
        WalVerifier.Check c = WalVerifier.check(dir, () -> java.util.Optional.of(new WalHeads.Head(5, "h", NOW)),
                () -> ChronicleAuditLog.open(dir));
        assertFalse(c.ok());
        assertEquals(3, c.report().entries());
        assertTrue(c.report().problem().what().contains("entries 4..5 are missing"), c.report().problem()::toString);
        assertTrue(WalVerifier.check(dir, java.util.Optional::empty, () -> ChronicleAuditLog.open(dir)).ok());
    }

    @Test
    void checkReportsACutFileWithoutOpeningTheQueueOrAskingForTheHead() throws Exception {
        WalFixtures.appendAt(dir, NOW, drafts("r1", 3, "a"));
        Path cycle;
        try (var files = Files.list(dir)) {
            cycle = files.filter(f -> f.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        try (var ch = java.nio.channels.FileChannel.open(cycle, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(1000);
        }
        WalVerifier.Check c = WalVerifier.check(dir, () -> {
            throw new AssertionError("the head is not read for a damaged WAL");
        }, () -> {
            throw new AssertionError("a damaged WAL is not opened");
        });
        assertFalse(c.ok());
        assertTrue(c.broken().contains(cycle.getFileName().toString()), c::broken);
        assertEquals("nothing was changed; restore the file from a backup or move the WAL aside", c.remedy());
        assertEquals(1000, Files.size(cycle), "nothing was changed");
    }

    @Test
    void checkOfAGoneWalIsBrokenWhenTheStoreRecordedEntriesAndAFailureWhenThereNeverWasOne() {
        Path gone = dir.resolve("wal");
        WalVerifier.Check c = WalVerifier.check(gone, () -> java.util.Optional.of(new WalHeads.Head(7, "h", NOW)),
                () -> null);
        assertFalse(c.ok());
        assertTrue(c.broken().startsWith("the log: the WAL directory " + gone + " is missing, but entries up to seq 7"),
                c::broken);
        assertEquals("nothing was changed; restore the WAL from a backup", c.remedy());
        ovi.engine.OviException none = org.junit.jupiter.api.Assertions.assertThrows(ovi.engine.OviException.class,
                () -> WalVerifier.check(gone, java.util.Optional::empty, () -> null));
        assertEquals("no WAL in " + gone + " to verify", none.getMessage());
    }
}

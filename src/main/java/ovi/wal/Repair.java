package ovi.wal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import ovi.engine.OviException;
import ovi.model.WalEntry;
import ovi.model.WalRecord;

/**
 * {@code ovi wal repair}: sets the damaged part of a WAL aside and lets the chain go on. Meant to run
 * when no other ovi process does (it checks the append lock is free when it starts). Everything from
 * the first damage on (a cycle file with a damaged header or cut short, an unreadable or altered entry,
 * an entry cut short by a full disk) is moved, whole files, into {@code wal/quarantine-<time>/} and never
 * deleted; the good entries before it are carried into a new queue as they were (seq, prev and hash kept),
 * and a {@code repaired} entry saying what was set aside continues the chain. The store's record of the
 * WAL's head is set to that entry, so {@code wal verify} passes again and the loss stays on the record.
 * Entries lost at the end (a missing tail) are acknowledged the same way, with nothing to move.
 */
public final class Repair {
    /**
     * What a repair did.
     *
     * @param quarantine where the damaged part went (null when nothing was moved)
     * @param moved      the files moved there
     * @param kept       good entries kept
     * @param lastGood   the last good entry's seq (0 when none)
     * @param damage     what was wrong
     * @param entry      the {@code repaired} entry
     */
    public record Result(Path quarantine, List<String> moved, long kept, long lastGood, String damage, WalEntry entry) {
    }

    private Repair() {
    }

    /**
     * Repairs the WAL in {@code dir}, or returns empty when it is intact. Refuses when another process
     * holds the WAL's append lock; other ovi processes must not open the WAL meanwhile.
     */
    public static Optional<Result> repair(Path dir, Optional<WalHeads> heads, String runId) {
        if (!Files.isDirectory(dir)) {
            throw OviException.failure("no WAL in " + dir + " to repair; if it was lost, restore it from a backup");
        }
        Optional<WalHeads.Head> head = heads.flatMap(h -> h.head(ChronicleAuditLog.key(dir)));
        try {
            try (FileChannel lockFile = FileChannel.open(dir.resolve("append.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock free = lockFile.tryLock()) {
                if (free == null) {
                    throw OviException.failure("another ovi process is appending to the WAL in " + dir + "; repair it "
                            + "when no ovi runs");
                }
            }
            return locked(dir, head, heads, runId);
        } catch (IOException e) {
            throw OviException.failure("cannot repair the WAL in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Optional<Result> locked(Path dir, Optional<WalHeads.Head> head, Optional<WalHeads> heads,
                                           String runId) throws IOException {
        Path quarantine = dir.resolve("quarantine-" + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                .withZone(ZoneOffset.UTC).format(Instant.now()));
        List<String> moved = new ArrayList<>();
        String damage = null;
        List<String> damaged = ChronicleAuditLog.damagedFiles(dir);
        if (!damaged.isEmpty()) {
            // a file Chronicle cannot open goes aside with every later one, before the queue is opened
            String first = damaged.get(0).split(" ")[0];
            damage = String.join(", ", damaged);
            for (Path f : cycleFiles(dir)) {
                if (f.getFileName().toString().compareTo(first) >= 0) {
                    moveAside(f, quarantine, moved);
                }
            }
            moveAside(dir.resolve("metadata.cq4t"), quarantine, moved);
        }
        List<WalEntry> good = new ArrayList<>();
        WalVerifier.Report report;
        try (ChronicleAuditLog wal = ChronicleAuditLog.open(dir)) {
            report = WalVerifier.verify(wal, head);
            if (report.ok() && damage == null) {
                return Optional.empty();
            }
            // the chain is good from its start up to the first problem: those entries, in order
            try {
                wal.scan((e, pos) -> {
                    if (good.size() < report.entries()) {
                        good.add(e);
                    }
                });
            } catch (OviException unreadable) {
                // the good entries before it were collected
            }
        }
        boolean cutInside = report.problem() != null && report.problem().seq() > 0
                && !report.problem().what().contains("were written (as the store recorded");
        if (cutInside) {
            // damage inside a file: the files go aside whole, and the good entries are carried over
            damage = (damage == null ? "" : damage + "; ") + report.problem();
            for (Path f : cycleFiles(dir)) {
                moveAside(f, quarantine, moved);
            }
            moveAside(dir.resolve("metadata.cq4t"), quarantine, moved);
        } else if (report.problem() != null) {
            damage = (damage == null ? "" : damage + "; ") + report.problem().what();
        }
        try (ChronicleAuditLog wal = ChronicleAuditLog.open(dir)) {
            if (cutInside) {
                wal.appendVerbatim(good);
            }
            long lastGood = report.lastSeq();
            String message = "repaired the WAL: " + damage + (moved.isEmpty() ? "" : "; moved " + String.join(", ", moved)
                    + " to " + dir.relativize(quarantine)) + "; the chain goes on after seq " + lastGood;
            WalEntry entry = wal.append(runId, new WalRecord.Repaired(message, damage, lastGood,
                    head.map(WalHeads.Head::seq).orElse(null),
                    moved.isEmpty() ? null : dir.relativize(quarantine).toString(), moved));
            wal.sync();
            heads.ifPresent(h -> h.reset(ChronicleAuditLog.key(dir),
                    new WalHeads.Head(entry.seq(), entry.hash(), entry.time())));
            return Optional.of(new Result(moved.isEmpty() ? null : quarantine, moved, good.size(), lastGood, damage, entry));
        }
    }

    private static List<Path> cycleFiles(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".cq4")).sorted().toList();
        }
    }

    private static void moveAside(Path f, Path quarantine, List<String> moved) throws IOException {
        if (!Files.exists(f)) {
            return;
        }
        Files.createDirectories(quarantine);
        Files.move(f, quarantine.resolve(f.getFileName()));
        moved.add(f.getFileName().toString());
    }
}

package ovi.wal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import ovi.engine.OviException;
import ovi.model.WalEntry;

/**
 * Removes whole daily cycles older than the retention period. The cycle holding the newest entry is
 * always kept, so the chain head survives; the last removed entry becomes the {@link Anchor} the first
 * kept entry must follow.
 *
 * <p>Safe while other ovi processes have the queue open: it holds the append lock (no entry is appended
 * meanwhile), writes the anchor before removing anything (a crash in between leaves a log that still
 * verifies), and only unlinks files of past days, which no appender writes to again; a reader that has one
 * mapped keeps its mapping until it moves on. Chronicle's directory listing is refreshed afterwards.
 */
public final class Retention {

    /**
     * What a prune did.
     *
     * @param removedFiles the cycle files removed, oldest first
     * @param removedEntries how many entries they held
     * @param anchor the chain start now in force (null when the log has never been pruned)
     * @param cut entries appended before this instant were eligible
     */
    public record Result(List<Path> removedFiles, long removedEntries, Anchor anchor, Instant cut) {
    }

    private Retention() {
    }

    /**
     * Removes the cycles of {@code wal} that ended before now minus {@code keep}. Call it after a run
     * (plan, apply) or from {@code ovi wal prune}; it is idempotent.
     */
    public static Result apply(ChronicleAuditLog wal, Duration keep) {
        if (keep.isNegative() || keep.isZero()) {
            throw OviException.usage("the WAL retention must be positive, not " + keep);
        }
        Instant now = Instant.ofEpochMilli(wal.time().currentTimeMillis());
        Instant cut = now.minus(keep);
        return wal.underAppendLock(() -> prune(wal, cut));
    }

    private static Result prune(ChronicleAuditLog wal, Instant cut) {
        long cycleMillis = wal.queue().rollCycle().lengthInMillis();
        // a cycle lies wholly before the cut when it ends at or before it
        int cutCycle = (int) Math.floorDiv(cut.toEpochMilli(), cycleMillis);
        Anchor previous = Anchor.read(wal.dir()).orElse(null);
        long last = wal.lastIndex();
        if (last < 0) {
            return new Result(List.of(), 0, previous, cut);
        }
        int lastCycle = wal.position(last).cycle();
        int removeBelow = Math.min(cutCycle, lastCycle);

        TreeMap<Integer, Path> files = new TreeMap<>();
        long[] entries = {0};
        WalEntry[] lastRemoved = {null};
        wal.scan((e, pos) -> {
            if (pos.cycle() < removeBelow) {
                files.put(pos.cycle(), pos.file());
                entries[0]++;
                lastRemoved[0] = e;
            }
        });
        if (lastRemoved[0] == null) {
            return new Result(List.of(), 0, previous, cut);
        }
        WalEntry tail = lastRemoved[0];
        long removedBefore = previous == null ? 0 : previous.removed();
        Anchor anchor = new Anchor(tail.seq(), tail.hash(), tail.time(), removedBefore + entries[0]);
        anchor.write(wal.dir());

        List<Path> removed = new ArrayList<>();
        for (Path f : files.values()) {
            try {
                if (Files.deleteIfExists(f)) {
                    removed.add(f);
                }
            } catch (IOException e) {
                throw OviException.failure("cannot remove the old WAL cycle " + f + ": " + e.getMessage()
                        + "; the anchor is written, so the log still verifies; run the prune again", e);
            }
        }
        wal.queue().refreshDirectoryListing();
        return new Result(removed, entries[0], anchor, cut);
    }
}

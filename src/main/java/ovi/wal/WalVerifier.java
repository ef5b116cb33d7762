package ovi.wal;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import ovi.engine.OviException;
import ovi.model.WalEntry;

/**
 * Walks the whole log and checks the hash chain: each entry's hash matches its content, each entry
 * follows the one before (seq + 1, {@code prev} = its hash), and the first entry is the true start (seq 1)
 * or follows the retention {@link Anchor}. Reads only; never changes a file.
 */
public final class WalVerifier {

    /**
     * The outcome. {@code problem} is null when the chain is intact.
     *
     * @param entries  entries read and checked
     * @param firstSeq the first entry's seq (0 when empty)
     * @param lastSeq  the last good entry's seq (0 when empty)
     * @param anchor   the retention anchor the chain starts from, if any
     * @param problem  the first broken or missing link, if any
     */
    public record Report(long entries, long firstSeq, long lastSeq, Anchor anchor, Problem problem) {
        public boolean ok() {
            return problem == null;
        }
    }

    /** The first break: the entry where it shows (seq may be 0 when no seq could be read) and its file. */
    public record Problem(long seq, Path file, String what) {
        @Override
        public String toString() {
            return (seq > 0 ? "entry seq " + seq : "the log") + (file != null ? " (" + file.getFileName() + ")" : "")
                    + ": " + what;
        }
    }

    private WalVerifier() {
    }

    public static Report verify(ChronicleAuditLog wal) {
        return verify(wal, Optional.empty());
    }

    /**
     * Verifies the chain and, with the head the store recorded for this WAL, that nothing after it went
     * missing: a log that ends before the recorded head, or whose entry at the head is another, is broken.
     */
    public static Report verify(ChronicleAuditLog wal, Optional<WalHeads.Head> head) {
        Anchor anchor = Anchor.read(wal.dir()).orElse(null);
        State s = new State(anchor);
        s.head = head.orElse(null);
        try {
            wal.scan((e, pos) -> {
                if (s.problem == null) {
                    s.check(e, pos);
                }
            });
        } catch (OviException e) {
            if (s.problem == null) {
                s.problem = new Problem(s.lastSeq + 1, null, "unreadable (" + e.getMessage() + ")");
            }
        }
        if (s.problem == null && s.count > 0 && wal.lastIndex() > s.lastIndex) {
            // Chronicle stops at a header it cannot make sense of as if the log ended there
            s.problem = new Problem(s.lastSeq + 1, wal.position(s.lastIndex).file(),
                    "the entries after seq " + s.lastSeq + " cannot be read (damaged bytes in the file)");
        }
        if (s.problem == null && anchor != null && s.count > 0 && s.lastSeq <= anchor.seq()) {
            s.problem = new Problem(s.lastSeq, null, "the log ends at seq " + s.lastSeq + " but the retention anchor "
                    + "says entries up to seq " + anchor.seq() + " existed");
        }
        if (s.problem == null && s.head != null && s.lastSeq < s.head.seq()) {
            s.problem = new Problem(s.lastSeq + 1, null, (s.count == 0 ? "the log is empty" : "the log ends at seq "
                    + s.lastSeq) + ", but entries up to seq " + s.head.seq() + " were written (as the store recorded at "
                    + s.head.time() + "): entries " + (s.lastSeq + 1) + ".." + s.head.seq() + " are missing");
        }
        return new Report(s.count, s.firstSeq, s.lastSeq, anchor, s.problem);
    }

    /**
     * What {@code ovi wal verify} finds: the chain walked ({@code report}), or a break found before the log
     * could be read ({@code report} null; {@code broken} says what, {@code remedy} what to do).
     */
    public record Check(Report report, String broken, String remedy) {
        public boolean ok() {
            return report != null && report.ok();
        }
    }

    /**
     * Checks the WAL in {@code dir} without changing anything: damaged cycle files first (the queue is not
     * even opened then, so that Chronicle cannot grow a cut file back), then a WAL that is gone though the
     * store recorded entries, then the chain against the recorded head. A WAL that never existed is a
     * failure: there is nothing to verify.
     *
     * @param head the head the store recorded, read only once the files were found undamaged
     * @param open opens the WAL to read; null when there is none
     */
    public static Check check(Path dir, java.util.function.Supplier<Optional<WalHeads.Head>> head,
                              java.util.function.Supplier<ChronicleAuditLog> open) {
        List<String> damaged = ChronicleAuditLog.damagedFiles(dir);
        if (!damaged.isEmpty()) {
            return new Check(null, String.join(", ", damaged),
                    "nothing was changed; restore the file from a backup or move the WAL aside");
        }
        Optional<WalHeads.Head> recorded = head.get();
        ChronicleAuditLog wal = open.get();
        if (wal == null) {
            Optional<Problem> gone = missing(dir, recorded);
            if (gone.isPresent()) {
                return new Check(null, gone.get().toString(), "nothing was changed; restore the WAL from a backup");
            }
            throw OviException.failure("no WAL in " + dir + " to verify");
        }
        try (wal) {
            return new Check(verify(wal, recorded), null, null);
        }
    }

    /** A WAL directory that is gone: broken when the store recorded entries written to it. */
    public static Optional<Problem> missing(Path dir, Optional<WalHeads.Head> head) {
        return head.map(h -> new Problem(0, null, "the WAL directory " + dir + " is missing, but entries up to seq "
                + h.seq() + " were written to it (as the store recorded at " + h.time() + ")"));
    }

    private static final class State {
        final Anchor anchor;
        WalHeads.Head head;
        long count;
        long firstSeq;
        long lastSeq;
        long lastIndex = -1;
        String lastHash;
        Problem problem;

        State(Anchor anchor) {
            this.anchor = anchor;
        }

        void check(WalEntry e, ChronicleAuditLog.Position pos) {
            Path file = pos.file();
            String expected = WalCodec.hashOf(e);
            if (!expected.equals(e.hash())) {
                problem = new Problem(e.seq(), file, "hash mismatch: the entry was altered after it was written");
                return;
            }
            if (count == 0) {
                firstSeq = e.seq();
                problem = start(e, file);
            } else if (e.seq() != lastSeq + 1) {
                problem = new Problem(e.seq(), file, e.seq() > lastSeq + 1
                        ? "entries " + (lastSeq + 1) + (e.seq() - 1 > lastSeq + 1 ? ".." + (e.seq() - 1) : "")
                        + " are missing (seq jumps from " + lastSeq + " to " + e.seq() + ")"
                        : "out of order (follows seq " + lastSeq + ")");
            } else if (!lastHash.equals(e.prev())) {
                problem = new Problem(e.seq(), file, "prev does not match the hash of seq " + lastSeq
                        + ": an entry before it was replaced or removed");
            } else if (anchor != null && e.seq() == anchor.seq() && !anchor.hash().equals(e.hash())) {
                problem = new Problem(e.seq(), file, "does not match the retention anchor");
            }
            if (problem == null && head != null && e.seq() == head.seq() && !head.hash().equals(e.hash())) {
                problem = new Problem(e.seq(), file, "is not the entry that was written at this seq (its hash differs "
                        + "from the head the store recorded at " + head.time() + ")");
            }
            if (problem == null) {
                count++;
                lastSeq = e.seq();
                lastHash = e.hash();
                lastIndex = pos.index();
            }
        }

        private Problem start(WalEntry e, Path file) {
            if (e.seq() == 1 && "".equals(e.prev())) {
                return null;
            }
            if (anchor == null) {
                return new Problem(e.seq(), file, "the log starts at seq " + e.seq() + " with no retention anchor: "
                        + "entries 1.." + (e.seq() - 1) + " are missing");
            }
            if (e.seq() == anchor.seq() + 1) {
                return anchor.hash().equals(e.prev()) ? null
                        : new Problem(e.seq(), file, "prev does not match the retention anchor (seq " + anchor.seq() + ")");
            }
            if (e.seq() <= anchor.seq()) {
                // a prune that stopped between writing the anchor and removing files: the entry at the
                // anchor must still carry the anchored hash, which check() tests when it gets there
                return null;
            }
            return new Problem(e.seq(), file, "entries " + (anchor.seq() + 1) + ".." + (e.seq() - 1)
                    + " are missing after the retention anchor (seq " + anchor.seq() + ")");
        }
    }

    /** The retention anchor of a log, if retention ever removed anything. */
    public static Optional<Anchor> anchor(ChronicleAuditLog wal) {
        return Anchor.read(wal.dir());
    }
}

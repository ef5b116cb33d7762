package ovi.wal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ovi.model.WalEntry;
import ovi.model.WalRecord;
import ovi.model.WalRecord.Kind;
import ovi.model.WalRecords;

/**
 * Finds the actions in doubt: an {@code executing} entry with no {@code executed} or {@code failed} after
 * it for the same run and resource. Such an action may or may not have reached AWS (the process died
 * between the two), so the resource must be looked at again before anything else is done to it.
 *
 * <p>A later run that looks and settles the question appends {@code executed} or {@code failed} carrying
 * {@code data.resolvesSeq}, the sequence number of the {@code executing} entry it settles.
 */
public final class InDoubt {
    private final Map<String, WalEntry> open = new LinkedHashMap<>();
    private final Set<Long> resolved = new HashSet<>();

    /** Feeds entries in log order. */
    public void accept(WalEntry e) {
        // by the type alone: an executing entry whose data cannot be read is still an action in doubt
        if (Kind.EXECUTING.is(e)) {
            open.put(e.runId() + "\u0000" + e.resource(), e);
        } else if (Kind.EXECUTED.is(e) || Kind.FAILED.is(e)) {
            open.remove(e.runId() + "\u0000" + e.resource());
            WalRecord r = WalRecords.decode(e);
            Long seq = r instanceof WalRecord.Executed x ? x.resolvesSeq()
                    : r instanceof WalRecord.Failed f ? f.resolvesSeq() : null;
            if (seq != null) {
                resolved.add(seq);
            }
        }
        // other entries say nothing about whether an action finished
    }

    /** The {@code executing} entries still unsettled, oldest first. */
    public List<WalEntry> entries() {
        List<WalEntry> out = new ArrayList<>();
        for (WalEntry e : open.values()) {
            if (!resolved.contains(e.seq())) {
                out.add(e);
            }
        }
        return out;
    }

    /** The unsettled actions of a whole log. */
    public static List<WalEntry> in(ChronicleAuditLog wal) {
        InDoubt d = new InDoubt();
        wal.readAll(d::accept);
        return d.entries();
    }
}

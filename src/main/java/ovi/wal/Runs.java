package ovi.wal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import ovi.model.WalEntry;
import ovi.model.WalRecord;
import ovi.model.WalRecord.Kind;
import ovi.model.WalRecords;

/**
 * Runs as the WAL tells them: a run is every entry with one run id. A run failed when it has a
 * {@code failed} or {@code refused} entry or an {@code observed} entry with an {@code error}; else it is ok.
 */
public final class Runs {
    public static final String OK = "ok";
    public static final String FAILED = "failed";

    /**
     * One run.
     *
     * @param counts  entries per type
     * @param actions per entry type, entries per action (e.g. decided -> create -> 2)
     * @param errors  the messages of its failures, in order
     */
    public record Run(String runId, Instant start, Instant end, long entries, Map<String, Long> counts,
                      Map<String, Map<String, Long>> actions, List<String> errors) {
        public String outcome() {
            return errors.isEmpty() ? OK : FAILED;
        }

        public Duration duration() {
            return Duration.between(start, end);
        }
    }

    private final Map<String, Builder> runs = new LinkedHashMap<>();

    /** Feeds entries in log order. */
    public void accept(WalEntry e) {
        String id = e.runId() == null ? "(none)" : e.runId();
        Builder b = runs.computeIfAbsent(id, k -> new Builder(k, e.time()));
        WalRecord r = WalRecords.decode(e);
        b.add(e, r);
        // a crash recovery that finds an action did not take effect is a failure of the crashed run, not
        // of the run that found out
        if (r instanceof WalRecord.Failed f && f.inDoubtRunId() != null && f.resolvesSeq() != null) {
            Builder crashed = runs.get(f.inDoubtRunId());
            if (crashed != null && crashed != b) {
                b.errors.remove(b.errors.size() - 1);
                crashed.errors.add(e.resource() + ": " + e.message());
            }
        }
    }

    /** Every run, in the order each began. */
    public List<Run> list() {
        List<Run> out = new ArrayList<>(runs.size());
        for (Builder b : runs.values()) {
            out.add(b.build());
        }
        out.sort(java.util.Comparator.comparing(Run::start));
        return out;
    }

    private static final class Builder {
        final String runId;
        Instant start;
        Instant end;
        long entries;
        final Map<String, Long> counts = new TreeMap<>();
        final Map<String, Map<String, Long>> actions = new TreeMap<>();
        final List<String> errors = new ArrayList<>();

        Builder(String runId, Instant start) {
            this.runId = runId;
            this.start = start;
            this.end = start;
        }

        void add(WalEntry e, WalRecord r) {
            entries++;
            if (e.time().isAfter(end)) {
                end = e.time();
            }
            counts.merge(e.type(), 1L, Long::sum);
            if (e.action() != null) {
                actions.computeIfAbsent(e.type(), k -> new TreeMap<>()).merge(e.action(), 1L, Long::sum);
            }
            if (Kind.FAILED.is(e) || Kind.REFUSED.is(e)) {
                errors.add(e.resource() + ": " + e.message());
            } else if (r instanceof WalRecord.Observed o && o.error() != null) {
                errors.add(e.resource() + ": not observed: " + o.error());
            }
            if (r instanceof WalRecord.Observed o) {
                o.began().filter(t -> t.isBefore(start))
                        .ifPresent(t -> start = t); // the run began before its first entry: opening, observing, recording
            }
        }

        Run build() {
            return new Run(runId, start, end, entries, java.util.Collections.unmodifiableMap(counts),
                    java.util.Collections.unmodifiableMap(actions), List.copyOf(errors));
        }
    }
}

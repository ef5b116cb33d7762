package ovi.wal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import ovi.model.Claim;
import ovi.model.WalEntry;

/**
 * {@code ovi status}'s question: how is ovi doing? The last run and the last successful one, how many
 * runs in a row failed, the live claims, the actions in doubt, and, for {@code --check}, every reason
 * not to call it healthy.
 */
public final class Health {

    /**
     * What the WAL and the claims tell.
     *
     * @param lastRun             the run that began last; null when none is recorded
     * @param lastSuccess         the last run that did not fail; null when none did
     * @param consecutiveFailures failed runs since the last success (all of them when none succeeded)
     * @param runs                runs recorded
     * @param claims              live claims
     * @param inDoubt             executing entries with no outcome, oldest first
     * @param problems            why it is not healthy, in words; empty when healthy
     */
    public record Report(Runs.Run lastRun, Runs.Run lastSuccess, int consecutiveFailures, long runs,
                         List<Claim> claims, List<WalEntry> inDoubt, List<String> problems) {
        public Report {
            claims = List.copyOf(claims);
            inDoubt = List.copyOf(inDoubt);
            problems = List.copyOf(problems);
        }

        public boolean healthy() {
            return problems.isEmpty();
        }
    }

    private final Runs runs = new Runs();
    private final InDoubt inDoubt = new InDoubt();
    private long lastSeq;

    /** Feeds entries in log order. */
    public void accept(WalEntry e) {
        runs.accept(e);
        inDoubt.accept(e);
        lastSeq = Math.max(lastSeq, e.seq());
    }

    /**
     * How ovi is doing at {@code now}, from the entries fed so far.
     *
     * @param head   the WAL's head as the store recorded it, if it did: entries past the WAL's end were lost
     * @param claims the live claims
     * @param maxAge how recent the last success must be
     */
    public Report report(Optional<WalHeads.Head> head, List<Claim> claims, Instant now, Duration maxAge) {
        List<Runs.Run> all = runs.list();
        Runs.Run last = all.isEmpty() ? null : all.get(all.size() - 1);
        Runs.Run lastSuccess = null;
        int failures = 0;
        boolean streak = true;
        for (int i = all.size() - 1; i >= 0; i--) {
            Runs.Run r = all.get(i);
            if (Runs.OK.equals(r.outcome())) {
                lastSuccess = lastSuccess == null ? r : lastSuccess;
                streak = false;
            } else if (streak) {
                failures++;
            }
        }
        List<WalEntry> doubt = inDoubt.entries();
        List<String> problems = new ArrayList<>();
        if (lastSuccess == null) {
            problems.add("no successful run recorded");
        } else if (lastSuccess.end().isBefore(now.minus(maxAge))) {
            problems.add("the last successful run ended at " + lastSuccess.end() + ", more than " + human(maxAge) + " ago");
        }
        if (failures > 0) {
            problems.add(failures + " consecutive failed run" + (failures == 1 ? "" : "s"));
        }
        if (!doubt.isEmpty()) {
            problems.add(doubt.size() + " action" + (doubt.size() == 1 ? "" : "s") + " in doubt");
        }
        if (head.isPresent() && lastSeq < head.get().seq()) {
            problems.add("the WAL has lost entries: it ends at seq " + lastSeq + " but entries up to seq "
                    + head.get().seq() + " were written; see 'ovi wal verify'");
        }
        return new Report(last, lastSuccess, failures, all.size(), claims, doubt, problems);
    }

    /** A duration for people: 4.2s, 41s, 5m 3s, 2h 5m, 3d 4h. */
    public static String human(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 60) {
            return d.toMillis() < 10_000 && d.toMillis() % 1000 != 0 ? String.format("%.1fs", d.toMillis() / 1000.0) : s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + (s % 60 > 0 ? " " + (s % 60) + "s" : "");
        }
        if (s < 86400) {
            return (s / 3600) + "h" + ((s % 3600) / 60 > 0 ? " " + ((s % 3600) / 60) + "m" : "");
        }
        return (s / 86400) + "d" + ((s % 86400) / 3600 > 0 ? " " + ((s % 86400) / 3600) + "h" : "");
    }
}

package ovi.wal;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import ovi.engine.OviException;
import ovi.model.WalEntry;
import ovi.model.WalRecord.Kind;
import ovi.model.WalRecords;

/**
 * {@code ovi wal show}'s question: which entries are of a time span, a run, a resource and some types, and
 * the newest N of them.
 *
 * @param since    only entries at or after it; null for no bound
 * @param until    only entries before it; null for no bound
 * @param run      only entries of this run; null for any
 * @param resource only entries about it: their resource, or the cloud id their data names; null for any
 * @param types    only entries of these types; empty for any
 * @param limit    at most the newest this many matches; null for all
 */
public record WalQuery(Instant since, Instant until, String run, String resource, Set<String> types, Integer limit) {
    /** Every type {@code --type} accepts: every kind ovi writes. */
    public static final Set<String> TYPES = Arrays.stream(Kind.values()).map(Kind::key)
            .collect(Collectors.toUnmodifiableSet());

    /** A query; a negative limit or an empty time span is a usage error. */
    public WalQuery {
        types = Set.copyOf(types);
        if (limit != null && limit < 0) {
            throw OviException.usage("--limit must be 0 or more, not " + limit);
        }
        if (since != null && until != null && !since.isBefore(until)) {
            throw OviException.usage("--since " + since + " is not before --until " + until);
        }
    }

    /**
     * The types named (any case, blanks around them ignored), or an {@link IllegalArgumentException} naming
     * the first that is not a type.
     */
    public static Set<String> types(List<String> names) {
        Set<String> wanted = new LinkedHashSet<>();
        for (String t : names == null ? List.<String>of() : names) {
            String k = t.trim().toLowerCase(Locale.ROOT);
            if (!TYPES.contains(k)) {
                throw new IllegalArgumentException("unknown --type '" + t + "': expected "
                        + String.join(", ", Arrays.stream(Kind.values()).map(Kind::key).toList()));
            }
            wanted.add(k);
        }
        return wanted;
    }

    public boolean matches(WalEntry e) {
        if (since != null && e.time().isBefore(since)) {
            return false;
        }
        if (until != null && !e.time().isBefore(until)) {
            return false;
        }
        if (run != null && !run.equals(e.runId())) {
            return false;
        }
        if (resource != null && !resource.equals(e.resource()) && !resource.equals(e.data().get(WalRecords.CLOUD_ID))) {
            return false;
        }
        return types.isEmpty() || types.contains(e.type());
    }

    /** The matching entries, oldest first: the newest {@code limit} of them when there is a limit. */
    public List<WalEntry> select(Iterable<WalEntry> entries) {
        Deque<WalEntry> shown = new ArrayDeque<>();
        for (WalEntry e : entries) {
            if (matches(e)) {
                shown.addLast(e);
                if (limit != null && shown.size() > limit) {
                    shown.removeFirst();
                }
            }
        }
        return List.copyOf(shown);
    }
}

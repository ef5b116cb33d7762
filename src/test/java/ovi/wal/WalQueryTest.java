package ovi.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ovi.engine.ExitCode;
import ovi.engine.OviException;
import ovi.model.WalEntry;
import org.junit.jupiter.api.Test;

class WalQueryTest {
    private static final Instant T = Instant.parse("2026-11-21T03:10:00Z");
    private static final List<WalEntry> LOG = List.of(
            entry(1, T, "r1", "observed", "ec2/us-east-1", Map.of()),
            entry(2, T.plusSeconds(1), "r1", "decided", "web-0", Map.of("cloudId", "i-0abc")),
            entry(3, T.plusSeconds(2), "r1", "executing", "web-0", Map.of("cloudId", "i-0abc")),
            entry(4, T.plusSeconds(3), "r1", "executed", "web-0", Map.of()),
            entry(5, T.plusSeconds(60), "r2", "decided", "web-1", Map.of()));

    private static WalEntry entry(long seq, Instant time, String run, String type, String resource,
                                  Map<String, Object> data) {
        return new WalEntry(seq, time, run, type, resource, null, "", data, "", "");
    }

    private static List<Long> seqs(WalQuery q) {
        return q.select(LOG).stream().map(WalEntry::seq).toList();
    }

    @Test
    void filtersCombineAndTheSpanIncludesItsStartButNotItsEnd() {
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), seqs(new WalQuery(null, null, null, null, Set.of(), null)));
        assertEquals(List.of(2L, 3L, 4L), seqs(new WalQuery(T.plusSeconds(1), T.plusSeconds(60), null, null, Set.of(),
                null)));
        assertEquals(List.of(5L), seqs(new WalQuery(null, null, "r2", null, Set.of(), null)));
        assertEquals(List.of(2L, 5L), seqs(new WalQuery(null, null, null, null, Set.of("decided"), null)));
        assertEquals(List.of(2L), seqs(new WalQuery(null, null, "r1", "web-0", Set.of("decided"), null)));
    }

    @Test
    void aResourceMatchesByOviIdOrByTheCloudIdTheDataNames() {
        assertEquals(List.of(2L, 3L, 4L), seqs(new WalQuery(null, null, null, "web-0", Set.of(), null)));
        assertEquals(List.of(2L, 3L), seqs(new WalQuery(null, null, null, "i-0abc", Set.of(), null)));
        assertEquals(List.of(1L), seqs(new WalQuery(null, null, null, "ec2/us-east-1", Set.of(), null)));
    }

    @Test
    void aLimitKeepsTheNewestMatchesInLogOrder() {
        assertEquals(List.of(4L, 5L), seqs(new WalQuery(null, null, null, null, Set.of(), 2)));
        assertEquals(List.of(), seqs(new WalQuery(null, null, null, null, Set.of(), 0)));
    }

    @Test
    void typesAreEveryKindOviWritesInAnyCase() {
        assertEquals(Set.of("executing", "failed", "repaired"), WalQuery.types(List.of(" Executing", "FAILED", "repaired")));
        assertEquals(Set.of(), WalQuery.types(null));
        assertEquals(12, WalQuery.TYPES.size());
        assertEquals("unknown --type 'done': expected observed, decided, claimed, executing, executed, failed, skipped, "
                + "released, refused, repaired, notified, notify-failed", assertThrows(IllegalArgumentException.class,
                () -> WalQuery.types(List.of("executed", "done"))).getMessage());
    }

    @Test
    void aNegativeLimitOrAnEmptySpanIsAUsageError() {
        OviException limit = assertThrows(OviException.class, () -> new WalQuery(null, null, null, null, Set.of(), -1));
        assertEquals("--limit must be 0 or more, not -1", limit.getMessage());
        assertEquals(ExitCode.USAGE, limit.exitCode());
        OviException span = assertThrows(OviException.class, () -> new WalQuery(T, T, null, null, Set.of(), null));
        assertEquals("--since " + T + " is not before --until " + T, span.getMessage());
    }
}

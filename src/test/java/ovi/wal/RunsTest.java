package ovi.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import ovi.model.WalRecords;
import ovi.model.WalEntry;
import org.junit.jupiter.api.Test;

class RunsTest {
    private static final Instant T = Instant.parse("2026-11-21T03:10:00Z");
    private long seq;

    private WalEntry entry(Instant time, String run, String type, Map<String, Object> data) {
        seq++;
        return new WalEntry(seq, time, run, type, "ec2/us-east-1", null, "", data, "p" + seq, "h" + seq);
    }

    @Test
    void aRunBeginsWhenItsObservedEntriesSayItBeganNotAtItsFirstEntry() {
        Runs runs = new Runs();
        runs.accept(entry(T, "r1", "observed", Map.of("revision", 1, WalRecords.STARTED_AT, T.minusMillis(2500).toString())));
        runs.accept(entry(T.plusMillis(100), "r1", "decided", Map.of()));
        Runs.Run r = runs.list().get(0);
        assertEquals(T.minusMillis(2500), r.start());
        assertEquals(Duration.ofMillis(2600), r.duration());
    }

    @Test
    void withoutAReadableStartTheFirstEntryStands() {
        Runs runs = new Runs();
        runs.accept(entry(T, "r1", "observed", Map.of(WalRecords.STARTED_AT, "yesterday")));
        runs.accept(entry(T.plusMillis(40), "r1", "claimed", Map.of()));
        runs.accept(entry(T.plusSeconds(5), "r2", "observed", Map.of()));
        assertEquals(Duration.ofMillis(40), runs.list().get(0).duration());
        assertEquals(T, runs.list().get(0).start());
        assertEquals(Duration.ZERO, runs.list().get(1).duration());
    }
}

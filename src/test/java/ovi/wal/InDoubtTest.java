package ovi.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import ovi.model.WalEntry;
import ovi.model.WalRecords;
import org.junit.jupiter.api.Test;

class InDoubtTest {
    private long seq;

    private WalEntry e(String run, String type, String resource, Map<String, Object> data) {
        return new WalEntry(++seq, Instant.EPOCH, run, type, resource, "create", "", data, "", "");
    }

    @Test
    void anExecutingEntryWithoutAnOutcomeIsInDoubtUntilALaterRunResolvesIt() {
        InDoubt d = new InDoubt();
        d.accept(e("r1", "executing", "web-0", Map.of()));
        d.accept(e("r1", "executed", "web-0", Map.of()));
        WalEntry open = e("r1", "executing", "web-1", Map.of());
        d.accept(open);
        d.accept(e("r1", "executing", "web-2", Map.of()));
        d.accept(e("r1", "failed", "web-2", Map.of()));
        d.accept(e("r2", "executed", "web-1", Map.of()));
        assertEquals(List.of(open), d.entries(), "an outcome of another run does not settle r1's action by itself");

        d.accept(e("r2", "executed", "web-1", Map.of(WalRecords.RESOLVES_SEQ, open.seq())));
        assertEquals(List.of(), d.entries());
    }

    @Test
    void anExecutingEntryWhoseDataCannotBeReadIsStillInDoubt() {
        InDoubt d = new InDoubt();
        WalEntry damaged = e("r1", "executing", "web-0", Map.of("fence", "one"));
        d.accept(damaged);
        assertEquals(List.of(damaged), d.entries());
        d.accept(e("r2", "failed", "web-0", Map.of(WalRecords.RESOLVES_SEQ, "not a number")));
        assertEquals(List.of(damaged), d.entries(), "an outcome whose resolvesSeq cannot be read settles nothing");
    }
}

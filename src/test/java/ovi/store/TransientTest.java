package ovi.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TransientTest {
    static final SQLException BROKEN = new SQLException("Connection is broken: \"session closed\"", "90067", 90067);
    static final SQLException LOCKED = new SQLException("Error opening database: \"Lock file recently modified\"", "HY000", 8000);
    static final SQLException SYNTAX = new SQLException("Syntax error in SQL statement", "42000", 42000);

    @Test
    void aPassingTroubleIsRetriedAndTheFailedAttemptUndone() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger undone = new AtomicInteger();
        int result = Transient.retry(5, () -> {
            int n = calls.incrementAndGet();
            if (n == 1) {
                throw BROKEN;
            }
            if (n == 2) {
                throw LOCKED;
            }
            return n;
        }, undone::incrementAndGet);
        assertEquals(3, result);
        assertEquals(2, undone.get());
    }

    @Test
    void anyOtherErrorIsThrownAtOnce() {
        AtomicInteger calls = new AtomicInteger();
        assertThrows(SQLException.class, () -> Transient.retry(5, () -> {
            calls.incrementAndGet();
            throw SYNTAX;
        }, () -> { }));
        assertEquals(1, calls.get());
    }

    @Test
    void aTroubleThatDoesNotPassIsThrownAfterTheLastAttempt() {
        AtomicInteger calls = new AtomicInteger();
        SQLException e = assertThrows(SQLException.class, () -> Transient.retry(3, () -> {
            calls.incrementAndGet();
            throw BROKEN;
        }, () -> { }));
        assertEquals(3, calls.get());
        assertEquals(BROKEN, e);
    }

    @Test
    void theHostingProcessClosingTheDatabaseIsAPassingTrouble() {
        // met by an overlapping run releasing a claim while the run hosting the embedded store exited
        assertEquals(true, Transient.error(new SQLException("The database has been closed [90098-232]", "90098", 90098)));
    }

    @Test
    void aTransactionRolledBackByAConcurrentUpdateIsMadeAgain() {
        // overlapping runs raise the one row of the WAL's head, or take one claim, at the same moment
        assertEquals(true, Transient.error(new SQLException("Deadlock detected. The current transaction was rolled back",
                "40001", 40001)));
        assertEquals(true, Transient.error(new SQLException("Concurrent update in table \"WAL_HEADS\"", "90131", 90131)));
        assertEquals(true, Transient.error(new SQLException("Transaction 42 is ROLLED_BACK", "HY000", 50000)));
        assertEquals(false, Transient.error(SYNTAX));
    }
}

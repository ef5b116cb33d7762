package ovi.store;

import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The store's passing troubles, and retrying through them. Overlapping ovi processes share the embedded
 * store through the first one's auto-server: while one process opens the file, or after the hosting
 * process exits (its peers' open transactions are rolled back and their connections re-made), a call
 * fails in a way that succeeds a moment later (the hosting process closing the database under a peer's
 * connection answers "The database has been closed", 90098, as well as "Database is already closed").
 */
final class Transient {
    /** One call to the database. */
    interface SqlCall<T> {
        T call() throws SQLException;
    }

    /**
     * Attempts for one call: with the pauses below, about 15 seconds in all, long enough for the process
     * hosting the embedded store to finish exiting and for a peer to take the file over.
     */
    static final int ATTEMPTS = 12;

    private Transient() {
    }

    /**
     * H2's answers while another process opens, takes over or gives up the same file; and a transaction
     * rolled back because another one changed the same row at once (SQL state 40001, H2's concurrent
     * update 90131), which overlapping runs meet on the rows they share (the WAL's head, a claim): nothing
     * of it was committed, so the whole call is made again.
     */
    static boolean error(SQLException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("Lock file recently modified") || m.contains("Database may be already in use")
                || m.contains("Connection is broken") || m.contains("Database is already closed")
                || m.contains("The database has been closed") || e.getErrorCode() == 90098 || e.getErrorCode() == 90121
                || m.contains("ROLLED_BACK") || m.toLowerCase(java.util.Locale.ROOT).contains("has been rolled back")
                || e.getErrorCode() == 90020 || e.getErrorCode() == 90067 || e.getErrorCode() == 90131
                || String.valueOf(e.getSQLState()).startsWith("08") || "40001".equals(e.getSQLState());
    }

    /**
     * Runs {@code call}, again after a short jittered pause when it fails with a passing trouble, up to
     * {@code attempts} times; {@code beforeRetry} undoes what a failed attempt left (a rollback).
     */
    /**
     * {@link #retry} over a link with the usual attempts; what still fails is one error saying {@code what}
     * could not be done.
     */
    static <T> T orFail(String what, Link link, SqlCall<T> call) {
        try {
            return retry(ATTEMPTS, call, link::recover);
        } catch (SQLException e) {
            throw ovi.engine.OviException.failure(what + ": " + e.getMessage(), e);
        }
    }

    static <T> T retry(int attempts, SqlCall<T> call, Runnable beforeRetry) throws SQLException {
        return retry(attempts, call, beforeRetry, e -> false);
    }

    /** {@link #retry(int, SqlCall, Runnable)}, retrying also the errors {@code alsoPassing} accepts. */
    static <T> T retry(int attempts, SqlCall<T> call, Runnable beforeRetry,
                       java.util.function.Predicate<SQLException> alsoPassing) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.call();
            } catch (SQLException e) {
                if (attempt >= attempts || !(error(e) || alsoPassing.test(e))) {
                    throw e;
                }
                beforeRetry.run();
                pause(attempt);
            }
        }
    }

    static void pause(int attempt) {
        try {
            // 100 ms doubling to 2 s, each pause between half and the whole of it
            long step = Math.min(100L << Math.min(attempt - 1, 5), 2000L);
            Thread.sleep(step / 2 + ThreadLocalRandom.current().nextLong(step / 2 + 1));
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }
}

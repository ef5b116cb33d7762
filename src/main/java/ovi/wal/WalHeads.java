package ovi.wal;

import java.time.Instant;
import java.util.Optional;

/**
 * Where the head of each WAL (its last seq and hash) is kept outside the WAL itself, so that a WAL whose
 * tail, cycle file or whole directory went missing is found out: without it, a log cut short after its
 * last entry, or removed, verifies as intact. The store keeps them ({@code wal_heads}).
 */
public interface WalHeads {

    /**
     * The head of one WAL as last recorded.
     *
     * @param seq  the last entry's sequence number
     * @param hash its hash
     * @param time when it was recorded
     */
    record Head(long seq, String hash, Instant time) {
    }

    /** Records {@code head} for the WAL {@code wal} unless a later one (a higher seq) is recorded already. */
    void raise(String wal, Head head);

    /**
     * Records {@code head} for the WAL {@code wal} whatever was recorded before: only for 'ovi wal repair',
     * which sets a damaged part aside and says so in the log (a {@code repaired} entry).
     */
    void reset(String wal, Head head);

    /** The head recorded for {@code wal}, if any. */
    Optional<Head> head(String wal);
}

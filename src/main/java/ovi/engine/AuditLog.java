package ovi.engine;

import java.util.List;
import java.util.Map;
import ovi.model.WalEntry;
import ovi.model.WalRecord;
import ovi.model.WalRecords;

/** The write-ahead log: every observation, decision, claim and action, appended in order. */
public interface AuditLog extends AutoCloseable {

    /** An entry yet to be appended: the log gives it its sequence number, time and hashes. */
    record Draft(String runId, String type, String resource, String action, String message,
                 Map<String, Object> data) {

        /** The draft of what {@code record} says, for run {@code runId}. */
        public static Draft of(String runId, WalRecord record) {
            if (record instanceof WalRecord.Unreadable u) {
                throw new IllegalArgumentException("an unreadable entry is never written: " + u.problem());
            }
            return new Draft(runId, record.kind().key(), record.resource(), record.action(), record.message(),
                    WalRecords.data(record));
        }
    }

    /**
     * Appends the drafts as consecutive entries, atomically with respect to other processes appending to
     * the same log. Safe to call from several threads.
     */
    List<WalEntry> append(List<Draft> drafts);

    default WalEntry append(Draft draft) {
        return append(List.of(draft)).get(0);
    }

    /** Appends what {@code record} says as an entry of run {@code runId}. */
    default WalEntry append(String runId, WalRecord record) {
        return append(Draft.of(runId, record));
    }

    /** Forces what was appended to disk; called before any change to AWS. */
    void sync();

    @Override
    void close();
}

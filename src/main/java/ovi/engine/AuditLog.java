package ovi.engine;

import java.util.List;
import java.util.Map;
import ovi.model.WalEntry;

/** The write-ahead log: every observation, decision, claim and action, appended in order. */
public interface AuditLog extends AutoCloseable {

    /** An entry yet to be appended: the log gives it its sequence number, time and hashes. */
    record Draft(String runId, String type, String resource, String action, String message,
                 Map<String, Object> data) {
    }

    /**
     * Appends the drafts as consecutive entries, atomically with respect to other processes appending to
     * the same log. Safe to call from several threads.
     */
    List<WalEntry> append(List<Draft> drafts);

    default WalEntry append(Draft draft) {
        return append(List.of(draft)).get(0);
    }

    /** Forces what was appended to disk; called before any change to AWS. */
    void sync();

    @Override
    void close();
}

package ovi.model;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of the write-ahead log as it is chained on disk. Each entry carries the hash of the one before
 * it, so a removed or altered entry breaks the chain. What an entry says, typed by its kind, is a
 * {@link WalRecord} ({@link WalRecords#decode}); this raw form is what is hashed, kept as it was read.
 *
 * @param seq      position in the log, from 1, with no gaps
 * @param time     when it was appended
 * @param runId    the run that appended it
 * @param type     one of the {@link WalRecord.Kind} keys (observed, decided, claimed, executing, ...) in
 *                 entries ovi wrote
 * @param resource the ovi id or cloud id it is about, or a scope such as {@code ec2/us-east-1}
 * @param action   create, update, delete or notify, where one applies; else null
 * @param message  a line a person can read
 * @param data     further fields, self-describing
 * @param prev     hash of the previous entry ("" for the first)
 * @param hash     hash of this entry's fields and {@code prev}
 */
public record WalEntry(long seq, Instant time, String runId, String type, String resource, String action,
                       String message, Map<String, Object> data, String prev, String hash) {
    public WalEntry {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(type, "type");
        data = data == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(data));
    }
}

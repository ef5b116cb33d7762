package ovi.wal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import net.openhft.chronicle.core.time.SetTimeProvider;
import ovi.engine.AuditLog;

/** Test helpers for writing WALs at chosen times and damaging them on purpose. */
public final class WalFixtures {
    private WalFixtures() {
    }

    /** Appends the drafts as if at {@code when}: they land in that day's cycle file. */
    public static void appendAt(Path walDir, Instant when, List<AuditLog.Draft> drafts) {
        SetTimeProvider time = new SetTimeProvider(when.toEpochMilli() * 1_000_000L);
        try (ChronicleAuditLog wal = ChronicleAuditLog.open(walDir, time)) {
            wal.append(drafts);
        }
    }

    public static AuditLog.Draft draft(String run, String type, String resource, String action, String message,
                                       Map<String, Object> data) {
        return new AuditLog.Draft(run, type, resource, action, message, data);
    }

    /** Replaces the first occurrence of {@code from} with {@code to} (same length) in whichever .cq4 file has it. */
    public static Path tamper(Path walDir, String from, String to) throws Exception {
        if (from.length() != to.length()) {
            throw new IllegalArgumentException("same length only");
        }
        byte[] needle = from.getBytes(StandardCharsets.UTF_8);
        try (var files = Files.list(walDir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".cq4")).sorted().toList()) {
                byte[] bytes = Files.readAllBytes(f);
                int at = indexOf(bytes, needle);
                if (at >= 0) {
                    byte[] repl = to.getBytes(StandardCharsets.UTF_8);
                    System.arraycopy(repl, 0, bytes, at, repl.length);
                    Files.write(f, bytes);
                    return f;
                }
            }
        }
        throw new AssertionError("no .cq4 file in " + walDir + " holds '" + from + "'");
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}

package ovi.wal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import ovi.engine.OviException;

/**
 * Where the chain starts once retention has removed its oldest cycles: the sequence number and hash of
 * the last entry removed. The first entry kept must follow it, so {@code wal verify} still proves that
 * nothing after the cut is missing. Kept as {@code anchor.json} beside the queue's files.
 *
 * @param seq     the last removed entry's sequence number
 * @param hash    its hash, which the first kept entry carries as {@code prev}
 * @param time    when it was appended
 * @param removed how many entries retention has removed in all
 */
public record Anchor(long seq, String hash, Instant time, long removed) {
    static final String FILE = "anchor.json";

    static Optional<Anchor> read(Path walDir) {
        Path f = walDir.resolve(FILE);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        try {
            JsonNode n = WalCodec.mapper().readTree(Files.readString(f, StandardCharsets.UTF_8));
            if (!n.hasNonNull("seq") || !n.hasNonNull("hash") || !n.hasNonNull("time")) {
                throw new IOException("seq, hash and time are required");
            }
            return Optional.of(new Anchor(n.get("seq").asLong(), n.get("hash").asText(),
                    Instant.parse(n.get("time").asText()), n.path("removed").asLong()));
        } catch (IOException | RuntimeException e) {
            throw OviException.failure("the WAL anchor " + f + " is unreadable: " + e.getMessage()
                    + "; it records where the chain starts after retention, restore it from a backup", e);
        }
    }

    /** Replaces the anchor atomically, so a crash leaves the old one or the new one, never half of one. */
    void write(Path walDir) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", seq);
        m.put("hash", hash);
        m.put("time", time.toString());
        m.put("removed", removed);
        Path f = walDir.resolve(FILE);
        Path tmp = walDir.resolve(FILE + ".tmp");
        try {
            Files.writeString(tmp, WalCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(m),
                    StandardCharsets.UTF_8);
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw OviException.failure("cannot write the WAL anchor " + f + ": " + e.getMessage(), e);
        }
    }
}

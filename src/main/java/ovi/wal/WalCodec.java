package ovi.wal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import ovi.model.Observation;
import ovi.model.WalEntry;

/** WAL entries as JSON, and the hash that chains them. */
public final class WalCodec {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .build();

    private WalCodec() {
    }

    static ObjectMapper mapper() {
        return MAPPER;
    }

    /** The entry with its {@code hash} set: SHA-256 over {@code prev} and every other field. */
    public static WalEntry sign(WalEntry e) {
        return new WalEntry(e.seq(), e.time(), e.runId(), e.type(), e.resource(), e.action(), e.message(), e.data(),
                e.prev(), hashOf(e));
    }

    /** The hash the entry should carry, whatever it carries now. */
    public static String hashOf(WalEntry e) {
        return Observation.sha256(toJson(e, false));
    }

    /** The entry as one line of JSON, with or without its own hash. */
    public static String toJson(WalEntry e) {
        return toJson(e, true);
    }

    private static String toJson(WalEntry e, boolean withHash) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", e.seq());
        m.put("time", e.time().toString());
        m.put("runId", e.runId());
        m.put("type", e.type());
        m.put("resource", e.resource());
        m.put("action", e.action());
        m.put("message", e.message());
        m.put("data", e.data());
        m.put("prev", e.prev());
        if (withHash) {
            m.put("hash", e.hash());
        }
        try {
            return MAPPER.writeValueAsString(m);
        } catch (JsonProcessingException ex) {
            throw new IllegalArgumentException("WAL entry data is not serialisable: " + ex.getMessage(), ex);
        }
    }

    /**
     * Reads one entry. Anything that is not an entry as ovi writes them (not JSON, not an object, a field
     * of the wrong type) is an {@link IllegalArgumentException} whose message says what, in words, never
     * with a parser's class names.
     */
    public static WalEntry parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("an excerpt without an ovi entry");
        }
        com.fasterxml.jackson.databind.JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException ex) {
            throw new IllegalArgumentException("not JSON (" + ex.getOriginalMessage().split("\n")[0] + ", at character "
                    + ex.getLocation().getCharOffset() + ")");
        }
        if (!(root instanceof ObjectNode n)) {
            throw new IllegalArgumentException("not a JSON object but " + (root == null ? "nothing"
                    : root.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
        }
        if (!n.path("seq").canConvertToLong() || !n.path("seq").isIntegralNumber() || n.path("seq").asLong() < 1) {
            throw new IllegalArgumentException("its seq is missing or not a whole number above 0");
        }
        Instant time;
        try {
            time = Instant.parse(text(n, "time", true));
        } catch (java.time.format.DateTimeParseException ex) {
            throw new IllegalArgumentException("its time is not an ISO-8601 instant");
        }
        if (n.hasNonNull("data") && !n.get("data").isObject()) {
            throw new IllegalArgumentException("its data is not a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> data = n.hasNonNull("data") ? MAPPER.convertValue(n.get("data"), Map.class) : Map.of();
        return new WalEntry(n.get("seq").asLong(), time, text(n, "runId", true), text(n, "type", true),
                text(n, "resource", false), text(n, "action", false), text(n, "message", false), data,
                text(n, "prev", true), text(n, "hash", false));
    }

    private static String text(ObjectNode n, String field, boolean required) {
        com.fasterxml.jackson.databind.JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException("its " + field + " is missing");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException("its " + field + " is not text but "
                    + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        return v.asText();
    }

}

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

    public static WalEntry parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("an excerpt without an ovi entry");
        }
        try {
            ObjectNode n = (ObjectNode) MAPPER.readTree(text);
            @SuppressWarnings("unchecked")
            Map<String, Object> data = n.hasNonNull("data") ? MAPPER.convertValue(n.get("data"), Map.class) : Map.of();
            return new WalEntry(n.path("seq").asLong(), Instant.parse(n.path("time").asText()), str(n, "runId"),
                    str(n, "type"), str(n, "resource"), str(n, "action"), str(n, "message"), data, str(n, "prev"),
                    str(n, "hash"));
        } catch (JsonProcessingException | ClassCastException | java.time.format.DateTimeParseException ex) {
            throw new IllegalArgumentException("unreadable WAL entry: " + ex.getMessage(), ex);
        }
    }

    private static String str(ObjectNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }
}

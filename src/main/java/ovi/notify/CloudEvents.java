package ovi.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import ovi.engine.Notifications;

/** An event as a CloudEvents 1.0 JSON document (structured mode), as webhooks and topics receive it. */
public final class CloudEvents {
    public static final String SPEC_VERSION = "1.0";
    /** The content type of a structured-mode CloudEvent in JSON. */
    public static final String CONTENT_TYPE = "application/cloudevents+json";
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private CloudEvents() {
    }

    public static byte[] json(Notifications.Event e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("specversion", SPEC_VERSION);
        m.put("id", e.id());
        m.put("source", e.source());
        m.put("type", e.type());
        m.put("subject", e.subject());
        m.put("time", e.time().toString());
        m.put("datacontenttype", "application/json");
        m.put("data", e.data());
        try {
            return JSON.writeValueAsBytes(m);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("an event's data is plain values: " + ex.getMessage(), ex);
        }
    }

    public static String text(Notifications.Event e) {
        return new String(json(e), StandardCharsets.UTF_8);
    }
}

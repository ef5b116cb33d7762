package ovi.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Damaged entries are described in words: what is wrong, never a parser's class names. */
class WalCodecTest {
    static String why(String text) {
        return assertThrows(IllegalArgumentException.class, () -> WalCodec.parse(text)).getMessage();
    }

    @Test
    void aDamagedEntrySaysWhatIsWrongInWords() {
        assertEquals("not a JSON object but number", why("5"));
        assertEquals("not a JSON object but array", why("[1]"));
        assertEquals("its seq is missing or not a whole number above 0", why("{\"seq\":\"x\"}"));
        assertEquals("its time is not an ISO-8601 instant", why("{\"seq\":1,\"time\":\"yesterday\"}"));
        assertEquals("its type is not text but number",
                why("{\"seq\":1,\"time\":\"2026-11-22T00:00:00Z\",\"runId\":\"r\",\"type\":5,\"prev\":\"\"}"));
        assertEquals("its data is not a JSON object", why("{\"seq\":1,\"time\":\"2026-11-22T00:00:00Z\",\"runId\":\"r\","
                + "\"type\":\"observed\",\"prev\":\"\",\"data\":[1]}"));
        String notJson = why("{\"seq\":1,");
        assertEquals(true, notJson.startsWith("not JSON ("), notJson);
    }
}

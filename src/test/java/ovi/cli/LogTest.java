package ovi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogTest {
    static final Clock NOON = Clock.fixed(Instant.parse("2026-12-02T12:00:00.250123Z"), ZoneOffset.UTC);

    final StringWriter err = new StringWriter();

    Log log(Log.Format format, boolean quiet) {
        return new Log(new PrintWriter(err), format, "r1", quiet, NOON);
    }

    List<JsonNode> lines() throws Exception {
        ObjectMapper m = new ObjectMapper();
        List<JsonNode> out = new java.util.ArrayList<>();
        for (String l : err.toString().split("\n")) {
            out.add(m.readTree(l));
        }
        return out;
    }

    @Test
    void textKeepsTheLinesOviAlwaysWrote() {
        Log log = log(Log.Format.text, false);
        log.info("observing");
        log.warn("not observed: ec2/eu-west-1");
        log.error("the run reached --timeout 1m");
        log.debug("ec2 us-east-1 DescribeInstances attempt 1: HTTP 200 in 12 ms, request abc");
        log.progress().about("web-0", "create ec2 web-0 ...");

        assertEquals("""
                ovi: observing
                ovi: warning: not observed: ec2/eu-west-1
                ovi: error: the run reached --timeout 1m
                ovi: debug: ec2 us-east-1 DescribeInstances attempt 1: HTTP 200 in 12 ms, request abc
                ovi: create ec2 web-0 ...
                """, err.toString().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void jsonWritesOneObjectPerLineWithTheRunAndTheResource() throws Exception {
        Log log = log(Log.Format.json, false);
        log.progress().about("web-0", "create ec2 web-0 ...");
        log.warn("invalid config:\n  line 2: \"size\" is required");

        List<JsonNode> lines = lines();
        assertEquals(2, lines.size(), err::toString);
        JsonNode create = lines.get(0);
        assertEquals("2026-12-02T12:00:00.250Z", create.get("time").asText(), "to the millisecond");
        assertEquals("info", create.get("level").asText());
        assertEquals("r1", create.get("run").asText());
        assertEquals("web-0", create.get("resource").asText());
        assertEquals("create ec2 web-0 ...", create.get("message").asText());
        JsonNode warn = lines.get(1);
        assertEquals("warn", warn.get("level").asText());
        assertFalse(warn.has("resource"), "a line about no one resource names none");
        assertEquals("invalid config:\n  line 2: \"size\" is required", warn.get("message").asText(),
                "a message of several lines stays one JSON line");
    }

    @Test
    void quietDropsProgressButNeverWarningsErrorsOrDebugLines() throws Exception {
        Log log = log(Log.Format.json, true);
        log.info("observing");
        log.progress().about("web-0", "create ec2 web-0 ...");
        log.warn("w");
        log.error("e");
        log.debug("d");

        assertEquals(List.of("warn", "error", "debug"), lines().stream().map(n -> n.get("level").asText()).toList());
    }

    @Test
    void controlCharactersFromOutsideAreEscapedNotWritten() {
        log(Log.Format.json, false).info("tag value \u001b[31mred");
        assertTrue(err.toString().contains("\\u001B[31mred"), err::toString);
    }
}

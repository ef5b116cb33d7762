package ovi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import ovi.Ovi;
import ovi.engine.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What 'ovi watch' hands each run, without AWS: a config that does not exist stops the watch at run 1. */
class WatchCommandTest {
    @TempDir
    Path dir;

    private String watch(String... args) {
        StringWriter err = new StringWriter();
        int code = Ovi.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(err)).execute(args);
        assertEquals(ExitCode.DATA, code, err::toString);
        assertTrue(err.toString().contains("ovi watch: stopped: this would fail the same way every time"), err::toString);
        return err.toString();
    }

    @Test
    void debugGivenToOviOrToWatchIsPassedToEachRun() {
        String missing = dir.resolve("missing.yaml").toString();

        String before = watch("--debug", "watch", "--count", "2", "plan", "-c", missing);
        String after = watch("watch", "--debug", "--count", "2", "plan", "-c", missing);

        assertTrue(before.contains(": ovi --debug plan -c " + missing + "\n"), before);
        assertTrue(after.contains(": ovi --debug plan -c " + missing + "\n"), after);
    }

    @Test
    void withoutDebugTheRunsGetNone() {
        String missing = dir.resolve("missing.yaml").toString();

        String err = watch("watch", "--count", "2", "plan", "-c", missing);

        assertTrue(err.contains(": ovi plan -c " + missing + "\n"), err);
        assertFalse(err.contains("--debug"), err);
    }

    @Test
    void theWatchsOwnLinesAreJsonWhenItsRunsAre() throws Exception {
        String missing = dir.resolve("missing.yaml").toString();
        StringWriter err = new StringWriter();
        int code = Ovi.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(err)).execute("watch",
                "--count", "2", "plan", "-c", missing, "--log-format", "json");
        assertEquals(ExitCode.DATA, code, err::toString);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        java.util.List<String> messages = new java.util.ArrayList<>();
        for (String line : err.toString().split("\\R")) {
            messages.add(json.readTree(line).get("message").asText()); // every line parses
        }
        assertTrue(messages.contains("watch: stopped: this would fail the same way every time"), err::toString);
        assertTrue(messages.get(0).startsWith("watch: run 1 at "), err::toString);
        assertTrue(WatchCommand.jsonLogs(java.util.List.of("-c", "x", "--log-format=json")));
        assertFalse(WatchCommand.jsonLogs(java.util.List.of("--log-format", "text", "json")));
    }
}

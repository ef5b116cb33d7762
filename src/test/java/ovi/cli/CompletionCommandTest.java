package ovi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import ovi.Ovi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ovi completion}: the script is valid bash, and bash completes verbs and options with it. */
class CompletionCommandTest {
    @TempDir
    Path dir;

    static HelpCommandTest.Run ovi(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Ovi.commandLine(new PrintWriter(out), new PrintWriter(err)).execute(args);
        return new HelpCommandTest.Run(code, out.toString(), err.toString());
    }

    /** Runs {@code script} in bash; returns stdout, failing on a non-zero exit. */
    static String bash(String script) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bash did not end");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /** What the script offers for the words typed so far, the last one being completed. */
    String complete(Path script, String... words) throws Exception {
        String typed = String.join(" ", words);
        StringBuilder array = new StringBuilder();
        for (String w : words) {
            array.append('\'').append(w).append("' ");
        }
        return bash("source '" + script + "'\n"
                + "COMP_WORDS=(" + array + ")\n"
                + "COMP_CWORD=" + (words.length - 1) + "\n"
                + "COMP_LINE='" + typed + "'\nCOMP_POINT=" + typed.length() + "\n"
                + "_complete_ovi ovi '" + words[words.length - 1] + "' '" + words[words.length - 2] + "'\n"
                + "printf '%s\\n' \"${COMPREPLY[@]}\"\n");
    }

    @Test
    void bashScriptIsValidAndCompletesAVerb() throws Exception {
        HelpCommandTest.Run r = ovi("completion", "bash");
        assertEquals(0, r.code(), r::toString);
        Path script = dir.resolve("ovi.bash");
        Files.writeString(script, r.out());

        bash("bash -n '" + script + "'");
        assertEquals(List.of("plan"), complete(script, "ovi", "pl").lines().toList());
        assertEquals(List.of("show"), complete(script, "ovi", "wal", "sh").lines().toList());
        assertTrue(complete(script, "ovi", "plan", "--det").lines().toList().contains("--detailed-exitcode"));
    }

    @Test
    void zshScriptLoadsThroughBashcompinit() {
        HelpCommandTest.Run r = ovi("completion", "zsh");

        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("bashcompinit"), r.out());
        assertEquals(ovi("completion", "bash").out(), r.out());
    }

    @Test
    void anotherShellIsAUsageError() {
        HelpCommandTest.Run r = ovi("completion", "fish");

        assertEquals(64, r.code(), r::toString);
        assertTrue(r.err().contains("bash, zsh"), r.err());
    }
}

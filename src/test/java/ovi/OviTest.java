package ovi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Set;
import ovi.cli.Wiring;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;

/** The root command line: built with only the verb a line names, and the same to its user as the whole. */
class OviTest {
    private static final Set<String> VERBS = Set.of("plan", "apply", "import", "validate", "schema", "watch",
            "status", "history", "wal", "completion", "help");

    private static CommandLine line(String... args) {
        StringWriter sink = new StringWriter();
        return Ovi.commandLine(new PrintWriter(sink), new PrintWriter(sink), sink, args);
    }

    @Test
    void aLineThatNamesAVerbFirstBuildsThatVerbAlone() {
        assertEquals(Set.of("plan"), line("plan", "-c", "ovi.yaml").getSubcommands().keySet());
        assertEquals(Set.of("wal"), line("wal", "show").getSubcommands().keySet());
        assertEquals(Set.of("watch"), line("watch", "apply", "-c", "x").getSubcommands().keySet());
        assertTrue(line("watch", "apply").getSubcommands().get("watch").isStopAtPositional());
    }

    @Test
    void anyOtherLineBuildsEveryVerb() {
        assertEquals(VERBS, Ovi.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
                .getSubcommands().keySet());
        for (String[] args : new String[][] {{}, {"--help"}, {"--debug", "plan"}, {"pla"}, {"help", "plan"},
            {"completion", "bash"}}) {
            assertEquals(VERBS, line(args).getSubcommands().keySet(), String.join(" ", args));
        }
    }

    @Test
    void eachVerbSaysTheSameBuiltAloneAsAmongAllAndATypoStillGetsItsSuggestion() {
        for (String verb : VERBS) {
            if (verb.equals("help") || verb.equals("completion")) {
                continue;
            }
            assertEquals(run(true, verb, "--help"), run(false, verb, "--help"), verb);
            assertEquals(run(true, verb, "--no-such-option"), run(false, verb, "--no-such-option"), verb);
        }
        String typo = run(true, "pla");
        assertTrue(typo.startsWith("64\n") && typo.contains("plan"), typo);
    }

    /** The exit code and everything printed, by the line of only the verb ({@code alone}) or of all. */
    private static String run(boolean alone, String... args) {
        StringWriter out = new StringWriter();
        PrintWriter pw = new PrintWriter(out);
        CommandLine cl = alone ? Ovi.commandLine(pw, pw, out, args)
                : Ovi.commandLine(pw, pw, Wiring.over(Ovi::commandLine, out));
        int code = cl.execute(args);
        pw.flush();
        return code + "\n" + out;
    }
}

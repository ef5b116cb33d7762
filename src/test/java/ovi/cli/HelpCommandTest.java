package ovi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import ovi.Ovi;
import org.junit.jupiter.api.Test;

/** {@code help} at every level of the command line. */
class HelpCommandTest {
    record Run(int code, String out, String err) {
    }

    static Run ovi(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Ovi.commandLine(new PrintWriter(out), new PrintWriter(err)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpOfANestedVerbFromTheTopPrintsThatVerbsHelp() {
        Run r = ovi("help", "wal", "show");

        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().startsWith("Usage: ovi wal show"), r.out());
    }

    @Test
    void helpInsideAVerbPrintsItsSubVerbsHelp() {
        Run r = ovi("wal", "help", "show");

        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().startsWith("Usage: ovi wal show"), r.out());
        assertEquals(ovi("help", "wal", "show").out(), r.out());
    }

    @Test
    void helpOfAVerbAndOfNothingAreAsBefore() {
        assertTrue(ovi("help", "wal").out().startsWith("Usage: ovi wal "), "ovi help wal");
        assertTrue(ovi("wal", "help").out().startsWith("Usage: ovi wal "), "ovi wal help");
        assertTrue(ovi("help").out().startsWith("Usage: ovi "), "ovi help");
        assertTrue(ovi("help", "plan").out().startsWith("Usage: ovi plan"), "ovi help plan");
    }

    @Test
    void anUnknownVerbIsAUsageErrorThatListsTheKnownOnes() {
        Run r = ovi("help", "wal", "nosuch");

        assertEquals(64, r.code(), r::toString);
        assertTrue(r.err().contains("unknown verb 'nosuch' of 'ovi wal': it has show, verify, repair, prune, help"), r.err());
    }
}

package ovi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class TerminalSafeWriterTest {
    static String through(String text) {
        StringWriter s = new StringWriter();
        PrintWriter w = TerminalSafeWriter.wrap(new PrintWriter(s));
        w.print(text);
        w.close();
        return s.toString();
    }

    @Test
    void controlSequencesAreShownNotObeyed() {
        assertEquals("a\\x1b[2Jb", through("a\u001b[2Jb"), "clear screen");
        assertEquals("\\x1b]0;owned\\x07", through("\u001b]0;owned\u0007"), "window title");
        assertEquals("x\\x0dy\\x7f\\x9b", through("x\ry\u007f\u009b"));
        assertEquals("evil\\u202etxt.exe", through("evil\u202etxt.exe"), "bidi override");
        assertEquals("line\n\tindented", through("line\n\tindented"));
    }

    @Test
    void ovisOwnColoursPass() {
        assertEquals("\u001b[32m+ create\u001b[0m", through("\u001b[32m+ create\u001b[0m"));
        assertEquals("\u001b[1;31mbold red\u001b[m", through("\u001b[1;31mbold red\u001b[m"));
    }
}

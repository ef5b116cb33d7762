package ovi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StartTest {
    @Test
    void theQuickVersionPrintsWhatPicocliPrints() {
        for (String flag : new String[] {"--version", "-V"}) {
            ByteArrayOutputStream quick = new ByteArrayOutputStream();
            assertTrue(Start.version(new String[] {flag}, new PrintStream(quick, true, StandardCharsets.UTF_8)));
            StringWriter out = new StringWriter();
            int code = Ovi.commandLine(new PrintWriter(out), new PrintWriter(new StringWriter())).execute(flag);
            assertEquals(0, code);
            assertEquals(out.toString().replace("\r\n", "\n"), quick.toString(StandardCharsets.UTF_8)
                    .replace(System.lineSeparator(), "\n"));
            assertTrue(out.toString().startsWith("ovi"), out.toString());
        }
    }

    @Test
    void anythingElseGoesToTheCommandLine() {
        ByteArrayOutputStream quick = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(quick, true, StandardCharsets.UTF_8);
        assertFalse(Start.version(new String[] {"plan", "--version"}, ps));
        assertFalse(Start.version(new String[] {"--version", "--debug"}, ps));
        assertFalse(Start.version(new String[] {}, ps));
        assertEquals(0, quick.size());
    }
}

package ovi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import ovi.Ovi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The man pages: one per verb, each with its sections, and roff that groff reads without a complaint. */
class ManPagesTest {
    @TempDir
    Path dir;

    static CommandLine ovi() {
        return Ovi.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    }

    /** ovi, ovi-plan, ovi-wal-show, ...: every verb but help. */
    static void verbs(CommandLine cl, String name, List<String> into) {
        into.add(name);
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (!sub.getCommandSpec().helpCommand()) {
                verbs(sub, name + "-" + sub.getCommandName(), into);
            }
        }
    }

    @Test
    void everyVerbHasAPageWithItsSections() throws Exception {
        List<Path> written = ManPages.write(ovi(), dir, "2026-01-02");

        List<String> verbs = new ArrayList<>();
        verbs(ovi(), "ovi", verbs);
        TreeSet<String> pages = new TreeSet<>();
        written.forEach(p -> pages.add(p.getFileName().toString()));
        assertEquals(new TreeSet<>(verbs.stream().map(v -> v + ".1").toList()), pages);
        assertTrue(pages.containsAll(List.of("ovi.1", "ovi-plan.1", "ovi-apply.1", "ovi-wal-show.1", "ovi-completion.1")),
                pages::toString);
        for (Path page : written) {
            String roff = Files.readString(page);
            String name = page.getFileName().toString().replace(".1", "");
            assertTrue(roff.contains("\n.TH \"" + name.toUpperCase(java.util.Locale.ROOT) + "\" 1 \"2026-01-02\""), page + ":\n" + roff);
            for (String section : List.of(".SH NAME\n" + name.replace("-", "\\-") + " \\- ", ".SH SYNOPSIS\n",
                    ".SH DESCRIPTION\n", ".SH OPTIONS\n", ".SH SEE ALSO\n")) {
                assertTrue(roff.contains(section), page + " has no " + section + ":\n" + roff);
            }
        }
        String plan = Files.readString(dir.resolve("ovi-plan.1"));
        assertTrue(plan.contains(".TP\n\\fB\\-c\\fR, \\fB\\-\\-config\\fR=\\fIFILE\\fR\nThe config (YAML).\n"), plan);
        assertTrue(plan.contains(".SH EXIT STATUS\n.TP\n\\fB0\\fR\n"), plan);
        assertTrue(plan.contains(".SH EXAMPLES\n.nf\n"), plan);
        assertTrue(Files.readString(dir.resolve("ovi.1")).contains(".SH COMMANDS\n"));
    }

    @Test
    void groffFormatsEveryPage() throws Exception {
        for (Path page : ManPages.write(ovi(), dir, "2026-01-02")) {
            // -ww: every warning; -z: parse and lay out, print nothing
            Process p = new ProcessBuilder("groff", "-man", "-Tutf8", "-ww", "-z", page.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), page + ": " + out);
            assertEquals("", out.replaceAll("(?m)^.*can't break line\\n", ""), page + ": " + out);
        }
    }

    @Test
    void textThatRoffWouldReadAsARequestIsEscaped() {
        assertEquals("\\&.hidden", ManPages.escape(".hidden"));
        assertEquals("\\&'quote", ManPages.escape("'quote"));
        assertEquals("a\\eb \\-\\-flag", ManPages.escape("a\\b --flag"));
    }
}

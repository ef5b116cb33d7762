package ovi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ovi.Ovi;
import ovi.engine.OviException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanHtmlTest {
    static final String SCRIPT = "<script>alert(1)</script>";
    static final String IMG = "\"><img src=x onerror=alert(2)>";

    @TempDir
    Path dir;

    static ObjectNode tree() {
        ObjectNode root = PlanJson.MAPPER.createObjectNode();
        root.put("owner", SCRIPT);
        root.put("runId", IMG);
        ObjectNode d = root.putArray("diffs").addObject();
        d.put("kind", "drifted");
        d.put("id", "web-0</script><!--");
        d.put("reason", "a & b \u2028 \u202e");
        return root;
    }

    @Test
    void theEmbeddedPlanCannotEndItsDataBlockAndParsesBackUnchanged() throws Exception {
        String data = PlanHtml.data(tree());
        assertFalse(data.contains("<"), data);
        assertFalse(data.contains(">"), data);
        assertFalse(data.contains("&"), data);
        assertFalse(data.contains("\u2028") || data.contains("\u202e"), data);
        assertTrue(data.contains("a \\u0026 b \\u2028 \\u202e"), data);
        assertEquals(tree(), PlanJson.MAPPER.readTree(data));
    }

    @Test
    void theTitleIsEscapedAndOnlyTheReportsOwnScriptMayRun() {
        String page = PlanHtml.page(tree());
        assertTrue(page.contains("<title>ovi plan &lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x "
                + "onerror=alert(2)&gt;</title>"), page);
        assertFalse(page.contains(SCRIPT), "the payload never appears as markup");
        assertFalse(page.contains("<img"), "the payload never appears as markup");
        // exactly one executable script, and the policy names its hash
        Matcher scripts = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL).matcher(page);
        assertTrue(scripts.find());
        assertTrue(page.contains("script-src '" + PlanHtml.sha256(scripts.group(1)) + "'"), "CSP allows the script");
        assertFalse(scripts.find(), "one inline script only");
        assertTrue(page.contains("default-src 'none'"));
        assertFalse(page.matches("(?s).*(src|href)=\"?(https?:)?//.*"), "nothing is fetched");
    }

    @Test
    void escapeCoversTextAndAttributes() {
        assertEquals("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
                PlanHtml.escape("<a href=\"x\" title='y'>&</a>"));
    }

    @Test
    void theReportIsWrittenWholeOverAnOldOneLeavingNoTemporaryFile() throws Exception {
        Path file = dir.resolve("report.html");
        Files.writeString(file, "old");
        PlanHtml.write(file, "<!DOCTYPE html>new");
        assertEquals("<!DOCTYPE html>new", Files.readString(file));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(file)), "the owner's only, as a plan file");
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }

    @Test
    void aDirectoryThatIsMissingOrAFileIsSaidClearly() throws Exception {
        OviException missing = assertThrows(OviException.class,
                () -> PlanHtml.checkWritable(dir.resolve("no/such/report.html")));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        Path file = Files.writeString(dir.resolve("f"), "");
        OviException notDir = assertThrows(OviException.class, () -> PlanHtml.write(file.resolve("report.html"), "x"));
        assertTrue(notDir.getMessage().contains("is not a directory"), notDir.getMessage());
        OviException isDir = assertThrows(OviException.class, () -> PlanHtml.checkWritable(dir));
        assertTrue(isDir.getMessage().contains("it is a directory"), isDir.getMessage());
    }

    @Test
    void aDirectoryNobodyMayWriteIsSaidClearlyEvenToRoot() {
        // /proc/self refuses new files to every user, root included
        Path proc = Path.of("/proc/self");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(proc), "a Linux /proc");
        OviException e = assertThrows(OviException.class, () -> PlanHtml.write(proc.resolve("report.html"), "x"));
        assertEquals("cannot write the report to /proc/self/report.html: the directory /proc/self is not writable",
                e.getMessage());
    }

    @Test
    void onlyPlanTakesHtml() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Ovi.commandLine(new PrintWriter(out), new PrintWriter(err))
                .execute("status", "-c", dir.resolve("ovi.yaml").toString(), "-o", "html");
        assertEquals(64, code, err::toString);
        assertTrue(err.toString().contains("-o html is only for 'ovi plan'"), err::toString);
    }
}

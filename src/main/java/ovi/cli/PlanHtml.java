package ovi.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import ovi.engine.OviException;

/**
 * The plan as one self-contained HTML page ({@code ovi plan -o html}): the same tree as {@code -o json},
 * embedded as data, and a script and style sheet inline that render and filter it. Nothing is fetched.
 *
 * <p>Tag values and names come from whoever can tag a resource, so nothing from the plan is ever markup:
 * the tree sits in a JSON data block with every {@code <}, {@code >} and {@code &} escaped (it cannot end
 * the block), the script writes it into the page only as text, and the page's Content-Security-Policy lets
 * only that one script run (by its hash) and loads nothing from anywhere.
 */
final class PlanHtml {
    private static final String CSS = resource("plan.css");
    private static final String JS = resource("plan.js");
    private static final java.util.regex.Pattern UNSAFE =
            java.util.regex.Pattern.compile("[\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]");

    private PlanHtml() {
    }

    /** The page for {@code tree}, a plan's JSON tree ({@link PlanJson#tree}, with awsCalls and aws if any). */
    static String page(ObjectNode tree) {
        String title = "ovi plan " + tree.path("owner").asText("") + " " + tree.path("runId").asText("");
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
                + "script-src '" + sha256(JS) + "'; img-src 'none'; connect-src 'none'; form-action 'none'; "
                + "base-uri 'none'\">\n"
                + "<meta name=\"referrer\" content=\"no-referrer\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>" + escape(title) + "</title>\n<style>\n" + CSS + "</style>\n</head>\n<body>\n"
                + "<noscript><p>This report is drawn by its own inline script: allow scripts for this file to see it. "
                + "The plan itself is in the page's source, as JSON.</p></noscript>\n"
                + "<main id=\"report\"></main>\n"
                + "<script type=\"application/json\" id=\"plan-data\">" + data(tree) + "</script>\n"
                + "<script>" + JS + "</script>\n</body>\n</html>\n";
    }

    /**
     * The tree as JSON safe inside a script element: {@code <}, {@code >} and {@code &} as JSON escapes,
     * which only occur inside strings, so the value is unchanged and no {@code </script>} or {@code <!--}
     * can appear; line separators and bidirectional overrides likewise.
     */
    static String data(ObjectNode tree) {
        try {
            String json = PlanJson.MAPPER.writeValueAsString(tree).replace("<", "\\u003c").replace(">", "\\u003e")
                    .replace("&", "\\u0026");
            // and what could make the page's source read other than it is (bidirectional overrides)
            return UNSAFE.matcher(json).replaceAll(m -> String.format("\\\\u%04x", (int) m.group().charAt(0)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot happen: a plan's tree always serialises", e);
        }
    }

    /** {@code s} as HTML text or an attribute value. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * Writes {@code page} to {@code file} as a whole or not at all: a fresh temporary file beside it (random
     * name, created exclusively), then renamed over it, so a reader never sees half a report and a link
     * someone left at the target's name is replaced, not followed.
     */
    static void write(Path file, String page) {
        Path parent = file.toAbsolutePath().getParent();
        checkWritable(file);
        try {
            Path tmp = Files.createTempFile(parent, "." + file.getFileName(), ".tmp");
            try {
                Files.writeString(tmp, page, StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (java.nio.file.AccessDeniedException e) {
            throw OviException.failure("cannot write the report to " + file + ": the directory " + parent
                    + " is not writable", e);
        } catch (java.nio.file.FileSystemException e) {
            // a full disk, a read-only file system: the reason, and the old report (if any) left as it was
            throw OviException.failure("cannot write the report to " + file + ": "
                    + (e.getReason() != null ? e.getReason() : e.getMessage()) + "; nothing was changed there", e);
        } catch (IOException e) {
            throw OviException.failure("cannot write the report to " + file + ": " + e.getMessage()
                    + "; nothing was changed there", e);
        }
    }

    /** Fails, saying why, when {@code file} cannot be written: checked before the plan is made, and again at the end. */
    static void checkWritable(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        if (!Files.exists(parent)) {
            throw OviException.failure("cannot write the report to " + file + ": the directory " + parent
                    + " does not exist");
        }
        if (!Files.isDirectory(parent)) {
            throw OviException.failure("cannot write the report to " + file + ": " + parent + " is not a directory");
        }
        if (!Files.isWritable(parent)) {
            throw OviException.failure("cannot write the report to " + file + ": the directory " + parent
                    + " is not writable");
        }
        if (Files.isDirectory(file)) {
            throw OviException.failure("cannot write the report to " + file + ": it is a directory");
        }
    }

    static String sha256(String script) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(script.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = PlanHtml.class.getResourceAsStream("report/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the report's " + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the report's " + name, e);
        }
    }
}

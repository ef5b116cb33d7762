package ovi.cli;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Option;

/** How results are printed. */
public final class OutputOptions {
    public enum Format { text, json }

    /**
     * The version of every JSON document ovi prints ({@code formatVersion}): plan, apply, validate, status,
     * history and the wal verbs. It changes only when a field is removed or changes meaning.
     */
    public static final int FORMAT_VERSION = PlanJson.FORMAT_VERSION;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). With json, errors "
                    + "are a JSON object on stderr too.")
    Format format = Format.text;

    // a flag of its own: picocli gives -o its default after the options are read
    @Option(names = {"--json", "-json"}, description = "The same as -o json.")
    boolean jsonFlag;

    @Option(names = {"-q", "--quiet"}, description = "No progress lines on stderr.")
    boolean quiet;

    public boolean json() {
        return format == Format.json || jsonFlag;
    }

    /** A new JSON result object, carrying {@code formatVersion} first. */
    static ObjectNode document() {
        ObjectNode n = JsonMapper.builder().build().createObjectNode();
        n.put("formatVersion", FORMAT_VERSION);
        return n;
    }

    /** Colour only on a terminal, and never when NO_COLOR is set. */
    public static boolean colour() {
        return System.console() != null && System.getenv("NO_COLOR") == null;
    }
}

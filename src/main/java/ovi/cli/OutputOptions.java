package ovi.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** How results are printed. */
public final class OutputOptions {
    public enum Format { text, json, html }

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /**
     * The version of every JSON document ovi prints ({@code formatVersion}): plan, apply, validate, status,
     * history and the wal verbs. It changes only when a field is removed or changes meaning.
     */
    public static final int FORMAT_VERSION = PlanJson.FORMAT_VERSION;

    Format format = Format.text;

    // a flag of its own: picocli gives -o its default after the options are read
    @Option(names = {"--json", "-json"}, description = "The same as -o json.")
    boolean jsonFlag;

    @Option(names = {"-q", "--quiet"}, description = "No progress lines on stderr.")
    boolean quiet;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "Output format: text or json (default: ${DEFAULT-VALUE}); plan also: html. With json, errors "
                    + "are a JSON object on stderr too.")
    void format(Format f) {
        // only plan has a report page; any other verb would print text and say nothing
        if (f == Format.html && mixee != null && !"plan".equals(mixee.name())) {
            throw new CommandLine.ParameterException(mixee.commandLine(),
                    "-o html is only for 'ovi plan'; '" + mixee.qualifiedName() + "' prints text or json");
        }
        format = f;
    }

    public boolean json() {
        return format == Format.json || jsonFlag;
    }

    /** A new JSON result object, carrying {@code formatVersion} first. */
    static ObjectNode document() {
        ObjectNode n = JsonMapper.builder().build().createObjectNode();
        n.put("formatVersion", FORMAT_VERSION);
        return n;
    }

    public boolean html() {
        return format == Format.html;
    }

    /** Colour only on a terminal, and never when NO_COLOR is set. */
    public static boolean colour() {
        return System.console() != null && System.getenv("NO_COLOR") == null;
    }
}

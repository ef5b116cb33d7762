package ovi.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** How results are printed. */
public final class OutputOptions {
    public enum Format { text, json, html }

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    Format format = Format.text;

    @Option(names = {"-q", "--quiet"}, description = "No progress lines on stderr.")
    boolean quiet;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "Output format: text or json (default: ${DEFAULT-VALUE}); plan also: html.")
    void format(Format f) {
        // only plan has a report page; any other verb would print text and say nothing
        if (f == Format.html && mixee != null && !"plan".equals(mixee.name())) {
            throw new CommandLine.ParameterException(mixee.commandLine(),
                    "-o html is only for 'ovi plan'; '" + mixee.qualifiedName() + "' prints text or json");
        }
        format = f;
    }

    public boolean json() {
        return format == Format.json;
    }

    public boolean html() {
        return format == Format.html;
    }

    /** Colour only on a terminal, and never when NO_COLOR is set. */
    public static boolean colour() {
        return System.console() != null && System.getenv("NO_COLOR") == null;
    }
}

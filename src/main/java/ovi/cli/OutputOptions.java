package ovi.cli;

import picocli.CommandLine.Option;

/** How results are printed. */
public final class OutputOptions {
    public enum Format { text, json }

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format = Format.text;

    @Option(names = {"-q", "--quiet"}, description = "No progress lines on stderr.")
    boolean quiet;

    public boolean json() {
        return format == Format.json;
    }

    /** Colour only on a terminal, and never when NO_COLOR is set. */
    public static boolean colour() {
        return System.console() != null && System.getenv("NO_COLOR") == null;
    }
}

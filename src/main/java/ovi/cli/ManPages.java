package ovi.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Manual pages in roff, one per verb ({@code ovi.1}, {@code ovi-plan.1}, {@code ovi-wal-show.1}), made from
 * the same picocli model as {@code --help}, so the two cannot disagree. The build writes them into the
 * distribution's {@code man/man1} through {@code ovi.DistFiles}.
 */
public final class ManPages {
    private ManPages() {
    }

    /** Writes the page of {@code cl} and of each of its verbs, depth first; returns the files written. */
    public static List<Path> write(CommandLine cl, Path dir, String date) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        Path page = dir.resolve(pageName(cl.getCommandSpec()) + ".1");
        Files.writeString(page, page(cl, date), StandardCharsets.UTF_8);
        written.add(page);
        for (CommandLine sub : distinct(cl)) {
            written.addAll(write(sub, dir, date));
        }
        return written;
    }

    /** {@code ovi-wal-show} for {@code ovi wal show}. */
    static String pageName(CommandSpec spec) {
        return spec.qualifiedName("-");
    }

    /** The roff text of one verb's page. */
    static String page(CommandLine cl, String date) {
        CommandSpec spec = cl.getCommandSpec();
        String version = String.join(" ", new VersionProvider().getVersion()[0]);
        StringBuilder r = new StringBuilder();
        r.append(".\\\" Made by ovi's build from its command line (ovi.cli.ManPages); edit the sources, not this.\n");
        r.append(".TH \"").append(pageName(spec).toUpperCase(java.util.Locale.ROOT)).append("\" 1 \"").append(date)
                .append("\" \"").append(escape(version)).append("\" \"ovi manual\"\n");
        String[] description = spec.usageMessage().description();
        r.append(".SH NAME\n").append(escape(pageName(spec))).append(" \\- ").append(escape(summary(spec))).append('\n');

        r.append(".SH SYNOPSIS\n.nf\n");
        // a man page indents its text by 7 columns of a terminal's 80
        spec.usageMessage().width(72);
        String synopsis = cl.getHelp().synopsis(0).stripTrailing();
        r.append(literal(Help.Ansi.OFF.string(synopsis))).append(".fi\n");

        r.append(".SH DESCRIPTION\n").append(block(List.of(description)));

        List<PositionalParamSpec> params = spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
        if (!params.isEmpty()) {
            r.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec p : params) {
                r.append(".TP\n\\fI").append(escape(p.paramLabel())).append("\\fR\n")
                        .append(escape(String.join(" ", p.description()))).append('\n');
            }
        }

        List<OptionSpec> options = spec.options().stream().filter(o -> !o.hidden()).toList();
        if (!options.isEmpty()) {
            r.append(".SH OPTIONS\n");
            for (OptionSpec o : options) {
                r.append(".TP\n").append(optionNames(o)).append('\n')
                        .append(escape(String.join(" ", o.description()))).append('\n');
            }
        }

        List<CommandLine> subs = distinct(cl);
        if (!subs.isEmpty()) {
            r.append(".SH COMMANDS\n");
            for (CommandLine sub : subs) {
                r.append(".TP\n\\fB").append(escape(sub.getCommandName())).append("\\fR\n")
                        .append(escape(summary(sub.getCommandSpec()))).append(".\nSee \\fB")
                        .append(escape(pageName(sub.getCommandSpec()))).append("\\fR(1).\n");
            }
        }

        Map<String, String> exitCodes = spec.usageMessage().exitCodeList();
        if (!exitCodes.isEmpty()) {
            r.append(".SH EXIT STATUS\n");
            exitCodes.forEach((code, meaning) -> r.append(".TP\n\\fB").append(escape(code.strip())).append("\\fR\n")
                    .append(escape(meaning.strip())).append('\n'));
        }

        String[] footer = spec.usageMessage().footer();
        if (footer.length > 0) {
            r.append(footer(footer));
        }

        r.append(".SH SEE ALSO\n");
        List<String> related = new ArrayList<>();
        if (cl.getParent() != null) {
            related.add(pageName(cl.getParent().getCommandSpec()));
        }
        for (CommandLine sub : subs) {
            related.add(pageName(sub.getCommandSpec()));
        }
        if (related.isEmpty()) {
            related.add("ovi");
        }
        r.append(String.join(",\n", related.stream().map(n -> "\\fB" + escape(n) + "\\fR(1)").toList())).append('\n');
        return r.toString();
    }

    /** The description's first paragraph up to its first full stop, without it: the page's one-line summary. */
    static String summary(CommandSpec spec) {
        StringBuilder first = new StringBuilder();
        for (String line : spec.usageMessage().description()) {
            if (line.isBlank() || line.startsWith(" ")) {
                break;
            }
            first.append(first.length() == 0 ? "" : " ").append(line.strip());
        }
        String text = format(first.toString());
        int stop = text.indexOf(". ");
        text = stop < 0 ? text : text.substring(0, stop);
        text = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
        return text.isEmpty() ? spec.qualifiedName() : text;
    }

    /** Each verb once (picocli lists a verb under each of its aliases); the help verb has no page of its own. */
    private static List<CommandLine> distinct(CommandLine cl) {
        List<CommandLine> subs = new ArrayList<>();
        for (CommandLine sub : cl.getSubcommands().values()) {
            CommandSpec spec = sub.getCommandSpec();
            if (!subs.contains(sub) && !spec.usageMessage().hidden() && !spec.helpCommand()) {
                subs.add(sub);
            }
        }
        return subs;
    }

    private static String optionNames(OptionSpec o) {
        List<String> names = new ArrayList<>();
        for (String n : o.names()) {
            names.add("\\fB" + escape(n) + "\\fR");
        }
        String joined = String.join(", ", names);
        if (o.typeInfo().isBoolean() || o.arity().max() == 0) {
            return joined;
        }
        return joined + "=\\fI" + escape(o.paramLabel()) + "\\fR";
    }

    /**
     * Description lines as the help shows them: a line that starts with spaces is part of a table or an
     * example and is kept as it is; other lines are prose, filled; an empty line starts a paragraph.
     */
    private static String block(List<String> lines) {
        StringBuilder r = new StringBuilder();
        boolean verbatim = false;
        for (String raw : lines) {
            for (String line : format(raw).split("\n", -1)) {
                boolean indented = line.startsWith(" ");
                if (indented != verbatim) {
                    r.append(indented ? ".nf\n" : ".fi\n");
                    verbatim = indented;
                }
                if (line.isBlank()) {
                    r.append(verbatim ? "\n" : ".PP\n");
                } else {
                    r.append(verbatim ? literal(line) : escape(line) + "\n");
                }
            }
        }
        if (verbatim) {
            r.append(".fi\n");
        }
        return r.toString();
    }

    /** The footer: "Examples:" and such headings become sections, the lines under them kept as they are. */
    private static String footer(String[] lines) {
        StringBuilder r = new StringBuilder();
        List<String> under = new ArrayList<>();
        for (String raw : lines) {
            for (String line : format(raw).split("\n", -1)) {
                if (!line.startsWith(" ") && line.endsWith(":")) {
                    r.append(block(under));
                    under.clear();
                    r.append(".SH ").append(escape(line.substring(0, line.length() - 1).toUpperCase(java.util.Locale.ROOT)))
                            .append('\n');
                } else if (!line.isBlank() || !under.isEmpty()) {
                    under.add(line.startsWith(" ") ? line : "  " + line);
                }
            }
        }
        if (r.length() == 0) {
            r.append(".SH NOTES\n");
        }
        r.append(block(under));
        return r.toString();
    }

    /** picocli's format specifiers in help text: {@code %n} is a new line, {@code %%} a percent sign. */
    private static String format(String s) {
        return s.replace("%n", "\n").replace("%%", "%");
    }

    /** A line in no-fill mode, kept as the help prints it. */
    private static String literal(String text) {
        StringBuilder r = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            r.append(escape(line)).append('\n');
        }
        return r.toString();
    }

    /** Text made safe for roff: backslashes and hyphens escaped, a leading dot or quote kept as text. */
    static String escape(String s) {
        String e = s.replace("\\", "\\e").replace("-", "\\-");
        if (e.startsWith(".") || e.startsWith("'")) {
            e = "\\&" + e;
        }
        return e;
    }
}

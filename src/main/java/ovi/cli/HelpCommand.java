package ovi.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Parameters;

/**
 * {@code help [VERB...]} at any level: {@code ovi help wal show} and {@code ovi wal help show} both print
 * {@code wal show}'s help. picocli's own help command takes one verb only, so it printed {@code wal}'s help
 * for the first and was not there for the second.
 */
@Command(name = "help", helpCommand = true,
        description = {"Print the help of a verb, sub-verbs too (ovi help wal show)."},
        synopsisHeading = "%nUsage: ")
public final class HelpCommand implements CommandLine.IHelpCommandInitializable2, Runnable {
    @Parameters(paramLabel = "VERB", arity = "0..*", description = "The verb, and its sub-verbs.")
    List<String> verbs = List.of();

    private CommandLine self;
    private Help.ColorScheme colours;
    private PrintWriter out;

    @Override
    public void init(CommandLine helpCommandLine, Help.ColorScheme colorScheme, PrintWriter out, PrintWriter err) {
        this.self = helpCommandLine;
        this.colours = colorScheme;
        this.out = out;
    }

    @Override
    public void run() {
        CommandLine target = self.getParent();
        if (target == null) {
            return;
        }
        for (String verb : verbs) {
            CommandLine sub = target.getSubcommands().get(verb);
            if (sub == null) {
                throw new CommandLine.ParameterException(self, "unknown verb '" + verb + "' of '"
                        + target.getCommandSpec().qualifiedName() + "': it has "
                        + String.join(", ", target.getSubcommands().keySet()));
            }
            target = sub;
        }
        target.usage(out, colours);
        out.flush();
    }
}

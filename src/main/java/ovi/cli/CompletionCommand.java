package ovi.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code completion bash|zsh}: the shell completion script for every verb and option, on stdout. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {
            "Print the shell completion script for ovi's verbs and options.",
            "The zsh script is the bash one, loaded through zsh's bashcompinit.",
        },
        footer = {"", "Examples:",
            "  source <(ovi completion bash)                  # this shell only",
            "  ovi completion bash > ~/.local/share/bash-completion/completions/ovi",
            "  echo 'source <(ovi completion zsh)' >> ~/.zshrc"})
public final class CompletionCommand implements Callable<Integer> {
    /** The shells a script is made for. */
    enum Shell { bash, zsh }

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
    Shell shell;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.print(script(spec.root().commandLine()));
        out.flush();
        return 0;
    }

    /** The script for {@code root}'s command line; the same text serves bash and zsh (see the description). */
    public static String script(picocli.CommandLine root) {
        return AutoComplete.bash(root.getCommandName(), root);
    }
}

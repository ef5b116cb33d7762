package ovi;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import ovi.cli.ApplyCommand;
import ovi.cli.CompletionCommand;
import ovi.cli.ImportCommand;
import ovi.cli.ErrorHandler;
import ovi.cli.HelpCommand;
import ovi.cli.HistoryCommand;
import ovi.cli.PlanCommand;
import ovi.cli.SchemaCommand;
import ovi.cli.StatusCommand;
import ovi.cli.ValidateCommand;
import ovi.cli.VersionProvider;
import ovi.cli.WalCommand;
import ovi.cli.WatchCommand;
import ovi.cli.Wiring;
import ovi.engine.ExitCode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code ovi} command: the root of the command line; each verb lives in {@code ovi.cli}, and the
 * parts every verb uses are built by one {@link Wiring}, handed to the verbs through picocli's factory.
 */
@Command(name = "ovi",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Reconciles AWS with a declared config: finds what is missing, unwanted,",
            "drifted or unmanaged, decides what to do about each, and records every",
            "observation and decision in an audit log.",
        },
        exitCodeOnInvalidInput = ExitCode.USAGE,
        exitCodeOnExecutionException = ExitCode.ERROR,
        exitCodeListHeading = "%nExit codes:%n",
        footer = {"", "Run 'ovi help VERB' for the options of each verb ('ovi help wal show' for a sub-verb)."})
public final class Ovi implements Runnable {
    static {
        protect();
    }

    /**
     * Settings every ovi process needs before Chronicle or H2 load, however it was started (bin/ovi,
     * {@code java -jar}, a test): Chronicle's usage analytics would look up and call a host on the internet,
     * and H2's auto-server would listen on every interface. The JVM flags bin/ovi passes say the same; this
     * covers {@code java -jar ovi.jar} without them. Runs in this class's static initializer, which the JVM
     * runs before {@code main}, and before any command can touch the WAL or the store.
     */
    public static void protect() {
        System.setProperty("chronicle.analytics.disable", "true");
        System.setProperty("h2.bindAddress", "127.0.0.1");
    }

    // read from the parse result (ErrorHandler.debug), wherever on the line it was given
    @Option(names = "--debug", scope = ScopeType.INHERIT, description =
            "Print stack traces with errors; plan and apply also log each AWS attempt (HTTP status, time, request id) "
                    + "at level debug.")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a verb is required, such as 'ovi plan'");
    }

    /** The verbs, in the order help lists them. */
    private static final List<Class<?>> VERBS = List.of(PlanCommand.class, ApplyCommand.class, ImportCommand.class,
            ValidateCommand.class, SchemaCommand.class, WatchCommand.class, StatusCommand.class, HistoryCommand.class,
            WalCommand.class, CompletionCommand.class, HelpCommand.class);

    /** The command line with every verb wired; results go to {@code out}, diagnostics to {@code err}. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, Wiring.over(Ovi::commandLine));
    }

    /** ... and {@code terminal}, the process's stderr unfiltered, for the status line when it is a terminal. */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, java.io.Writer terminal) {
        return commandLine(out, err, Wiring.over(Ovi::commandLine, terminal));
    }

    /** The line of {@code args}, with only the verb it names first (see below), else every verb. */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, java.io.Writer terminal, String[] args) {
        String first = args.length > 0 ? args[0] : null;
        boolean verb = first != null && !first.equals("help") && !first.equals("completion");
        return commandLine(out, err, Wiring.over(Ovi::commandLine, terminal), verb ? first : null);
    }

    /** ... with its verbs wired by {@code wiring} (each run of {@code ovi watch} gets the watch's). */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err, Wiring wiring) {
        return commandLine(out, err, wiring, null);
    }

    /**
     * ... with only the verb named {@code only} when it is one (null: all of them). A run from cron
     * starts a JVM each time, and building every verb's options costs it about a third of a second; a
     * line that starts with anything else ({@code help}, an option, a typo to suggest a verb for) gets
     * them all.
     */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, Wiring wiring, String only) {
        CommandLine cl = new CommandLine(new Ovi(), wiring.factory());
        for (Class<?> verb : VERBS) {
            if (only == null || only.equals(verb.getAnnotation(Command.class).name())) {
                cl.addSubcommand(verb);
            }
        }
        if (cl.getSubcommands().isEmpty()) { // not a verb after all: every verb, to say which there are
            VERBS.forEach(cl::addSubcommand);
        }
        // text from outside (config values, AWS's replies) must not drive the terminal: see the filter
        cl.setOut(ovi.cli.TerminalSafeWriter.wrap(out));
        cl.setErr(ovi.cli.TerminalSafeWriter.wrap(err));
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setParameterExceptionHandler(ErrorHandler::usage);
        cl.getCommandSpec().usageMessage().exitCodeList(ExitCode.table());
        // help as wide as the terminal it is shown on; 80 columns when there is none (a pipe, a file)
        cl.setUsageHelpWidth(HELP_WIDTH);
        cl.setUsageHelpAutoWidth(true);
        // everything after 'ovi watch VERB' belongs to that verb
        CommandLine watch = cl.getSubcommands().get("watch");
        if (watch != null) {
            watch.setStopAtPositional(true);
        }
        return cl;
    }

    /** The width of help text when no terminal says otherwise. */
    static final int HELP_WIDTH = 80;

    public static int run(String... args) {
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = commandLine(out, err, err, args).execute(args);
        out.flush();
        err.flush();
        return code;
    }

    public static void main(String[] args) {
        ovi.cli.RunOptions.mayStopTheProcess();
        System.exit(run(args));
    }
}

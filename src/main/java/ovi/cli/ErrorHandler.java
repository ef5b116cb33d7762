package ovi.cli;

import java.io.PrintWriter;
import ovi.engine.ExitCode;
import ovi.engine.OviException;
import picocli.CommandLine;

/** Prints one clear line per error (stack traces only with --debug) and picks the exit code. */
public final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        boolean debug = debug(parsed);
        if (ex instanceof OviException e) {
            err.println("ovi: error: " + e.getMessage());
            if (debug && e.getCause() != null) {
                e.printStackTrace(err);
            }
            err.flush();
            return e.exitCode();
        }
        err.println("ovi: internal error: " + ex + (debug ? "" : " (run again with --debug for details)"));
        if (debug) {
            ex.printStackTrace(err);
        }
        err.flush();
        return ExitCode.ERROR;
    }

    /** A command line ovi cannot parse: one line saying what, a suggestion, and where help is; exit 64. */
    public static int usage(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("ovi: usage error: " + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Run '" + cl.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return ExitCode.USAGE;
    }

    /** Whether {@code --debug} was given, to ovi or to any verb below it, in the command line {@code parsed}. */
    static boolean debug(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult r = parsed; r != null; r = r.hasSubcommand() ? r.subcommand() : null) {
            if (r.matchedOptionValue("--debug", false)) {
                return true;
            }
        }
        return false;
    }
}

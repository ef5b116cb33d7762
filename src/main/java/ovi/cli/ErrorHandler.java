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
        Log log = cl.getCommand() instanceof Logged l ? l.log() : null;
        if (log == null) {
            log = new Log(err, logFormat(parsed), null, false);
        }
        if (jsonOutput(parsed)) {
            // -o json: a program reads stdout as JSON, and the error as JSON too, never half text
            int code = exitCode(ex);
            String message = ex instanceof OviException ? ex.getMessage() : "internal error: " + ex
                    + (debug ? "" : " (run again with --debug for details)");
            com.fasterxml.jackson.databind.node.ObjectNode n = error(message, code);
            if (logFormat(parsed) == Log.Format.json) {
                // the one line is also a log line for a shipper reading --log-format json
                n.put("time", java.time.Instant.now().toString());
                n.put("level", "error");
            }
            if (debug) {
                java.io.StringWriter trace = new java.io.StringWriter();
                ex.printStackTrace(new PrintWriter(trace));
                n.put("stackTrace", trace.toString());
            }
            err.println(n.toString());
            err.flush();
            return code;
        }
        if (ex instanceof OviException e) {
            log.error(e.getMessage());
            if (debug && e.getCause() != null) {
                stackTrace(log, err, e);
            }
            err.flush();
            return e.exitCode();
        }
        if (log.json()) {
            log.error("internal error: " + ex + (debug ? "" : " (run again with --debug for details)"));
        } else {
            err.println("ovi: internal error: " + ex + (debug ? "" : " (run again with --debug for details)"));
        }
        if (debug) {
            stackTrace(log, err, ex);
        }
        err.flush();
        return ExitCode.ERROR;
    }

    /** As text, as Java prints it; in a JSON log, one debug line holding the whole trace. */
    private static void stackTrace(Log log, PrintWriter err, Throwable t) {
        if (log.json()) {
            java.io.StringWriter trace = new java.io.StringWriter();
            t.printStackTrace(new PrintWriter(trace));
            log.debug(trace.toString().stripTrailing());
        } else {
            t.printStackTrace(err);
        }
    }

    /** The exit code {@link #handleExecutionException} gives {@code e}: for what a run records of itself. */
    static int exitCode(Exception e) {
        if (e instanceof OviException o) {
            return o.exitCode();
        }
        if (e instanceof CommandLine.ParameterException) {
            return ExitCode.USAGE;
        }
        return ExitCode.ERROR;
    }

    /** A command line ovi cannot parse: one line saying what, a suggestion, and where help is; exit 64. */
    public static int usage(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        if (cl.getCommand() instanceof Logged l && l.log() != null && l.log().json()) {
            // found by the verb itself (its options checked together): its log is JSON, so is this
            l.log().error("usage error: " + ex.getMessage() + " (run '" + cl.getCommandSpec().qualifiedName()
                    + " --help' for usage)");
            return ExitCode.USAGE;
        }
        if (jsonOutput(args)) {
            err.println(error("usage error: " + ex.getMessage() + " (run '" + cl.getCommandSpec().qualifiedName()
                    + " --help' for usage)", ExitCode.USAGE));
            err.flush();
            return ExitCode.USAGE;
        }
        err.println("ovi: usage error: " + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Run '" + cl.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return ExitCode.USAGE;
    }

    /** An error as the JSON object printed on stderr under {@code -o json}. */
    static com.fasterxml.jackson.databind.node.ObjectNode error(String message, int exitCode) {
        com.fasterxml.jackson.databind.node.ObjectNode n = OutputOptions.document();
        n.put("error", message);
        n.put("exitCode", exitCode);
        return n;
    }

    /** Whether the verb in {@code parsed} prints JSON results ({@code -o json}, {@code -o jsonl}, {@code --json}). */
    static boolean jsonOutput(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult r = parsed; r != null; r = r.hasSubcommand() ? r.subcommand() : null) {
            if (r.hasMatchedOption("--json")) {
                return true;
            }
            CommandLine.Model.OptionSpec o = r.matchedOption("--output");
            if (o != null && String.valueOf((Object) o.getValue()).startsWith("json")) {
                return true;
            }
        }
        return false;
    }

    /** The same, from the raw arguments: a usage error may come before there is a parse result. */
    static boolean jsonOutput(String[] args) {
        for (int i = 0; args != null && i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                return false;
            }
            if (a.equals("--json") || a.equals("-json") || a.matches("(-o=?|--output=)jsonl?")
                    || ((a.equals("-o") || a.equals("--output")) && i + 1 < args.length && args[i + 1].matches("jsonl?"))) {
                return true;
            }
        }
        return false;
    }

    /** The {@code --log-format} of the verb in {@code parsed}, text when none was given. */
    static Log.Format logFormat(CommandLine.ParseResult parsed) {
        Log.Format f = Log.Format.text;
        for (CommandLine.ParseResult r = parsed; r != null; r = r.hasSubcommand() ? r.subcommand() : null) {
            f = r.matchedOptionValue("--log-format", f);
        }
        return f;
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

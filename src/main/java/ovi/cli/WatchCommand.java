package ovi.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import ovi.engine.ExitCode;
import ovi.engine.OviException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {
            "Run plan or apply again and again, every --interval, until stopped.",
            "The same loop as 'ovi plan' or 'ovi apply' from cron, in one long-lived",
            "process: each run is a whole run of its own (its own run id in the WAL), and a",
            "run that takes longer than the interval is followed by the next at once.",
            "Everything after VERB is that verb's own options. 'watch apply' needs",
            "--auto-approve and -c (nobody answers a prompt; a saved plan is applied once).",
            "'watch apply' is a controller: each run compares what it observes with the",
            "previous revision in the store (created, deleted, updated, status updated) and",
            "acts only on resources that changed (in AWS or in the config) or whose time has",
            "come: each is reconciled again every --resync (jittered), and one whose action",
            "failed backs off (--backoff-base, doubling up to --backoff-max, jittered; kept",
            "in the store, so a restarted watch waits it out). A run with nothing changed",
            "and nothing due writes no row to the store and one 'observed' entry to the WAL.",
            "A config edited to be invalid is reported and the last valid one keeps running.",
            "Ctrl-C or SIGTERM stops after the current run (no new action is started, those",
            "under way finish and release their claims) and exits 0; a second one stops at",
            "once (an action cut off is settled by the next apply, as after a crash).",
            "A usage error stops the watch; so does an invalid config on the first run (for",
            "'watch plan' a later one is reported and the config read again next time).",
            "Exit code: that of the last run (0 when stopped by a signal).",
        },
        footer = {"", "Examples:",
            "  ovi watch plan -c ovi.yaml -q --detailed-exitcode",
            "  ovi watch --interval 10m apply -c ovi.yaml --auto-approve --max-deletes 2",
            "  ovi watch --interval 30s --count 3 plan -c ovi.yaml -o json",
            "  # findings to the config's notify targets, once each, from a watch that only looks:",
            "  ovi watch --interval 10m plan -c ovi.yaml -q --notify"})
public final class WatchCommand implements Callable<Integer> {
    private static final List<String> VERBS = List.of("plan", "apply");

    @Spec
    CommandSpec spec;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "5m", converter = Durations.Interval.class,
            description = "Time from the start of one run to the start of the next (default ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0",
            description = "Stop after N runs (default 0: until stopped).")
    int count;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Serve /healthz and /metrics over HTTP "
            + "here, such as 127.0.0.1:9464 (port 0: a free one, said on stderr). /healthz answers 200 while runs "
            + "complete and 503 with a JSON reason when none has completed within --max-age, one has been going "
            + "longer, or the last found the config invalid; /metrics has the last run's metrics (as its "
            + "--metrics-file) and the watch's own, in the Prometheus text format.")
    String listen;

    @Option(names = "--max-age", paramLabel = "DURATION", converter = Durations.MaxAge.class,
            description = "With --listen: how old the last completed run may be, and how long one may go, before "
                    + "/healthz answers 503 (default: three intervals, at least 1m).")
    Duration maxAge;

    @Option(names = "--resync", paramLabel = "DURATION", defaultValue = "1h", converter = Durations.Resync.class,
            description = "'watch apply': reconcile every resource at least this often, changed or not, each at a "
                    + "jittered time (default ${DEFAULT-VALUE}).")
    Duration resync;

    @Option(names = "--backoff-base", paramLabel = "DURATION", defaultValue = "30s", converter = Durations.Backoff.class,
            description = "'watch apply': how long a resource whose action failed waits before it is acted on again; "
                    + "each failure in a row doubles it (default ${DEFAULT-VALUE}).")
    Duration backoffBase;

    @Option(names = "--backoff-max", paramLabel = "DURATION", defaultValue = "1h", converter = Durations.Backoff.class,
            description = "'watch apply': the longest such wait (default ${DEFAULT-VALUE}). Up to a fifth of each "
                    + "wait is random.")
    Duration backoffMax;

    @Parameters(index = "0", paramLabel = "VERB", description = "plan or apply.")
    String verb;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "The verb's own options, as on its own command line.")
    List<String> args = new ArrayList<>();

    private final Wiring wiring;

    WatchCommand(Wiring wiring) {
        this.wiring = wiring;
    }

    /** For parsing only (picocli's own factory): running it then fails. */
    WatchCommand() {
        this(null);
    }

    @Override
    public Integer call() {
        check();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> inner = new ArrayList<>();
        if (ErrorHandler.debug(spec.root().commandLine().getParseResult())) {
            inner.add("--debug");
        }
        inner.add(verb);
        inner.addAll(args);
        String shown = "ovi " + String.join(" ", inner);
        WatchContext context = verb.equals("apply") ? new WatchContext(new ovi.engine.Scheduler.Settings(resync,
                backoffBase, backoffMax, 0.2), java.time.Clock.systemUTC()) : null;
        Wiring runs = context == null ? wiring : wiring.watching(context);
        WatchServer server = null;
        Path scratch = null;
        if (listen != null) {
            // each run's metrics are what /metrics serves: its own --metrics-file, or one the watch gives it
            Path file = metricsFile(args);
            if (file == null) {
                try {
                    scratch = Files.createTempDirectory("ovi-watch");
                } catch (java.io.IOException e) {
                    throw OviException.failure("cannot make a directory for the runs' metrics: " + e.getMessage(), e);
                }
                file = scratch.resolve("run.prom");
                inner.addAll(List.of("--metrics-file", file.toString()));
            }
            Duration age = maxAge != null ? maxAge : max(interval.multipliedBy(3), Duration.ofMinutes(1));
            server = WatchServer.start(listen, age, file, context);
        }
        // the watch's own lines are JSON too when the runs' are, so one log shipper reads the whole stream
        boolean json = jsonLogs(args);
        Log log = new Log(err, Log.Format.json, null, false);
        java.util.function.Consumer<String> say = m -> {
            if (json) {
                log.info("watch: " + m);
            } else {
                synchronized (err) {
                    err.println("ovi watch: " + m);
                    err.flush();
                }
            }
        };

        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean signalled = new AtomicBoolean();
        if (server != null) {
            say.accept("serving /healthz and /metrics on " + server.url());
        }
        WatchServer http = server;
        Path scratchDir = scratch;
        List<Restore> restore = onStop(() -> {
            if (stop.getAndSet(true)) {
                say.accept("stopping now");
                err.flush();
                System.exit(130);
            }
            signalled.set(true);
            if (context != null) {
                context.stopping();
            }
            say.accept("stopping after the current run (again to stop now)");
            err.flush();
            // only the pause is woken: an interrupt would cut the run's actions off mid-call
            synchronized (stop) {
                stop.notifyAll();
            }
        });
        try {
            int last = ExitCode.OK;
            for (int n = 1; count == 0 || n <= count; n++) {
                Instant start = Instant.now();
                say.accept("run " + n + " at " + start.truncatedTo(ChronoUnit.SECONDS) + ": " + shown);
                if (http != null) {
                    http.runStarted();
                }
                last = runs.commandLine(out, err).execute(inner.toArray(String[]::new));
                if (http != null) {
                    http.runEnded(last);
                }
                out.flush();
                if (context != null && context.configProblem() != null) {
                    say.accept("the config is invalid; run " + n + " ran the last valid one");
                }
                say.accept("run " + n + " ended with exit code " + last + " (" + meaning(last) + ")");
                if (last == ExitCode.USAGE || (last == ExitCode.DATA && n == 1)) {
                    say.accept("stopped: this would fail the same way every time");
                    return last;
                }
                if (stop.get() || (count != 0 && n == count)) {
                    break;
                }
                Instant next = start.plus(interval);
                if (next.isAfter(Instant.now())) {
                    say.accept("next run at " + next.truncatedTo(ChronoUnit.SECONDS));
                    err.flush();
                    pauseUntil(next, stop);
                }
                if (stop.get()) {
                    break;
                }
            }
            if (stop.get()) {
                say.accept("stopped");
            }
            // told to stop, the watch stopped as asked: the last run's own outcome was said above
            return signalled.get() && last != ExitCode.USAGE ? ExitCode.OK : last;
        } finally {
            if (context != null) {
                context.ended(say);
            }
            restore.forEach(Restore::run);
            if (http != null) {
                http.close();
            }
            if (scratchDir != null) {
                try (var files = Files.walk(scratchDir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                } catch (java.io.IOException ignored) {
                    // a temporary directory left behind holds only the last run's metrics
                }
            }
            err.flush();
        }
    }

    /** The {@code --metrics-file} the verb's arguments name, or null. */
    static Path metricsFile(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("--metrics-file=")) {
                return Path.of(a.substring("--metrics-file=".length()));
            }
            if (a.equals("--metrics-file") && i + 1 < args.size()) {
                return Path.of(args.get(i + 1));
            }
        }
        return null;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** Whether the verb's arguments ask for {@code --log-format json}. */
    static boolean jsonLogs(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--log-format=json") || (a.equals("--log-format") && i + 1 < args.size()
                    && args.get(i + 1).equals("json"))) {
                return true;
            }
        }
        return false;
    }

    private void check() {
        if (!VERBS.contains(verb)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "ovi watch runs plan or apply, not '" + verb + "'");
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--interval must be more than zero");
        }
        if (backoffMax.compareTo(backoffBase) < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--backoff-max must be at least --backoff-base");
        }
        if (count < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--count must be 0 (until stopped) or more");
        }
        if (verb.equals("apply")) {
            if (!args.contains("--auto-approve")) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "ovi watch apply needs --auto-approve: nobody is there to answer each run's prompt");
            }
            if (args.stream().noneMatch(a -> a.equals("-c") || a.startsWith("--config")) || namesPlanFile(args)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "ovi watch apply needs -c CONFIG and no PLAN_FILE: a saved plan is applied once, not again "
                                + "and again");
            }
        }
    }

    /** Whether apply's arguments name a saved plan (apply takes -c and a PLAN_FILE together). */
    private static boolean namesPlanFile(List<String> args) {
        ApplyCommand probe = new ApplyCommand();
        try {
            new CommandLine(probe).parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            return false; // the run itself reports the usage error
        }
        return probe.planFile != null;
    }

    private static void pauseUntil(Instant next, AtomicBoolean stop) {
        synchronized (stop) {
            while (!stop.get()) {
                long ms = Duration.between(Instant.now(), next).toMillis();
                if (ms <= 0) {
                    return;
                }
                try {
                    stop.wait(ms); // the stop handler notifies
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static String meaning(int code) {
        return switch (code) {
            case ExitCode.OK -> "ok";
            case ExitCode.ERROR -> "error";
            case ExitCode.CHANGES -> "changes present";
            case ExitCode.PARTIAL -> "apply partly failed";
            case ExitCode.USAGE -> "usage error";
            case ExitCode.DATA -> "invalid config or plan file";
            default -> "exit code " + code;
        };
    }

    /** Puts back a signal's previous handler. */
    private interface Restore extends Runnable {
    }

    /** Sends INT and TERM to {@code handler} instead of ending the JVM, until restored. */
    private static List<Restore> onStop(Runnable handler) {
        List<Restore> restore = new ArrayList<>();
        for (String name : List.of("INT", "TERM")) {
            try {
                Signal signal = new Signal(name);
                var previous = Signal.handle(signal, s -> handler.run());
                restore.add(() -> Signal.handle(signal, previous));
            } catch (IllegalArgumentException e) {
                // a signal this platform or JVM does not let a program handle: it ends the process as usual
            }
        }
        return restore;
    }
}

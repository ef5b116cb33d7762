package ovi.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import ovi.aws.Traffic;
import ovi.config.OviConfig;
import ovi.engine.Applier;
import ovi.engine.ApplyUseCase;
import ovi.engine.ExitCode;
import ovi.engine.OviException;
import ovi.engine.Plan;
import ovi.engine.Progress;
import ovi.model.Action;
import ovi.model.Intent;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {
            "Act on ovi's decisions, from a config or from a saved plan.",
            "With -c: observe, decide and act. With PLAN_FILE: act on exactly a plan",
            "saved by 'ovi plan --out', checked against this run's config and state.",
            "Each resource is claimed in the store first, so overlapping runs never act",
            "on one resource twice, and looked up again right before acting, so nothing",
            "is done on a stale picture. Asks for 'yes' on a terminal; cron jobs pass",
            "--auto-approve (a saved PLAN_FILE needs none without a terminal).",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every decision executed, or skipped for a benign reason",
            "1:nothing done (observation failed, guard tripped, cancelled)",
            "3:a decision failed or was refused (stale, bucket not empty)",
            "64:usage error (also: no terminal, no --auto-approve and no PLAN_FILE)",
            "65:invalid config; plan file invalid, changed, or foreign",
        },
        footer = {"", "Examples:",
            "  ovi apply -c ovi.yaml",
            "  ovi plan -c ovi.yaml --out plan.json && ovi apply plan.json",
            "  ovi apply -c infra/ovi.yaml --state-dir /srv/ovi plan.json",
            "  */5 * * * * cd /srv/infra && ovi apply -c ovi.yaml --auto-approve -q \\",
            "      >>/var/log/ovi.log 2>&1",
            "  # with JSON logs, and metrics for node_exporter's textfile collector:",
            "  */5 * * * * cd /srv/infra && ovi apply -c ovi.yaml --auto-approve \\",
            "      --log-format json 2>>/var/log/ovi.jsonl \\",
            "      --metrics-file /var/lib/node_exporter/textfile/ovi_apply.prom"})
public final class ApplyCommand implements Callable<Integer>, Logged {
    @Spec
    CommandSpec spec;

    /** The store's holder column takes 200 characters: the name, '#' and a 16-digit nonce of the run. */
    static final int MAX_INSTANCE_ID = 180;

    /** The config a saved plan is checked against when -c is not given. */
    static final String DEFAULT_CONFIG = "ovi.yaml";

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description =
            "The config (YAML): observe, decide, act. With PLAN_FILE: the config the plan was made from "
            + "(default: ovi.yaml in the current directory).")
    Path config;

    @Parameters(arity = "0..1", paramLabel = "PLAN_FILE", description =
            "A plan saved by 'ovi plan --out'. It is checked against this run's own config and state "
            + "directory (-c, --state-dir), never against paths the file names.")
    Path planFile;

    @Mixin
    StateOptions state;

    @Mixin
    AwsOptions aws;

    @Mixin
    RunOptions run;

    @Mixin
    OutputOptions output;

    @Option(names = "--auto-approve", description =
            "Act without asking (for cron); required without a terminal, except for a saved PLAN_FILE "
            + "(the plan was the review).")
    boolean autoApprove;

    @Mixin
    DecisionOptions decisions;

    @Mixin
    OperationsOptions ops;

    @Option(names = "--max-deletes", paramLabel = "N", defaultValue = "5",
            description = "Stop before acting when more than N deletes are decided (default: ${DEFAULT-VALUE}).")
    int maxDeletes;

    @Option(names = "--max-changes", paramLabel = "N", defaultValue = "50",
            description = "Stop before acting when more than N creates, updates and deletes are "
                    + "decided (default: ${DEFAULT-VALUE}).")
    int maxChanges;

    @Option(names = "--claim-ttl", paramLabel = "DURATION", defaultValue = "5m", converter = Durations.ClaimTtl.class,
            description = "How long a claim lasts if this process dies holding it: 90s, 5m, 1h30m "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration claimTtl;

    @Option(names = "--instance-id", paramLabel = "ID",
            description = "This instance's name in claims and the WAL (default: host:pid).")
    String instanceId;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "4",
            description = "At most N resources are acted on at once (default: ${DEFAULT-VALUE}); one that names "
                    + "another (an instance and its security group) waits for it, whatever N.")
    int concurrency;

    @Option(names = "--no-notify", description = "Send nothing to the config's notify targets this run (they "
            + "are sent findings, applied actions and failures as their events say; see 'Notifications' in the README).")
    boolean noNotify;

    final Wiring wiring;
    private Log log;

    ApplyCommand(Wiring wiring) {
        this.wiring = wiring;
    }

    /** For parsing only (picocli's own factory; 'ovi watch' checking apply's arguments): running it then fails. */
    ApplyCommand() {
        this(null);
    }

    @Override
    public Log log() {
        return log;
    }

    @Override
    public Integer call() {
        String runId = RunId.next();
        Instant started = Instant.now();
        log = ops.log(spec.commandLine().getErr(), runId, output.quiet, wiring == null ? null : wiring.statusLine());
        try {
            return ops.framed("apply", started, run, aws, log, metrics -> apply(started, runId, metrics));
        } finally {
            log.endStatus();
        }
    }

    private int apply(Instant started, String runId, RunMetrics metrics) {
        PrintWriter stdout = spec.commandLine().getOut();
        state.warnTo(log::warn);
        state.noticeTo(log::info);
        checkUsage();
        run.check(spec.commandLine());
        Console console = terminal();
        // a saved plan was the review: without a terminal it is applied as it stands (still checked: its seal,
        // its state and config, and every resource looked up again); on a terminal ovi still asks
        boolean approved = autoApprove || (planFile != null && console == null);
        if (!approved && console == null) {
            throw OviException.usage("no terminal to confirm on: pass --auto-approve to apply without asking "
                    + "(as cron jobs do), apply a plan saved with 'ovi plan --out FILE', or run 'ovi plan' to only look");
        }
        Progress progress = log.progress();
        boolean debug = ErrorHandler.debug(spec.root().commandLine().getParseResult());
        String holder = instanceId != null ? instanceId : defaultInstanceId();

        ApplyUseCase.SavedPlan saved = null;
        OviConfig cfg;
        if (planFile != null) {
            // the config and state are this run's own (flags or defaults), never what the file names
            Path configFile = config != null ? config : Path.of(DEFAULT_CONFIG);
            Path stateDir = state.resolve(configFile, false);
            PlanFile.Saved file = PlanFile.read(planFile, stateDir, configFile);
            cfg = aws.loadConfig(configFile, spec.commandLine(), log::warn, noNotify ? null : System::getenv);
            metrics.owner(cfg.owner());
            if (!cfg.owner().equals(file.owner())) {
                throw PlanFile.invalid(planFile, "it is owner '" + file.owner() + "''s plan, but its config "
                        + file.config() + " is now owner '" + cfg.owner() + "'s; nothing was done");
            }
            state.stateDir = stateDir;
            saved = new ApplyUseCase.SavedPlan(file.file(), file.runId(), file.revision(), file.owner(), file.account(),
                    file.intents());
        } else {
            cfg = wiring.watch != null ? wiring.watch.config(config, log::warn)
                    : aws.loadConfig(config, spec.commandLine(), log::warn, noNotify ? null : System::getenv);
            metrics.owner(cfg.owner());
        }
        if (wiring.watch != null) {
            wiring.watch.holder(holder);
        }

        Traffic.Policy policy = aws.policy(cfg, spec.commandLine());
        run.waitJitter(progress);
        ApplyUseCase.Report report;
        Traffic traffic;
        try (Session s = wiring.open(cfg, state, aws, policy, t -> {
            metrics.traffic(t);
            run.setUp(t, started, log, debug);
        }, progress, saved == null)) {
            traffic = s.aws.traffic();
            report = wiring.apply(s, progress).apply(s.declaration, runId, started, saved, new ApplyUseCase.Options(holder,
                    claimTtl, maxDeletes, maxChanges, decisions.skipDestructive, decisions.allowEmpty, concurrency,
                    run.deadline(started), decisions.adopt), show(stdout, metrics), approved ? () -> true : () -> confirm(console));
            if (!noNotify) {
                // after acting, so a slow receiver never delays an action
                var notified = Wiring.notify(s, wiring.notifications(s, progress), new ovi.engine.Notifications.Run(runId,
                        cfg.owner(), report.account(), planned, report.applied(), run.deadline(started)), log::warn);
                if (notified != null) {
                    metrics.notified(notified);
                }
            }
        }
        if (wiring.watch != null) {
            wiring.watch.traffic(traffic);
        }
        log.endStatus();
        metrics.applied(report.applied());
        metrics.unobserved(report.unobserved().size());
        TrafficReport.warnOpened(traffic, log::warn);
        int exit = report.exitCode();
        if (traffic.deadlinePassed()) {
            log.error(run.reached() + "; actions not started were skipped (deadline), and one cut short is recorded "
                    + "as it ended");
            exit = ExitCode.ERROR;
        }
        if (!report.unobserved().isEmpty()) {
            // said even with -q: a cron log must show why the run is incomplete
            log.warn("not observed, so nothing was created or deleted there: " + PlanText.scopes(report.unobserved()));
        }
        if (output.json()) {
            stdout.println(ApplyJson.toJson(report.applied(), report.owner(), report.account(), report.planRunId(),
                    report.unobserved(), exit, TrafficReport.json(traffic), planned == null ? null : planned.ignored()));
        } else {
            printReport(stdout, report.applied(), exit);
        }
        stdout.flush();
        return exit;
    }

    /** The plan this run made, once made (null when it applies a saved plan): its ignored findings are reported. */
    private Plan planned;

    /** What is about to be done, shown before the guards and the question (in text output only). */
    private ApplyUseCase.Presenter show(PrintWriter stdout, RunMetrics metrics) {
        return new ApplyUseCase.Presenter() {
            @Override
            public void planned(Plan plan) {
                planned = plan;
                metrics.plan(plan);
                if (!output.json()) {
                    log.hideStatus();
                    PlanText.print(plan, stdout, OutputOptions.colour(), decisions.showIgnored);
                    stdout.flush();
                }
            }

            @Override
            public void saved(ApplyUseCase.SavedPlan plan) {
                metrics.decided(plan.intents());
                if (!output.json()) {
                    log.hideStatus();
                    printIntents(stdout, plan);
                }
            }
        };
    }

    private void checkUsage() {
        CommandLine cl = spec.commandLine();
        if (config == null && planFile == null) {
            throw new CommandLine.ParameterException(cl,
                    "give -c CONFIG (observe, decide and act) or a PLAN_FILE saved by 'ovi plan --out'");
        }
        if (planFile != null && decisions.allowEmpty) {
            throw new CommandLine.ParameterException(cl, "--allow-empty only applies with -c: a plan file was "
                    + "decided when it was made");
        }
        if (planFile != null && decisions.adopt) {
            throw new CommandLine.ParameterException(cl, "--adopt only applies with -c: a plan file was decided "
                    + "when it was made (make it with 'ovi plan --adopt --out FILE')");
        }
        if (maxDeletes < 0 || maxChanges < 0) {
            throw new CommandLine.ParameterException(cl, "--max-deletes and --max-changes must not be negative");
        }
        if (concurrency < 1 || concurrency > 64) {
            throw new CommandLine.ParameterException(cl, "--concurrency must be from 1 to 64, not " + concurrency);
        }
        if (claimTtl.isZero() || claimTtl.isNegative()) {
            throw new CommandLine.ParameterException(cl, "--claim-ttl must be positive, not " + claimTtl);
        }
        if (instanceId != null && (instanceId.isBlank() || instanceId.length() > MAX_INSTANCE_ID)) {
            throw new CommandLine.ParameterException(cl, "--instance-id must be 1 to " + MAX_INSTANCE_ID + " characters");
        }
    }

    /**
     * The terminal to ask on, or null. From Java 22 System.console() may answer without one, so its
     * isTerminal() is asked too where it exists.
     */
    static Console terminal() {
        Console c = System.console();
        if (c == null) {
            return null;
        }
        try {
            return Boolean.TRUE.equals(Console.class.getMethod("isTerminal").invoke(c)) ? c : null;
        } catch (ReflectiveOperationException e) {
            return c; // before Java 22 a console is only given on a terminal
        }
    }

    private static boolean confirm(Console console) {
        console.printf("%nDo you want ovi to act on these decisions? Only 'yes' is accepted: ");
        console.flush();
        String answer = console.readLine();
        return answer != null && answer.trim().equals("yes");
    }

    static String defaultInstanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = System.getenv().getOrDefault("HOSTNAME", "localhost");
        }
        String pid = ":" + ProcessHandle.current().pid();
        return (host.length() + pid.length() > MAX_INSTANCE_ID ? host.substring(0, MAX_INSTANCE_ID - pid.length()) : host)
                + pid;
    }

    private static void printIntents(PrintWriter out, ApplyUseCase.SavedPlan saved) {
        List<Intent> intents = saved.intents();
        out.printf("ovi apply %s  (planned in run %s, revision %d)  owner %s  account %s%n", saved.file(),
                saved.runId(), saved.revision(), saved.owner(), saved.account());
        for (Intent i : intents) {
            out.println("  " + i.action().symbol() + " " + i.type().key() + " " + i.id()
                    + (i.cloudId() != null && !i.cloudId().equals(i.id()) ? " (" + i.cloudId() + ")" : "")
                    + " in " + i.region() + ": " + i.reason() + (i.disruptive() ? " (disruptive: stop/start)" : ""));
        }
        Map<Action, Integer> n = Applier.counts(intents);
        out.printf("Plan: %d to create, %d to update, %d to delete, %s%d to notify.%n", n.get(Action.CREATE),
                n.get(Action.UPDATE), n.get(Action.DELETE), n.get(Action.ADOPT) == 0 ? ""
                : n.get(Action.ADOPT) + " to adopt, ", n.get(Action.NOTIFY));
    }

    private static void printReport(PrintWriter out, Applier.Report report, int code) {
        out.println();
        out.println("Outcome:");
        for (Applier.Result r : report.results()) {
            Intent i = r.intent();
            if (i.action() == Action.NOTIFY) {
                continue;
            }
            out.println("  " + i.action().symbol() + " " + i.type().key() + " " + i.id() + ": "
                    + ApplyJson.describe(r.outcome()));
        }
        Map<String, Integer> s = report.summary();
        out.printf("Apply %s: %d executed, %d failed, %d skipped, %d notified (run %s, instance %s).%n",
                code == ExitCode.OK ? "complete" : "incomplete", s.get("executed"), s.get("failed"),
                s.get("skipped"), s.get("notified"), report.runId(), report.holder());
    }
}

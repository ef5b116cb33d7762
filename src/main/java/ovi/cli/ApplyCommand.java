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
import java.util.function.Consumer;
import ovi.aws.AwsActionExecutor;
import ovi.config.OviConfig;
import ovi.engine.Applier;
import ovi.engine.Engine;
import ovi.engine.ExitCode;
import ovi.engine.OviException;
import ovi.engine.Plan;
import ovi.engine.Recovery;
import ovi.engine.SimpleDriftComparator;
import ovi.model.Action;
import ovi.model.Claim;
import ovi.model.Intent;
import ovi.model.Scope;
import ovi.model.WalEntry;
import ovi.wal.InDoubt;
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
            "--auto-approve.",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every decision executed, or skipped for a benign reason",
            "1:nothing done (observation failed, guard tripped, cancelled)",
            "3:a decision failed or was refused (stale, bucket not empty)",
            "64:usage error (also: no terminal and no --auto-approve)",
            "65:invalid config; plan file invalid, changed, or foreign",
        },
        footer = {"", "Examples:",
            "  ovi apply -c ovi.yaml",
            "  ovi plan -c ovi.yaml --out plan.json && ovi apply plan.json",
            "  ovi apply -c infra/ovi.yaml --state-dir /srv/ovi plan.json",
            "  */5 * * * * cd /srv/infra && ovi apply -c ovi.yaml --auto-approve -q \\",
            "      >>/var/log/ovi.log 2>&1"})
public final class ApplyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** The store's holder column takes 200 characters: the name, '#' and a 16-digit nonce of the run. */
    static final int MAX_INSTANCE_ID = 180;

    /** The config a saved plan is checked against when -c is not given. */
    static final String DEFAULT_CONFIG = "ovi.yaml";

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = {
        "The config (YAML): observe, decide, act. With PLAN_FILE: the config the plan",
        "was made from (default: ovi.yaml in the current directory)."})
    Path config;

    @Parameters(arity = "0..1", paramLabel = "PLAN_FILE", description = {
        "A plan saved by 'ovi plan --out'. It is checked against this run's own",
        "config and state directory (-c, --state-dir), never against paths the file names."})
    Path planFile;

    @Mixin
    StateOptions state;

    @Mixin
    AwsOptions aws;

    @Mixin
    OutputOptions output;

    @Option(names = "--auto-approve", description = "Act without asking (for cron); required without a terminal.")
    boolean autoApprove;

    @Mixin
    DecisionOptions decisions;

    @Option(names = "--max-deletes", paramLabel = "N", defaultValue = "5",
            description = "Stop before acting when more than N deletes are decided (default: ${DEFAULT-VALUE}).")
    int maxDeletes;

    @Option(names = "--max-changes", paramLabel = "N", defaultValue = "50",
            description = "Stop before acting when more than N creates, updates and deletes are "
                    + "decided (default: ${DEFAULT-VALUE}).")
    int maxChanges;

    @Option(names = "--claim-ttl", paramLabel = "DURATION", defaultValue = "5m", converter = Durations.DurationConverter.class,
            description = "How long a claim lasts if this process dies holding it: 90s, 5m, 1h30m "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration claimTtl;

    @Option(names = "--instance-id", paramLabel = "ID",
            description = "This instance's name in claims and the WAL (default: host:pid).")
    String instanceId;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "4",
            description = "At most N resources are acted on at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        state.warnTo(stderr);
        checkUsage();
        Console console = terminal();
        if (!autoApprove && console == null) {
            throw OviException.usage("no terminal to confirm on: pass --auto-approve to apply without asking "
                    + "(as cron jobs do), or run 'ovi plan' to only look");
        }
        Consumer<String> progress = output.quiet ? m -> { } : m -> {
            synchronized (stderr) {
                stderr.println("ovi: " + m);
                stderr.flush();
            }
        };
        String holder = instanceId != null ? instanceId : defaultInstanceId();
        String runId = RunId.next();
        Instant started = Instant.now();

        PlanFile.Saved saved = null;
        OviConfig cfg;
        if (planFile != null) {
            // the config and state are this run's own (flags or defaults), never what the file names
            Path configFile = config != null ? config : Path.of(DEFAULT_CONFIG);
            Path stateDir = state.resolve(configFile, false);
            saved = PlanFile.read(planFile, stateDir, configFile);
            cfg = Session.loadConfig(configFile);
            if (!cfg.owner().equals(saved.owner())) {
                throw PlanFile.invalid(planFile, "it is owner '" + saved.owner() + "''s plan, but its config "
                        + saved.config() + " is now owner '" + cfg.owner() + "'s; nothing was done");
            }
            state.stateDir = stateDir;
        } else {
            cfg = Session.loadConfig(config);
        }

        Applier.Report report;
        String account;
        Map<Scope, String> unobserved = Map.of();
        try (Session s = Session.open(cfg, state, aws, progress, saved == null)) {
            AwsActionExecutor executor = new AwsActionExecutor(s.kinds);
            Engine engine = new Engine(s.observer, s.store, new SimpleDriftComparator(),
                    decisions.decisionMaker(), s.wal, progress);
            // first of all: in an account the config does not allow, not even a recovery look-up or a claim
            account = engine.checkAccount(cfg, runId);
            settleActionsInDoubt(s, executor, cfg.owner(), runId, holder, progress);
            List<Intent> intents;
            if (saved != null) {
                if (!account.equals(saved.account())) {
                    throw PlanFile.invalid(planFile, "it was made for account " + saved.account()
                            + ", but these credentials act in account " + account + "; nothing was done");
                }
                intents = saved.intents();
                if (!output.json()) {
                    printIntents(stdout, saved, intents);
                }
            } else {
                Plan plan = engine.plan(cfg, runId, started);
                account = plan.account();
                if (!plan.batch().failures().isEmpty() && plan.batch().failures().size() == plan.batch().scopes().size()) {
                    throw OviException.failure("nothing could be observed, so nothing was done; first error: "
                            + plan.batch().failures().values().iterator().next());
                }
                unobserved = plan.batch().failures();
                intents = plan.decisions().list().stream().map(d -> Intent.of(d, plan.runId())).toList();
                if (!output.json()) {
                    PlanText.print(plan, stdout, OutputOptions.colour());
                    stdout.flush();
                }
            }
            Applier applier = new Applier(executor, executor, s.claims(),
                    s.wal, new Applier.Options(holder, claimTtl, maxDeletes, maxChanges, decisions.skipDestructive,
                    concurrency, cfg::blessed), progress);
            applier.guard(runId, intents);
            boolean changes = intents.stream().anyMatch(i -> i.action().changes());
            if (changes && !autoApprove && !confirm(console)) {
                throw OviException.failure("apply cancelled; nothing was done");
            }
            report = applier.apply(runId, cfg.owner(), intents);
        }
        int code = report.exitCode();
        if (!unobserved.isEmpty() && code == ExitCode.OK) {
            code = ExitCode.PARTIAL;
        }
        if (!unobserved.isEmpty()) {
            // said even with -q: a cron log must show why the run is incomplete
            stderr.println("ovi: warning: not observed, so nothing was created or deleted there: "
                    + PlanText.scopes(unobserved));
            stderr.flush();
        }
        if (output.json()) {
            stdout.println(ApplyJson.toJson(report, cfg.owner(), account, saved == null ? runId : saved.runId(),
                    unobserved, code));
        } else {
            printReport(stdout, report, code);
        }
        stdout.flush();
        return code;
    }

    /**
     * Before anything else: an action an earlier run began but never recorded the end of (it was killed
     * mid-call) may or may not have reached AWS. Each such resource is looked up again and the answer
     * recorded, unless the claim of the run that began it is still live (it may still be working on it:
     * claims keep anyone else off that resource until the claim lapses).
     */
    private void settleActionsInDoubt(Session s, AwsActionExecutor executor, String owner, String runId,
                                      String instance, Consumer<String> progress) {
        List<WalEntry> inDoubt = Recovery.settleable(() -> InDoubt.in(s.wal), s.claims(), owner, Instant.now());
        if (inDoubt.isEmpty()) {
            return;
        }
        progress.accept(inDoubt.size() + " action(s) in doubt from an earlier run that stopped mid-call: looking again");
        // an action cut off between two calls is finished, under a claim of this run's, by the same executor
        Recovery.RollForward finish = new Recovery.RollForward(executor, s.claims(), Claim.holder(instance), claimTtl,
                () -> InDoubt.in(s.wal).stream().map(WalEntry::seq).collect(java.util.stream.Collectors.toSet()));
        Recovery.Result result = new Recovery(executor, s.wal, owner, progress, finish).resolve(runId, inDoubt);
        if (!result.complete()) {
            throw OviException.failure("still in doubt after looking again, so nothing else was done: "
                    + result.unresolved().stream().map(Recovery.Unresolved::reason).toList()
                    + "; run again when AWS answers ('ovi status' lists them)");
        }
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

    private static void printIntents(PrintWriter out, PlanFile.Saved saved, List<Intent> intents) {
        out.printf("ovi apply %s  (planned in run %s, revision %d)  owner %s  account %s%n", saved.file(),
                saved.runId(), saved.revision(), saved.owner(), saved.account());
        for (Intent i : intents) {
            out.println("  " + i.action().symbol() + " " + i.type().key() + " " + i.id()
                    + (i.cloudId() != null && !i.cloudId().equals(i.id()) ? " (" + i.cloudId() + ")" : "")
                    + " in " + i.region() + ": " + i.reason() + (i.disruptive() ? " (disruptive: stop/start)" : ""));
        }
        Map<Action, Integer> n = Applier.counts(intents);
        out.printf("Plan: %d to create, %d to update, %d to delete, %d to notify.%n", n.get(Action.CREATE),
                n.get(Action.UPDATE), n.get(Action.DELETE), n.get(Action.NOTIFY));
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
                code == ExitCode.OK ? "complete" : "incomplete", s.get(ovi.model.WalRecord.Kind.EXECUTED.key()),
                s.get(ovi.model.WalRecord.Kind.FAILED.key()), s.get(ovi.model.WalRecord.Kind.SKIPPED.key()),
                s.get(ovi.model.Outcome.Notified.KIND), report.runId(), report.holder());
    }
}

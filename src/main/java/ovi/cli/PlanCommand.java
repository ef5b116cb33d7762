package ovi.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.Callable;
import ovi.aws.Traffic;
import ovi.engine.PlanUseCase;
import ovi.engine.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {
            "Observe AWS, compare it with the config and show what ovi would do.",
            "Changes nothing in AWS; records the observations in the store and the",
            "decisions in the WAL.",
            "",
            "  + create   declared but not found",
            "  ~ update   exists but differs from the declaration",
            "  - delete   managed by this owner but no longer declared",
            "  & adopt    declared with adopt: and untagged; tagged as ovi's (--adopt)",
            "  ! notify   unmanaged, another owner's, blessed, or a delete skipped",
            "             by --skip-destructive",
            "  . ignored  kept quiet by the config's ignore rules: counted in the",
            "             summary, listed with --show-ignored and in -o json",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:planned (with --detailed-exitcode: and nothing would change)",
            "1:error; with --detailed-exitcode also: a region or service not observed",
            "2:changes present (only with --detailed-exitcode)",
            "64:usage error",
            "65:invalid config",
        },
        footer = {"", "Examples:",
            "  ovi plan -c ovi.yaml",
            "  ovi plan -c ovi.yaml -o json --detailed-exitcode",
            "  ovi plan -c ovi.yaml --out plan.json && ovi apply plan.json",
            "  ovi plan -c ovi.yaml -o html --out report.html",
            "  ovi plan -c ovi.yaml --detailed-exitcode --log-format json \\",
            "      --metrics-file /var/lib/node_exporter/textfile/ovi_plan.prom"})
public final class PlanCommand implements Callable<Integer>, Logged {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The config (YAML).")
    Path config;

    @Mixin
    StateOptions state;

    @Mixin
    AwsOptions aws;

    @Mixin
    RunOptions run;

    @Mixin
    OutputOptions output;

    @Mixin
    DecisionOptions decisions;

    @Mixin
    OperationsOptions ops;

    @Option(names = "--detailed-exitcode",
            description =
            "Exit 2 when the plan would create, update or delete anything (notify alone is no change), "
            + "0 when nothing would change, 1 when a region or service could not be observed (then "
            + "nothing can be said about it, whatever else the plan shows).")
    boolean detailedExitCode;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Save the plan for a later 'ovi apply FILE'. With -o html: write the report page there "
                    + "instead (written whole or not at all; without --out the page goes to stdout).")
    Path out;

    @Option(names = "--wal-retention", paramLabel = "DURATION", converter = Durations.Retention.class,
            description = "After the run, remove whole days of the WAL older than this (such as 30d); see 'ovi wal prune'.")
    java.time.Duration walRetention;

    @Option(names = "--notify", description = "Send this plan's findings (and the resolution of earlier ones) to "
            + "the config's notify targets, as 'ovi apply' does; without it a plan sends nothing.")
    boolean notify;

    private final Wiring wiring;
    private Log log;

    PlanCommand(Wiring wiring) {
        this.wiring = wiring;
    }

    /** For parsing only (picocli's own factory): running it then fails. */
    PlanCommand() {
        this(null);
    }

    @Override
    public Log log() {
        return log;
    }

    @Override
    public Integer call() {
        Instant started = Instant.now();
        String runId = RunId.next();
        log = ops.log(spec.commandLine().getErr(), runId, output.quiet, wiring == null ? null : wiring.statusLine());
        try {
            return ops.framed("plan", started, run, aws, log, metrics -> plan(started, runId, metrics));
        } finally {
            log.endStatus();
        }
    }

    private int plan(Instant started, String runId, RunMetrics metrics) {
        PrintWriter stdout = spec.commandLine().getOut();
        state.warnTo(log::warn);
        state.noticeTo(log::info);
        Progress progress = log.progress();
        boolean debug = ErrorHandler.debug(spec.root().commandLine().getParseResult());
        run.check(spec.commandLine());
        if (output.html() && out != null) {
            // before observing: a report that cannot be written should not cost a whole plan first
            PlanHtml.checkWritable(out);
        }
        var cfg = aws.loadConfig(config, spec.commandLine(), log::warn, notify ? System::getenv : null);
        metrics.owner(cfg.owner());
        Traffic.Policy policy = aws.policy(cfg, spec.commandLine());
        run.waitJitter(progress);
        PlanUseCase.Report report;
        Traffic traffic;
        try (Session s = wiring.open(cfg, state, aws, policy, t -> {
            metrics.traffic(t);
            run.setUp(t, started, log, debug);
        }, progress, true)) {
            traffic = s.aws.traffic();
            report = wiring.plan(s, progress).plan(s.declaration, runId, started, new PlanUseCase.Options(
                    decisions.skipDestructive, decisions.allowEmpty, detailedExitCode, output.html() ? null : out,
                    walRetention, decisions.adopt));
            if (notify) {
                var notified = Wiring.notify(s, wiring.notifications(s, progress), new ovi.engine.Notifications.Run(runId,
                        cfg.owner(), report.plan().account(), report.plan(), null, run.deadline(started)), log::warn);
                if (notified != null) {
                    metrics.notified(notified);
                }
            }
        }
        log.endStatus();
        trained();
        metrics.plan(report.plan());
        TrafficReport.warnOpened(traffic, log::warn);
        if (output.json()) {
            stdout.println(PlanJson.toJson(report.plan(), report.awsCalls(), TrafficReport.json(traffic)));
        } else if (output.html()) {
            String page = PlanHtml.page(PlanJson.report(report.plan(), report.awsCalls(), TrafficReport.json(traffic)));
            if (out == null) {
                stdout.print(page);
            } else {
                PlanHtml.write(out, page);
                log.info("wrote the report to " + out);
            }
        } else {
            PlanText.print(report.plan(), stdout, OutputOptions.colour(), decisions.showIgnored);
        }
        stdout.flush();
        if (!report.unobserved().isEmpty()) {
            // said even with -q: "no changes" is not a claim ovi can make about what it could not see
            log.warn("not observed, so this plan says nothing about: " + PlanText.scopes(report.unobserved()));
        }
        if (traffic.deadlinePassed()) {
            log.error(run.reached() + "; what was not observed in time is listed above");
            return ovi.engine.ExitCode.ERROR;
        }
        return report.exitCode();
    }

    /**
     * Tells bin/ovi that this run is worth keeping as the model of its class-data archive: a plan that
     * observed AWS, not a {@code plan --help} or a plan stopped by a bad config, which load a small part of
     * what a plan needs. bin/ovi names the file in {@code ovi.archive.trained} when it trains one, and keeps
     * the archive only if the file is there and the plan ended with 0 or 2. A file that cannot be made only
     * means no archive this time.
     */
    static void trained() {
        String done = System.getProperty("ovi.archive.trained");
        if (done == null || done.isEmpty()) {
            return;
        }
        try {
            Files.newOutputStream(Path.of(done), StandardOpenOption.CREATE_NEW).close();
        } catch (IOException | RuntimeException e) {
            // no archive from this run; the next plan trains again
        }
    }
}

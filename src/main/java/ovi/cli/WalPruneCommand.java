package ovi.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import ovi.engine.ExitCode;
import ovi.engine.OviException;
import ovi.wal.ChronicleAuditLog;
import ovi.wal.Retention;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "prune", mixinStandardHelpOptions = true,
        description = {
            "Remove whole daily WAL cycles older than the retention period.",
            "The newest cycle is always kept, and the last removed entry is recorded as",
            "the anchor the chain now starts from, so 'ovi wal verify' still passes and",
            "still catches anything missing after it. Safe while other ovi processes run.",
        },
        footer = {"", "Examples:",
            "  ovi wal prune -c ovi.yaml --wal-retention 30d",
            "  ovi plan -c ovi.yaml --wal-retention 90d     (prune after each run)"})
public final class WalPruneCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AuditState state;

    @Mixin
    OutputOptions output;

    @Option(names = "--wal-retention", required = true, paramLabel = "DURATION",
            converter = Durations.Retention.class,
            description = "Keep this much history, such as 30d or 2w; older whole days are removed.")
    Duration retention;

    @Override
    public Integer call() {
        if (retention.isZero()) {
            throw OviException.usage("--wal-retention must be more than 0");
        }
        ChronicleAuditLog wal = state.openWalForWriting();
        PrintWriter out = spec.commandLine().getOut();
        if (wal == null) {
            if (output.json()) {
                out.println(OutputOptions.document().put("removedFiles", 0).put("removedEntries", 0)
                        .put("message", "no WAL in " + state.walDir()).toPrettyString());
            } else {
                out.println("nothing to prune: no WAL in " + state.walDir());
            }
            out.flush();
            return ExitCode.OK;
        }
        Retention.Result r;
        try (wal) {
            r = Retention.apply(wal, retention);
        }
        if (output.json()) {
            com.fasterxml.jackson.databind.node.ObjectNode n = OutputOptions.document();
            n.put("removedFiles", r.removedFiles().size());
            n.put("removedEntries", r.removedEntries());
            n.put("cut", String.valueOf(r.cut()));
            if (r.anchor() != null) {
                n.put("anchorSeq", r.anchor().seq());
            }
            n.put("message", describe(r));
            out.println(n.toPrettyString());
        } else {
            out.println(describe(r));
        }
        out.flush();
        return ExitCode.OK;
    }

    static String describe(Retention.Result r) {
        if (r.removedFiles().isEmpty()) {
            return "nothing to prune: no whole day of the WAL is older than " + r.cut();
        }
        return "removed " + r.removedFiles().size() + " WAL cycle file" + (r.removedFiles().size() == 1 ? "" : "s")
                + " (" + r.removedEntries() + " entries) older than " + r.cut() + "; the chain now starts after seq "
                + r.anchor().seq();
    }
}

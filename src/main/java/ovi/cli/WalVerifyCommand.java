package ovi.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import ovi.engine.ExitCode;
import ovi.wal.WalVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {
            "Check the WAL's hash chain for edited, missing or damaged entries.",
            "Every entry's hash must match its content, every entry must follow the one",
            "before it, and the log must start at its first entry or at the retention",
            "anchor. Prints 'ok' with the count (exit 0), or the first broken or missing",
            "link (exit 1). Reads only: nothing is changed, repaired or removed.",
        },
        footer = {"", "Examples:",
            "  ovi wal verify -c ovi.yaml",
            "  ovi wal verify --state-dir /var/lib/ovi -o json"})
public final class WalVerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AuditState state;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        WalVerifier.Check check = WalVerifier.check(state.walDir(), state::walHead, state::openWal);
        if (check.report() == null) {
            if (output.json()) {
                ObjectNode n = OutputOptions.document();
                n.put("ok", false);
                n.putObject("problem").put("what", check.broken()).put("remedy", check.remedy());
                n.put("exitCode", ExitCode.ERROR);
                out.println(n.toPrettyString());
                out.flush();
                return ExitCode.ERROR;
            }
            out.println("broken: " + check.broken());
            out.println(check.remedy());
            out.flush();
            return ExitCode.ERROR;
        }
        WalVerifier.Report r = check.report();
        if (output.json()) {
            ObjectNode n = OutputOptions.document();
            n.put("ok", r.ok());
            n.put("entries", r.entries());
            n.put("firstSeq", r.firstSeq());
            n.put("lastSeq", r.lastSeq());
            if (r.anchor() != null) {
                n.putObject("anchor").put("seq", r.anchor().seq()).put("hash", r.anchor().hash())
                        .put("time", r.anchor().time().toString()).put("removed", r.anchor().removed());
            }
            if (!r.ok()) {
                ObjectNode p = n.putObject("problem");
                p.put("seq", r.problem().seq());
                p.put("file", r.problem().file() == null ? null : r.problem().file().toString());
                p.put("what", r.problem().what());
            }
            n.put("exitCode", r.ok() ? ExitCode.OK : ExitCode.ERROR);
            out.println(n.toPrettyString());
        } else if (r.ok()) {
            out.println("ok: " + r.entries() + " entries" + (r.entries() > 0 ? " (seq " + r.firstSeq() + ".." + r.lastSeq() + ")" : "")
                    + ", chain intact" + (r.anchor() != null ? ", starting after the retention anchor at seq "
                    + r.anchor().seq() + " (" + r.anchor().removed() + " older entries removed by retention)" : ""));
        } else {
            out.println("broken: " + r.problem());
            out.println("checked " + r.entries() + " good entries before it; nothing was changed");
        }
        out.flush();
        return r.ok() ? ExitCode.OK : ExitCode.ERROR;
    }
}

package ovi.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import ovi.engine.ExitCode;
import ovi.store.JdbcObservationStore;
import ovi.wal.Repair;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "repair", mixinStandardHelpOptions = true,
        description = {
            "Set the damaged part of the WAL aside and let the chain go on.",
            "For a WAL that 'ovi wal verify' reports broken: a cycle file cut short or",
            "with a damaged header, an unreadable or altered entry, an entry cut short",
            "by a full disk, entries lost at the end. Everything from the first damage",
            "on is moved, as whole files, into wal/quarantine-<time>/ (never deleted);",
            "the good entries before it are kept as they were, and a 'repaired' entry",
            "saying what was set aside continues the chain, so plan, apply and status",
            "work again and 'ovi wal verify' passes. Run it when no other ovi runs.",
            "An intact WAL is left as it is (exit 0).",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:repaired, or nothing to repair", "1:the WAL could not be repaired (or is in use)"},
        footer = {"", "Examples:",
            "  ovi wal verify -c ovi.yaml || ovi wal repair -c ovi.yaml",
            "  ovi wal repair --state-dir /var/lib/ovi -o json"})
public final class WalRepairCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AuditState state;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        JdbcObservationStore store = state.openStore();
        Optional<Repair.Result> result;
        try {
            result = Repair.repair(state.walDir(), Optional.ofNullable(store), RunId.next());
        } finally {
            if (store != null) {
                store.close();
            }
        }
        if (output.json()) {
            ObjectNode n = OutputOptions.document();
            n.put("repaired", result.isPresent());
            result.ifPresent(r -> {
                n.put("damage", r.damage());
                n.put("kept", r.kept());
                n.put("lastGoodSeq", r.lastGood());
                n.put("quarantine", r.quarantine() == null ? null : r.quarantine().toString());
                r.moved().forEach(n.putArray("moved")::add);
                n.put("repairedSeq", r.entry().seq());
            });
            out.println(n.toPrettyString());
        } else if (result.isEmpty()) {
            out.println("nothing to repair: the WAL in " + state.walDir() + " is intact");
        } else {
            Repair.Result r = result.get();
            out.println("repaired: " + r.damage());
            if (r.quarantine() != null) {
                out.println("set aside (kept for a look): " + String.join(", ", r.moved()) + " in " + r.quarantine());
            }
            out.println("kept " + r.kept() + " good entries; the chain goes on at seq " + r.entry().seq()
                    + " (a 'repaired' entry)");
        }
        out.flush();
        return ExitCode.OK;
    }
}

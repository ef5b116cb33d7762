package ovi.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "wal", mixinStandardHelpOptions = true,
        description = {
            "Read, verify, repair and prune the write-ahead log (the audit trail).",
            "Every observation, decision, claim and action ovi recorded, each entry",
            "chained to the one before by a SHA-256 hash.",
        },
        subcommands = {WalShowCommand.class, WalVerifyCommand.class, WalRepairCommand.class, WalPruneCommand.class,
            HelpCommand.class},
        footer = {"", "Examples:",
            "  ovi wal show -c ovi.yaml --since 2h",
            "  ovi wal verify --state-dir /var/lib/ovi",
            "  ovi wal repair --state-dir /var/lib/ovi",
            "  ovi wal prune -c ovi.yaml --wal-retention 30d"})
public final class WalCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: ovi wal show, verify, repair or prune");
    }
}

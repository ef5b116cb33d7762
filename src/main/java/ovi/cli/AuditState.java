package ovi.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import ovi.engine.OviException;
import ovi.store.JdbcObservationStore;
import java.util.Optional;
import ovi.wal.ChronicleAuditLog;
import ovi.wal.WalHeads;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How the audit verbs find the state plan and apply wrote: {@code --state-dir}, or {@code -c CONFIG} for
 * the default beside it. The config is only used to locate the state, so it need not be valid. The audit
 * verbs only read: they never create a state directory, a store or a WAL.
 */
public final class AuditState {
    private final Wiring wiring;

    /** As ovi's command line makes it: the store and the WAL are opened by {@code wiring}. */
    AuditState(Wiring wiring) {
        this.wiring = wiring;
    }

    /** For parsing only (picocli's own factory): opening the store or the WAL then fails. */
    AuditState() {
        this(null);
    }

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "The config whose state to read (its default state directory, .ovi/<config name>/ beside it), "
                    + "unless --state-dir is given.")
    Path config;

    @Mixin
    StateOptions state;

    /** The existing state directory. */
    Path dir() {
        if (state.explicit() == null && config == null) {
            throw OviException.usage("say which state to read: --state-dir DIR, or -c CONFIG for its default state directory");
        }
        Path dir = state.resolve(config == null ? Path.of("ovi.yaml") : config, false);
        if (!Files.isDirectory(dir)) {
            throw OviException.failure("no ovi state in " + dir + " (not a directory); run 'ovi plan' first, "
                    + "or point --state-dir at the right place");
        }
        return dir;
    }

    Path walDir() {
        return dir().resolve("wal");
    }

    /** The WAL, or null when none has been written yet. */
    ChronicleAuditLog openWal() {
        Path wal = walDir();
        if (!Files.isDirectory(wal)) {
            return null;
        }
        if (!Files.isReadable(wal)) {
            throw OviException.failure("the WAL directory " + wal + " is not readable by this user");
        }
        // a read-only copy (a backup, an auditor's mount) is read as it is, with nothing written to it
        return wiring().openWalToRead(wal);
    }

    /** The WAL, to change it (prune): it must be writable. */
    ChronicleAuditLog openWalForWriting() {
        Path wal = walDir();
        if (!Files.isDirectory(wal)) {
            return null;
        }
        if (!StateOptions.writable(wal)) {
            throw OviException.failure("the WAL directory " + wal + " is not writable by this user");
        }
        return wiring().openWal(wal);
    }

    /** The store (the shared one of --store-url, else the embedded one), or null when none was written yet. */
    JdbcObservationStore openStore() {
        return wiring().openStoreToRead(state, dir());
    }

    /** The head of this state's WAL as the store last recorded it, if the store has one. */
    Optional<WalHeads.Head> walHead() {
        JdbcObservationStore store = openStore();
        if (store == null) {
            return Optional.empty();
        }
        try (store) {
            return store.head(ChronicleAuditLog.key(walDir()));
        }
    }

    Wiring wiring() {
        if (wiring == null) {
            throw new IllegalStateException("this command line was not made by Ovi.commandLine: nothing to open "
                    + "the state with");
        }
        return wiring;
    }
}

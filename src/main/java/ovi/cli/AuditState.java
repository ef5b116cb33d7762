package ovi.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import ovi.engine.OviException;
import ovi.store.JdbcObservationStore;
import ovi.wal.ChronicleAuditLog;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How the audit verbs find the state plan and apply wrote: {@code --state-dir}, or {@code -c CONFIG} for
 * the default beside it. The config is only used to locate the state, so it need not be valid. The audit
 * verbs only read: they never create a state directory, a store or a WAL.
 */
public final class AuditState {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "The config whose state to read (its .ovi/ directory), unless --state-dir is given.")
    Path config;

    @Mixin
    StateOptions state;

    /** The existing state directory. */
    Path dir() {
        if (state.explicit() == null && config == null) {
            throw OviException.usage("say which state to read: --state-dir DIR, or -c CONFIG for the .ovi/ beside it");
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
        if (!Files.isReadable(wal) || !Files.isWritable(wal)) {
            throw OviException.failure("the WAL directory " + wal + " is not readable and writable by this user");
        }
        return ChronicleAuditLog.open(wal);
    }

    /** The store, or null when none has been written yet. */
    JdbcObservationStore openStore() {
        Path store = dir().resolve("store");
        if (!Files.exists(store.resolve("ovi.mv.db"))) {
            return null;
        }
        return JdbcObservationStore.openH2(store);
    }
}

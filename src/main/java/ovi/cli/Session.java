package ovi.cli;

import java.nio.file.Path;
import java.time.Clock;
import ovi.aws.AwsClients;
import ovi.aws.AwsResourceObserver;
import ovi.config.ConfigException;
import ovi.config.ConfigLoader;
import ovi.config.OviConfig;
import ovi.engine.Kinds;
import ovi.engine.OviException;
import ovi.model.Declaration;
import ovi.store.JdbcClaimStore;
import ovi.store.JdbcObservationStore;
import ovi.wal.ChronicleAuditLog;

/**
 * Everything one run of plan or apply holds open: the config, the AWS clients, the store and the WAL,
 * closed together. Opened by {@link Wiring#open}, which builds the run's use case over it.
 */
final class Session implements AutoCloseable {
    final OviConfig config;
    /** What {@link #config} declares, expanded once for the run. */
    final Declaration declaration;
    final Path stateDir;
    final AwsClients aws;
    /** Every registered kind, bound to {@link #aws}. */
    final Kinds kinds;
    final AwsResourceObserver observer;
    final JdbcObservationStore store;
    final ChronicleAuditLog wal;
    private JdbcClaimStore claims;

    Session(OviConfig config, Declaration declaration, Path stateDir, AwsClients aws, Kinds kinds, AwsResourceObserver observer,
            JdbcObservationStore store, ChronicleAuditLog wal) {
        this.config = config;
        this.declaration = declaration;
        this.stateDir = stateDir;
        this.aws = aws;
        this.kinds = kinds;
        this.observer = observer;
        this.store = store;
        this.wal = wal;
    }

    static OviConfig loadConfig(Path file) {
        return loadConfig(file, null, null);
    }

    /**
     * ... with {@code fallback} the default region of a config that names none, and checking in {@code secrets}
     * the secrets of its notify targets, for a run that will notify (null: not checked).
     */
    static OviConfig loadConfig(Path file, AwsOptions.Fallback fallback, java.util.function.Function<String, String> secrets) {
        try {
            return ConfigLoader.load(file, System.getenv()::get, fallback == null ? null : fallback.region(),
                    fallback == null ? null : fallback.from(), secrets);
        } catch (ConfigException e) {
            throw OviException.invalidInput("invalid config " + file + " (" + e.problems().size() + " problem"
                    + (e.problems().size() == 1 ? "" : "s") + "):\n  " + e.getMessage().replace("\n", "\n  "));
        }
    }

    /**
     * The claim store, on a connection of its own so its updates never interleave with the store's (made
     * when first used: a run refused before it claims anything never connects it).
     */
    JdbcClaimStore claims() {
        if (claims == null) {
            claims = store.claims(Clock.systemUTC());
        }
        return claims;
    }

    @Override
    public void close() {
        if (claims != null) {
            claims.close(); // every claim update is committed as it is made
        }
        try {
            wal.close();
        } finally {
            try {
                store.close();
            } finally {
                aws.close();
            }
        }
    }
}

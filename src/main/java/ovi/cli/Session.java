package ovi.cli;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import ovi.aws.AwsClients;
import ovi.aws.AwsResourceObserver;
import ovi.config.ConfigException;
import ovi.config.ConfigLoader;
import ovi.config.OviConfig;
import ovi.engine.Kinds;
import ovi.engine.OviException;
import ovi.kinds.ResourceKinds;
import ovi.store.JdbcObservationStore;
import ovi.wal.ChronicleAuditLog;

/**
 * Everything one run of plan or apply holds open: the config, the AWS clients, the store and the WAL,
 * closed together. The config is validated before anything is opened, so an invalid config writes nothing.
 */
final class Session implements AutoCloseable {
    final OviConfig config;
    final Path stateDir;
    final AwsClients aws;
    /** Every registered kind, bound to {@link #aws}. */
    final Kinds kinds;
    final AwsResourceObserver observer;
    final JdbcObservationStore store;
    final ChronicleAuditLog wal;
    private ovi.store.JdbcClaimStore claims;

    private Session(OviConfig config, Path stateDir, AwsClients aws, Kinds kinds, AwsResourceObserver observer,
                    JdbcObservationStore store, ChronicleAuditLog wal) {
        this.config = config;
        this.stateDir = stateDir;
        this.aws = aws;
        this.kinds = kinds;
        this.observer = observer;
        this.store = store;
        this.wal = wal;
    }

    static OviConfig loadConfig(Path file) {
        try {
            return ConfigLoader.load(file);
        } catch (ConfigException e) {
            throw OviException.invalidInput("invalid config " + file + " (" + e.problems().size() + " problem"
                    + (e.problems().size() == 1 ? "" : "s") + "):\n  " + e.getMessage().replace("\n", "\n  "));
        }
    }

    /**
     * Opens everything; with {@code prefetch} the observation of every scope the config names starts at
     * once, beside the rest (for runs that will observe: not for applying a saved plan).
     */
    static Session open(OviConfig config, StateOptions state, AwsOptions awsOptions, Consumer<String> progress,
                        boolean prefetch) {
        Path dir = state.resolve(config.file(), true);
        // Opening the store, opening the WAL and asking AWS for the account are independent, and each costs
        // a few hundred milliseconds of class loading and I/O at start-up: they run side by side.
        CompletableFuture<JdbcObservationStore> store = CompletableFuture.supplyAsync(
                () -> state.openStore(dir), r -> {
                    Thread t = new Thread(r, "ovi-open-store");
                    t.setDaemon(true);
                    t.start();
                });
        AwsClients aws = null;
        Kinds kinds = null;
        ChronicleAuditLog wal = null;
        try {
            aws = new AwsClients(awsOptions.settings(), config.region());
            kinds = ResourceKinds.bind(aws);
            AwsResourceObserver observer = new AwsResourceObserver(aws, kinds, progress);
            observer.prefetchAccount();
            if (prefetch) {
                observer.prefetch(ovi.engine.Engine.scopes(config));
            }
            wal = ChronicleAuditLog.open(dir.resolve("wal"));
            JdbcObservationStore opened = join(store);
            wal.anchorIn(opened);
            return new Session(config, dir, aws, kinds, observer, opened, wal);
        } catch (RuntimeException e) {
            if (wal != null) {
                wal.close();
            }
            // wait for the store to finish opening and close it here: left to a background thread, it
            // would still be writing its files after the run has returned (or the JVM has exited)
            try {
                join(store).close();
            } catch (RuntimeException storeFailed) {
                if (storeFailed != e) {
                    e.addSuppressed(storeFailed);
                }
            }
            if (aws != null) {
                aws.close();
            }
            throw e;
        }
    }

    /** The claim store, on a connection of its own so its updates never interleave with the store's. */
    ovi.store.JdbcClaimStore claims() {
        if (claims == null) {
            claims = store.claims(java.time.Clock.systemUTC());
        }
        return claims;
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
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

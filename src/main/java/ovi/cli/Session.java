package ovi.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import ovi.aws.AwsActionExecutor;
import ovi.aws.AwsClients;
import ovi.aws.AwsResourceObserver;
import ovi.config.ConfigException;
import ovi.config.ConfigLoader;
import ovi.config.OviConfig;
import ovi.engine.ApplyUseCase;
import ovi.engine.OviException;
import ovi.engine.PlanUseCase;
import ovi.store.JdbcClaimStore;
import ovi.store.JdbcObservationStore;
import ovi.wal.ChronicleAuditLog;
import ovi.wal.InDoubt;
import ovi.wal.Retention;

/**
 * Everything one run of plan or apply holds open: the config, the AWS clients, the store and the WAL,
 * closed together. Opened by {@link Wiring#open}; it hands the run's use case its ports.
 */
final class Session implements AutoCloseable {
    final OviConfig config;
    final Path stateDir;
    private final AwsClients aws;
    private final AwsResourceObserver observer;
    private final JdbcObservationStore store;
    private final ChronicleAuditLog wal;
    private final Supplier<AwsActionExecutor> executor;
    private JdbcClaimStore claims;

    Session(OviConfig config, Path stateDir, AwsClients aws, AwsResourceObserver observer,
            JdbcObservationStore store, ChronicleAuditLog wal, Supplier<AwsActionExecutor> executor) {
        this.config = config;
        this.stateDir = stateDir;
        this.aws = aws;
        this.observer = observer;
        this.store = store;
        this.wal = wal;
        this.executor = executor;
    }

    static OviConfig loadConfig(Path file) {
        try {
            return ConfigLoader.load(file);
        } catch (ConfigException e) {
            throw OviException.invalidInput("invalid config " + file + " (" + e.problems().size() + " problem"
                    + (e.problems().size() == 1 ? "" : "s") + "):\n  " + e.getMessage().replace("\n", "\n  "));
        }
    }

    /** ovi plan over this session: the plan file is written with this run's state directory's key. */
    PlanUseCase plan(Consumer<String> progress) {
        return new PlanUseCase(observer, store, wal, (plan, file) -> PlanFile.write(file, plan, config, stateDir),
                keep -> WalPruneCommand.describe(Retention.apply(wal, keep)), progress);
    }

    /** ovi apply over this session. */
    ApplyUseCase apply(Consumer<String> progress) {
        AwsActionExecutor actions = executor.get();
        return new ApplyUseCase(observer, store, wal, () -> InDoubt.in(wal), claims(), actions, actions,
                progress);
    }

    /**
     * The claim store, on a connection of its own so its updates never interleave with the store's (made
     * when first used: a run refused before it claims anything never connects it).
     */
    private JdbcClaimStore claims() {
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

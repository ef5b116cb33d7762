package ovi.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import ovi.aws.AwsActionExecutor;
import ovi.aws.AwsClients;
import ovi.aws.AwsResourceObserver;
import ovi.config.OviConfig;
import ovi.engine.ApplyUseCase;
import ovi.engine.Engine;
import ovi.engine.Kinds;
import ovi.engine.OviException;
import ovi.engine.PlanUseCase;
import ovi.kinds.ResourceKinds;
import ovi.model.Declaration;
import ovi.store.JdbcObservationStore;
import ovi.store.StateBinding;
import ovi.wal.ChronicleAuditLog;
import ovi.wal.InDoubt;
import ovi.wal.Retention;
import picocli.CommandLine;

/**
 * The composition root: the one place where ovi's parts are built and joined, for every verb. It opens
 * the store (the embedded H2 one in the state directory, or the shared one {@code --store-url} names), the
 * WAL, the AWS clients and observer, makes the executor, and makes the command lines {@code ovi watch}
 * runs. {@code Ovi.commandLine} makes one and picocli's factory hands it to every command and mixin that
 * takes it in its constructor; no command builds a store, a WAL or a client of its own.
 */
public final class Wiring {
    /** Makes the whole command line anew, its verbs wired by {@code wiring}. */
    public interface Maker {
        CommandLine make(PrintWriter out, PrintWriter err, Wiring wiring);
    }

    private final Maker maker;
    /** What {@code ovi watch apply} keeps between its runs, in the command lines it makes; else null. */
    final WatchContext watch;
    private final java.io.Writer terminal;

    /** @param commandLines makes the whole command line anew (for each run of {@code ovi watch}) */
    public Wiring(BiFunction<PrintWriter, PrintWriter, CommandLine> commandLines) {
        this((out, err, w) -> commandLines.apply(out, err), null, null);
    }

    /** @param maker makes the whole command line anew over a given wiring (for each run of {@code ovi watch}) */
    public static Wiring over(Maker maker) {
        return new Wiring(maker, null, null);
    }

    /**
     * ... with {@code terminal} the process's own stderr, unfiltered, when the status line may go there (a
     * terminal is checked for when a run starts), or null for never (in-process runs, {@code ovi watch}'s).
     */
    public static Wiring over(Maker maker, java.io.Writer terminal) {
        return new Wiring(maker, null, terminal);
    }

    private Wiring(Maker maker, WatchContext watch, java.io.Writer terminal) {
        this.maker = maker;
        this.watch = watch;
        this.terminal = terminal;
    }

    /** The same wiring, for the runs of one {@code ovi watch apply}: they share {@code context}; no status line. */
    Wiring watching(WatchContext context) {
        return new Wiring(maker, context, null);
    }

    /** The status line for a run of plan or apply, or null when stderr is not a terminal. */
    StatusLine statusLine() {
        return terminal == null ? null : StatusLine.onStderr(terminal);
    }

    /** picocli's factory: a command or mixin with a constructor that takes a {@code Wiring} is given this one. */
    public CommandLine.IFactory factory() {
        return new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                java.lang.reflect.Constructor<K> wired;
                try {
                    wired = cls.getDeclaredConstructor(Wiring.class);
                } catch (NoSuchMethodException e) {
                    return CommandLine.defaultFactory().create(cls);
                }
                return wired.newInstance(Wiring.this);
            }
        };
    }

    /** The whole command line anew, writing to {@code out} and {@code err}: one run of {@code ovi watch}. */
    CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return maker.make(out, err, this);
    }

    /**
     * Opens everything one run of plan or apply holds: the state directory (made if need be), the store,
     * the WAL (anchored in the store) and the AWS clients. With {@code prefetch} the observation of every
     * scope the config names starts at once, beside the rest (for runs that will observe: not for applying a
     * saved plan). The config was validated before, so an invalid config opens nothing.
     */
    Session open(OviConfig config, StateOptions state, AwsOptions awsOptions, Consumer<String> progress,
                 boolean prefetch) {
        return open(config, state, awsOptions, ovi.aws.Traffic.Policy.defaults(), t -> { }, progress, prefetch);
    }

    /**
     * ... sending to AWS as {@code policy} says; {@code setUp} is given the run's traffic (to set its deadline
     * and where it warns) before any call is made.
     */
    Session open(OviConfig config, StateOptions state, AwsOptions awsOptions, ovi.aws.Traffic.Policy policy,
                 Consumer<ovi.aws.Traffic> setUp, Consumer<String> progress, boolean prefetch) {
        Path dir = state.resolve(config.file(), true);
        // Opening the store, opening the WAL and asking AWS for the account are independent, and each costs
        // a few hundred milliseconds of class loading and I/O at start-up: they run side by side.
        CompletableFuture<JdbcObservationStore> store = CompletableFuture.supplyAsync(
                () -> openStore(state, dir), r -> {
                    Thread t = new Thread(r, "ovi-open-store");
                    t.setDaemon(true);
                    t.start();
                });
        AwsClients aws = null;
        ChronicleAuditLog wal = null;
        Declaration declaration = config.declaration(); // expanded once for the whole run
        try {
            aws = new AwsClients(awsOptions.settings(), config.region(), policy);
            setUp.accept(aws.traffic());
            Kinds kinds = ResourceKinds.bind(aws);
            AwsResourceObserver observer = new AwsResourceObserver(aws, kinds, progress);
            observer.prefetchAccount();
            if (prefetch) {
                observer.prefetch(Engine.scopes(declaration));
            }
            JdbcObservationStore opened = join(store);
            // before the WAL is even opened: a run refused here records nothing in another's state
            bind(config, state, dir, opened, observer.account());
            wal = openWal(dir.resolve("wal"));
            wal.anchorIn(opened);
            if (watch != null) {
                watch.storeAt(() -> openStore(state, dir));
            }
            return new Session(config, declaration, dir, aws, kinds, observer, opened, wal);
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

    /**
     * Checks that the state directory and the store belong to the config's owner and the account the
     * credentials act in, and records them as the owner and account of a directory or store that has none
     * yet (its first run, or the first since bindings were recorded). A run in an account the config does not
     * allow binds nothing: the engine refuses it.
     */
    static void bind(OviConfig config, StateOptions state, Path dir, JdbcObservationStore store, String account) {
        String owner = config.owner();
        String configName = config.file().getFileName() == null ? "" : config.file().getFileName().toString();
        StateBinding wanted = new StateBinding(owner, account, configName);
        boolean shared = state.storeUrl != null && !state.storeUrl.isBlank();
        String dirWhat = "the state directory " + dir;
        String dirRemedy = "give this config a state directory of its own with --state-dir DIR"
                + (state.explicit() == null ? "" : " (or leave --state-dir out: each config then has its own, "
                + StateOptions.DEFAULT_DIR + "/<config name> beside it)")
                + ", or, if this config's owner or account was changed on purpose, move " + dir
                + " aside and run again (new state is built from the next observation)";
        String storeWhat = shared ? "the store " + store.describe() : "the store in " + dir.resolve("store");
        String storeRemedy = shared ? "point this config at a store of its own (--store-url or OVI_STORE_URL: "
                + "one database per owner and account)" : dirRemedy;
        StateBinding.refusal(StateBinding.read(dir).orElse(null), owner, account, dirWhat, dirRemedy)
                .or(() -> StateBinding.refusal(store.binding().orElse(null), owner, account, storeWhat, storeRemedy))
                .ifPresent(m -> {
                    throw OviException.failure(m);
                });
        if (!config.accounts().isEmpty() && !config.accounts().contains(account)) {
            return;
        }
        // another run may have bound either first, since the check above: its binding is the one in force
        StateBinding.refusal(wanted.bind(dir), owner, account, dirWhat, dirRemedy)
                .or(() -> StateBinding.refusal(store.bind(wanted), owner, account, storeWhat, storeRemedy))
                .ifPresent(m -> {
                    throw OviException.failure(m);
                });
    }

    /** ovi plan over an open session: the plan file is sealed with the key of the session's state directory. */
    PlanUseCase plan(Session s, Consumer<String> progress) {
        return new PlanUseCase(s.observer, s.store, s.wal, (plan, file) -> PlanFile.write(file, plan, s.config,
                s.stateDir), keep -> WalPruneCommand.describe(Retention.apply(s.wal, keep)), progress);
    }

    /** ovi apply over an open session. */
    ApplyUseCase apply(Session s, Consumer<String> progress) {
        AwsActionExecutor actions = executor(s.kinds);
        return new ApplyUseCase(s.observer, s.store, s.wal, () -> InDoubt.in(s.wal), s.claims(), actions, actions,
                progress, watch == null ? null : watch.reconciler(s.store, s.declaration.owner(), progress));
    }

    /**
     * The notifications of a run over an open session: webhooks over HTTP (their secrets from the
     * environment), topics through the session's AWS clients, what was sent remembered in its store.
     */
    ovi.engine.Notifications notifications(Session s, Consumer<String> progress) {
        java.time.Clock clock = java.time.Clock.systemUTC();
        ovi.engine.Notifications.Channel channel = ovi.notify.Topics.route(
                new ovi.notify.Webhooks(System::getenv, clock),
                new ovi.notify.Topics(t -> s.kinds.of(t).publisher(), ovi.aws.AwsErrors::describe));
        return new ovi.engine.Notifications(s.store, channel, s.wal, clock, ovi.engine.Notifications.BUDGET, progress);
    }

    /**
     * Sends a run's notifications, if the config has targets; a failure of any kind is said on stderr and
     * never changes the run's exit code. Returns what was sent, or null when nothing was tried.
     */
    static ovi.engine.Notifications.Report notify(Session s, ovi.engine.Notifications notifications,
                                                 ovi.engine.Notifications.Run run, Consumer<String> warn) {
        if (s.config.notifyTargets().isEmpty()) {
            return null;
        }
        try {
            ovi.engine.Notifications.Report r = notifications.send(s.config.notifyTargets(), run);
            r.undelivered().forEach((target, n) -> warn.accept("notify: " + n + " event(s) not delivered to " + target
                    + ": " + r.why().get(target) + "; the run's exit code is unaffected, and undelivered findings are "
                    + "sent again by the next run"));
            return r;
        } catch (RuntimeException e) {
            warn.accept("notify: notifications were not sent: " + e.getMessage() + "; the run's exit code is unaffected");
            return null;
        }
    }

    /** What carries out decisions in AWS, and looks resources up again before and after: made here only. */
    AwsActionExecutor executor(Kinds kinds) {
        return new AwsActionExecutor(kinds);
    }

    /** The store to write: the shared one named by --store-url, else the embedded H2 database in {@code dir}. */
    JdbcObservationStore openStore(StateOptions state, Path dir) {
        String url = state.storeUrl;
        if (url == null || url.isBlank()) {
            return JdbcObservationStore.openH2(dir.resolve("store"), state.notices());
        }
        if (JdbcObservationStore.hasPassword(url)) {
            // a password on the command line is in every process listing and shell history: refused
            throw OviException.usage("--store-url must not carry a password (" + JdbcObservationStore.redact(url)
                    + "): put it in the OVI_STORE_PASSWORD variable and the user in --store-user");
        }
        if (!url.startsWith("jdbc:postgresql:") && !url.startsWith("jdbc:h2:")) {
            throw OviException.usage("--store-url must be a jdbc:postgresql: (or jdbc:h2:) URL, not "
                    + JdbcObservationStore.redact(url));
        }
        return JdbcObservationStore.open(url, state.storeUser, System.getenv("OVI_STORE_PASSWORD"), state.notices());
    }

    /**
     * The store to read (the audit verbs): the shared one of --store-url, else the embedded one in {@code dir},
     * read-only when this user cannot write it, or null when none was written yet.
     */
    JdbcObservationStore openStoreToRead(StateOptions state, Path dir) {
        if (state.storeUrl != null && !state.storeUrl.isBlank()) {
            return openStore(state, dir);
        }
        Path store = dir.resolve("store");
        if (!Files.exists(store.resolve("ovi.mv.db"))) {
            return null;
        }
        return StateOptions.writable(store) ? JdbcObservationStore.openH2(store) : JdbcObservationStore.openH2ReadOnly(store);
    }

    /** The WAL in {@code dir}, to append to (made if need be). */
    ChronicleAuditLog openWal(Path dir) {
        return ChronicleAuditLog.open(dir);
    }

    /** An existing WAL, to read: a read-only copy (a backup, an auditor's mount) is read as it is. */
    ChronicleAuditLog openWalToRead(Path dir) {
        return StateOptions.writable(dir) ? ChronicleAuditLog.open(dir) : ChronicleAuditLog.openReadOnly(dir);
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }
}

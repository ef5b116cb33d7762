package ovi.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import ovi.engine.ObservationStore;
import ovi.engine.OviException;
import ovi.model.Observation;
import ovi.model.ResourceType;
import ovi.model.Scope;
import ovi.wal.WalHeads;

/**
 * The observation store over JDBC: an embedded H2 file database by default, PostgreSQL when several
 * machines share the work. Each scope (a kind in a region) has one row in {@code scope_state}: what it
 * holds now, a compressed list of each resource's key, hash and ids. Each revision adds to
 * {@code scope_changes} one row per scope it changed: the new states as JSON and the resources gone, also
 * compressed. A revision is written in one transaction with its row in {@code revisions}; a first plan at
 * 100k resources writes a handful of rows, and a batch that changes nothing in a scope writes nothing there.
 */
public final class JdbcObservationStore implements ObservationStore, WalHeads, ovi.engine.Notifications.Memory,
        ovi.engine.WatchStore {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final Link link;
    private final String url;
    private final String user;
    private final String password;

    private JdbcObservationStore(Connection db, String url, String user, String password) {
        this.link = Link.to(url, user, password, db);
        this.url = url;
        this.user = user;
        this.password = password;
    }

    static {
        // H2's auto-server listens on every interface unless told otherwise, before its first use
        if (System.getProperty("h2.bindAddress") == null) {
            System.setProperty("h2.bindAddress", "127.0.0.1");
        }
    }

    /**
     * The embedded H2 database in {@code dir}; AUTO_SERVER lets overlapping ovi processes share it, on
     * 127.0.0.1 and with the user and password of {@code dir/credentials} (see {@link StoreCredentials}).
     */
    public static JdbcObservationStore openH2(Path dir) {
        return openH2(dir, message -> { });
    }

    /** ... saying to {@code notice} when it moves the store into a new layout, which takes a while once. */
    public static JdbcObservationStore openH2(Path dir, java.util.function.Consumer<String> notice) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw OviException.failure("cannot create the store directory " + dir + ": " + e.getMessage(), e);
        }
        try {
            // WRITE_DELAY=0: a commit reaches the file before it returns, so a claim or a revision survives
            // the process being killed right after (the default flushes up to half a second later).
            // AUTO_RECONNECT: when the process hosting the shared store exits, the others reconnect.
            // TRACE_LEVEL_FILE=0: every store error reaches ovi as an exception it reports; H2's own trace
            // file would be created later, with the umask's mode, beside the state made private.
            String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("ovi")
                    + ";AUTO_SERVER=TRUE;AUTO_RECONNECT=TRUE;WRITE_DELAY=0;TRACE_LEVEL_FILE=0";
            return whileOpening(dir, () -> {
                boolean existed = Files.exists(dir.resolve("ovi.mv.db"));
                StoreCredentials creds = StoreCredentials.of(dir);
                try {
                    return open(url, creds.user(), creds.password(), notice);
                } catch (OviException wrong) {
                    // a store made before stores had credentials: give it these, once, then open it
                    try {
                        if (existed && creds.adopt(url)) {
                            return open(url, creds.user(), creds.password(), notice);
                        }
                    } catch (SQLException e) {
                        wrong.addSuppressed(e);
                    }
                    throw wrong;
                }
            });
        } catch (OviException e) {
            if (Files.exists(dir.resolve("ovi.mv.db"))) {
                throw OviException.failure(e.getMessage() + "; if the store in " + dir + " is damaged, move that "
                        + "directory aside and run again: a new store is built from the next observation, and the "
                        + "WAL beside it is kept", e.getCause());
            }
            throw e;
        }
    }

    /**
     * The embedded database in {@code dir} as it is, on a file system ovi may not write (a read-only copy
     * of a state directory): read-only access, no lock file, no auto-server, no migration.
     */
    public static JdbcObservationStore openH2ReadOnly(Path dir) {
        String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("ovi") + ";ACCESS_MODE_DATA=r;FILE_LOCK=NO";
        String user = "";
        String password = "";
        if (Files.exists(dir.resolve(StoreCredentials.FILE))) {
            StoreCredentials creds = StoreCredentials.read(dir);
            user = creds.user();
            password = creds.password();
        }
        try {
            return new JdbcObservationStore(Link.connect(url, user, password), url, user, password);
        } catch (SQLException e) {
            throw OviException.failure("cannot read the store in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static final Object OPENING = new Object();

    /**
     * Runs {@code open} holding the store directory's {@code open.lock}, so that overlapping runs open and
     * migrate a store one at a time: H2 commits each schema change on its own, so two processes migrating a
     * new store at once would each see the other's half-made schema (one dropping a column while the other
     * copies the table). Only the opening is serialized; the runs then share the store as usual.
     */
    private static <T> T whileOpening(Path dir, Supplier<T> open) {
        synchronized (OPENING) { // a file lock is per process: threads of one process wait here
            Path file = dir.resolve("open.lock");
            try (FileChannel ch = FileChannel.open(file,
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                FileLock lock;
                while ((lock = ch.tryLock()) == null) {
                    if (System.nanoTime() > deadline) {
                        throw OviException.failure("another ovi process has been opening the store in " + dir
                                + " for over a minute (it holds " + file + "); is one stuck?");
                    }
                    Thread.sleep(25);
                }
                try {
                    return open.get();
                } finally {
                    lock.release();
                }
            } catch (IOException e) {
                throw OviException.failure("cannot lock " + file + " to open the store: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw OviException.failure("interrupted while waiting to open the store in " + dir, e);
            }
        }
    }

    /** Any JDBC URL (H2 or PostgreSQL). */
    public static JdbcObservationStore open(String url, String user, String password) {
        return open(url, user, password, message -> { });
    }

    /** ... saying to {@code notice} when it moves the store into a new layout. */
    public static JdbcObservationStore open(String url, String user, String password,
                                            java.util.function.Consumer<String> notice) {
        try {
            return new JdbcObservationStore(connectAndMigrate(url, user, password, notice), url, user, password);
        } catch (SQLException e) {
            throw OviException.failure("cannot open the store " + redact(url) + ": " + e.getMessage(), e);
        }
    }

    /** Two processes migrating a new store at once: the loser sees the winner's objects, and tries again. */
    private static Connection connectAndMigrate(String url, String user, String password,
                                                java.util.function.Consumer<String> notice) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            Connection c = Link.connect(url, user, password);
            try {
                Schema.migrate(c, Schema.VERSION, notice);
                return c;
            } catch (SQLException e) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // the migration error is the one to report
                }
                if (attempt >= 5 || !(Transient.error(e) || String.valueOf(e.getMessage()).contains("already exists"))) {
                    throw e;
                }
                Transient.pause(attempt);
            }
        }
    }


    /**
     * A new connection to the same database, for a component (such as the claim store) whose transactions
     * must not interleave with this store's. The caller closes it.
     */
    public Connection openConnection() {
        try {
            return Link.connect(url, user, password);
        } catch (SQLException e) {
            throw OviException.failure("cannot connect to the store " + redact(url) + ": " + e.getMessage(), e);
        }
    }

    /**
     * The claim store, on a connection of its own (so its updates never interleave with this store's
     * transactions) that is made again when it goes bad. The caller closes it.
     */
    public JdbcClaimStore claims(Clock clock) {
        return new JdbcClaimStore(Link.to(url, user, password, null), clock);
    }

    /** The owner and account this store belongs to, or empty before its first plan or apply. */
    public synchronized java.util.Optional<StateBinding> binding() {
        try {
            return Transient.retry(Transient.ATTEMPTS, this::readBinding, link::recover);
        } catch (SQLException e) {
            link.recover();
            throw OviException.failure("cannot read the owner and account of the store " + redact(url) + ": "
                    + e.getMessage(), e);
        }
    }

    private java.util.Optional<StateBinding> readBinding() throws SQLException {
        try (Statement s = db().createStatement();
             ResultSet rs = s.executeQuery("SELECT owner, account, config FROM ovi_binding WHERE id = 1")) {
            return rs.next() ? java.util.Optional.of(new StateBinding(rs.getString(1), rs.getString(2), rs.getString(3)))
                    : java.util.Optional.empty();
        }
    }

    /**
     * Records {@code wanted} as this store's owner and account unless it has them already; returns the binding
     * in force (another run's, when one bound the store first: the row's key lets only one insert win).
     */
    public synchronized StateBinding bind(StateBinding wanted) {
        try {
            return Transient.retry(Transient.ATTEMPTS, () -> {
                java.util.Optional<StateBinding> recorded = readBinding();
                if (recorded.isPresent()) {
                    return recorded.get();
                }
                try (PreparedStatement ps = db().prepareStatement(
                        "INSERT INTO ovi_binding (id, owner, account, config, bound_at) VALUES (1, ?, ?, ?, ?)")) {
                    ps.setString(1, wanted.owner());
                    ps.setString(2, wanted.account());
                    ps.setString(3, wanted.config());
                    ps.setTimestamp(4, Timestamp.from(Instant.now()));
                    ps.executeUpdate();
                    return wanted;
                } catch (SQLException raced) {
                    java.util.Optional<StateBinding> won = readBinding();
                    if (won.isPresent()) {
                        return won.get();
                    }
                    throw raced;
                }
            }, link::recover);
        } catch (SQLException e) {
            link.recover();
            throw OviException.failure("cannot record the owner and account of the store " + redact(url) + ": "
                    + e.getMessage(), e);
        }
    }

    /** How the store is named in a message: its URL, password masked. */
    public String describe() {
        return redact(url);
    }

    @Override
    public Revision record(String runId, Set<Scope> observedScopes, Collection<Observation> observations) {
        return record(runId, observedScopes, observations, true);
    }

    @Override
    public synchronized Revision record(String runId, Set<Scope> observedScopes, Collection<Observation> observations,
                                        boolean keepUnchanged) {
        // Keys and content hashes are pure work on each observation: done on every core, outside the
        // transaction, so that a steady state costs little more than one read of the stored hashes.
        List<Keyed> keyed = observations.parallelStream().map(o -> new Keyed(o, o.key(), o.contentHash())).toList();
        try {
            // a batch whose transaction was rolled back by a passing trouble is simply recorded again; so is
            // one that met another run creating the same scope's state at the same moment (a duplicate key),
            // or that waited too long for another run's lock on a scope (H2 50200, PostgreSQL 40P01, 55P03)
            return Transient.retry(Transient.ATTEMPTS, () -> record(runId, observedScopes, keyed, keepUnchanged),
                    link::recover, e -> e.getErrorCode() == 50200
                            || java.util.Set.of("23505", "40P01", "55P03").contains(String.valueOf(e.getSQLState())));
        } catch (SQLException e) {
            link.recover();
            throw OviException.failure("cannot record observations in the store: " + e.getMessage(), e);
        } finally {
            link.autoCommit();
        }
    }

    /**
     * One revision, in one transaction: for each scope with a change, what changed in it (and its whole new
     * state, once the change rows after its state row are many), then the revision's own row. Scopes where
     * nothing changed are not written at all.
     */
    private Revision record(String runId, Set<Scope> observedScopes, List<Keyed> keyed, boolean keepUnchanged)
            throws SQLException {
        db().setAutoCommit(false);
        Map<Scope, List<Keyed>> byScope = new TreeMap<>();
        for (Keyed k : keyed) {
            byScope.computeIfAbsent(k.observation().scope(), s -> new ArrayList<>()).add(k);
        }
        Set<Scope> scopes = new TreeSet<>(observedScopes);
        scopes.addAll(byScope.keySet()); // an observation outside the scopes named still keeps its scope's state
        Map<Scope, Held> held = current(scopes);
        Map<Scope, Map<String, Known>> known = new HashMap<>();
        held.forEach((scope, h) -> known.put(scope, h.known()));
        if (!keepUnchanged && unchanged(known, byScope)) {
            db().rollback();
            return new Revision(latestRevision(), 0);
        }
        long revision = nextRevision();
        Previous previous = new Previous();
        List<Changed> changed = new ArrayList<>();
        List<ScopeWrite> writes = new ArrayList<>();
        int written = 0;
        for (Scope scope : scopes) {
            Map<String, Known> before = known.getOrDefault(scope, Map.of());
            List<Keyed> now = byScope.getOrDefault(scope, List.of());
            Map<String, ScopeBlobs.StateEntry> state = new LinkedHashMap<>(now.size() * 2);
            List<Keyed> newer = new ArrayList<>();
            List<ScopeBlobs.ChangeEntry> gone = new ArrayList<>();
            for (Keyed k : now) {
                Observation o = k.observation();
                if (state.containsKey(k.key())) {
                    continue; // the same resource twice in one batch: its first state is the one recorded
                }
                Known b = before.get(k.key());
                if (b != null && k.hash().equals(b.hash())) {
                    state.put(k.key(), new ScopeBlobs.StateEntry(k.key(), k.hash(), o.cloudId(), o.oviId(), b.revision()));
                    continue;
                }
                changed.add(new Changed(k.key(), b == null ? null : previous.stored(scope, k.key(), b.revision()), o));
                state.put(k.key(), new ScopeBlobs.StateEntry(k.key(), k.hash(), o.cloudId(), o.oviId(), revision));
                newer.add(k);
            }
            for (Map.Entry<String, Known> e : before.entrySet()) {
                if (!state.containsKey(e.getKey())) {
                    Known g = e.getValue();
                    changed.add(new Changed(e.getKey(), previous.stored(scope, e.getKey(), g.revision()), null));
                    gone.add(new ScopeBlobs.ChangeEntry(e.getKey(), g.oviId(), g.cloudId(), null, null));
                }
            }
            if (!newer.isEmpty() || !gone.isEmpty()) {
                Held h = held.getOrDefault(scope, Held.NONE);
                int changes = newer.size() + gone.size();
                // the state row is written again only once the change rows after it would be many or large
                // (a watch that changes one resource a tick does not rewrite the whole scope each tick)
                boolean withState = h.rewrite() || h.pendingRows() + 1 > MAX_PENDING_ROWS
                        || h.pendingEntries() + changes > Math.max(MIN_PENDING_ENTRIES, state.size() / 8);
                writes.add(new ScopeWrite(scope, withState ? state.values() : null, newer, gone));
                written += changes;
            }
        }
        // the bodies are pure work too (JSON, deflate): one scope per core
        List<Encoded> bodies = writes.parallelStream().map(ScopeWrite::encode).toList();
        try (PreparedStatement state = db().prepareStatement(Schema.upsertScopeState(db()));
             PreparedStatement change = db().prepareStatement(
                     "INSERT INTO scope_changes (type, region, revision, body) VALUES (?, ?, ?, ?)")) {
            for (Encoded b : bodies) {
                if (b.state() != null) {
                    state.setString(1, b.scope().type().key());
                    state.setString(2, b.scope().region());
                    state.setLong(3, revision);
                    state.setBytes(4, b.state());
                    state.addBatch();
                }
                change.setString(1, b.scope().type().key());
                change.setString(2, b.scope().region());
                change.setLong(3, revision);
                change.setBytes(4, b.changes());
                change.addBatch();
            }
            state.executeBatch();
            change.executeBatch();
        }
        try (PreparedStatement rev = db().prepareStatement(
                "INSERT INTO revisions (revision, run_id, created_at, written) VALUES (?, ?, ?, ?)")) {
            rev.setLong(1, revision);
            rev.setString(2, runId);
            rev.setTimestamp(3, Timestamp.from(Instant.now()));
            rev.setInt(4, written);
            rev.executeUpdate();
        }
        db().commit();
        return new Revision(revision, written, changed);
    }

    /** Whether recording would write nothing: every resource as stored, none gone. */
    private static boolean unchanged(Map<Scope, Map<String, Known>> known, Map<Scope, List<Keyed>> byScope) {
        for (Map.Entry<Scope, Map<String, Known>> scope : known.entrySet()) {
            List<Keyed> now = byScope.getOrDefault(scope.getKey(), List.of());
            Set<String> seen = new HashSet<>(now.size() * 2);
            for (Keyed k : now) {
                Known before = scope.getValue().get(k.key());
                if (before == null || !k.hash().equals(before.hash())) {
                    return false;
                }
                seen.add(k.key());
            }
            if (!seen.containsAll(scope.getValue().keySet())) {
                return false;
            }
        }
        for (Map.Entry<Scope, List<Keyed>> scope : byScope.entrySet()) {
            if (!known.containsKey(scope.getKey()) && !scope.getValue().isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private long latestRevision() throws SQLException {
        try (Statement s = db().createStatement(); ResultSet rs = s.executeQuery("SELECT MAX(revision) FROM revisions")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /**
     * The states earlier revisions wrote, read once per scope and revision while one batch is recorded.
     * A body or state that cannot be read counts as no state: the resource is treated as new, so reconciled.
     */
    private final class Previous {
        private final Map<Scope, Map<Long, Map<String, String>>> read = new HashMap<>();

        Observation stored(Scope scope, String key, long revision) throws SQLException {
            Map<Long, Map<String, String>> revisions = read.computeIfAbsent(scope, s -> new HashMap<>());
            Map<String, String> json = revisions.get(revision);
            if (json == null) {
                json = new HashMap<>();
                for (ScopeBlobs.ChangeEntry e : changesOf(scope, revision)) {
                    if (e.json() != null) {
                        json.put(e.key(), e.json());
                    }
                }
                revisions.put(revision, json);
            }
            String text = json.get(key);
            if (text == null) {
                return null;
            }
            try {
                return fromJson(text);
            } catch (OviException e) {
                return null; // a state written by someone else: the resource is treated as new, so reconciled
            }
        }

        private List<ScopeBlobs.ChangeEntry> changesOf(Scope scope, long revision) throws SQLException {
            try (PreparedStatement ps = db().prepareStatement(
                    "SELECT body FROM scope_changes WHERE type = ? AND region = ? AND revision = ?")) {
                ps.setString(1, scope.type().key());
                ps.setString(2, scope.region());
                ps.setLong(3, revision);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? ScopeBlobs.readChanges(rs.getBytes(1)) : List.of();
                } catch (ScopeBlobs.Damaged e) {
                    return List.of();
                }
            }
        }
    }

    private record Keyed(Observation observation, String key, String hash) {
    }

    /** What the store holds of a resource now: its hash, its ids, and the revision that wrote its state. */
    private record Known(String hash, String cloudId, String oviId, long revision) {
    }

    /**
     * One scope a revision writes: its whole new state (null when its state row is left as it is), and the
     * resources that are new, changed or gone.
     */
    private record ScopeWrite(Scope scope, Collection<ScopeBlobs.StateEntry> state, List<Keyed> newer,
                              List<ScopeBlobs.ChangeEntry> gone) {
        Encoded encode() {
            List<ScopeBlobs.ChangeEntry> changes = new ArrayList<>(newer.size() + gone.size());
            for (Keyed k : newer) {
                Observation o = k.observation();
                changes.add(new ScopeBlobs.ChangeEntry(k.key(), o.oviId(), o.cloudId(), k.hash(), toJson(o)));
            }
            changes.addAll(gone);
            return new Encoded(scope, state == null ? null : ScopeBlobs.state(state), ScopeBlobs.changes(changes));
        }
    }

    private record Encoded(Scope scope, byte[] state, byte[] changes) {
    }

    private long nextRevision() throws SQLException {
        try (Statement s = db().createStatement(); ResultSet rs = s.executeQuery(Schema.nextRevision(db()))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Change rows after a scope's state row, at most, before the state row is written again. */
    private static final int MAX_PENDING_ROWS = 32;
    /** Changed resources after a scope's state row, at least allowed (else an eighth of the scope's). */
    private static final int MIN_PENDING_ENTRIES = 256;

    /**
     * What the store holds of a scope now: its state row with the change rows written after it applied, how
     * many of those there are, and whether the state row must be written (none yet, or unreadable).
     */
    private record Held(Map<String, Known> known, int pendingRows, int pendingEntries, boolean rewrite) {
        static final Held NONE = new Held(Map.of(), 0, 0, true);
    }

    /**
     * Every resource the scopes hold now, by scope and key; the scopes' state rows are locked until the
     * batch commits, so two runs recording the same scope write one after the other. A state (or a change
     * after it) that cannot be read counts as empty: every resource in it is written again, as new.
     */
    private Map<Scope, Held> current(Set<Scope> scopes) throws SQLException {
        Map<Scope, Held> held = new HashMap<>();
        try (PreparedStatement ps = db().prepareStatement(
                "SELECT revision, body FROM scope_state WHERE type = ? AND region = ? FOR UPDATE");
             PreparedStatement after = db().prepareStatement("SELECT revision, body FROM scope_changes "
                     + "WHERE type = ? AND region = ? AND revision > ? ORDER BY revision")) {
            for (Scope scope : scopes) {
                ps.setString(1, scope.type().key());
                ps.setString(2, scope.region());
                long at;
                byte[] body;
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        continue;
                    }
                    at = rs.getLong(1);
                    body = rs.getBytes(2);
                }
                Map<String, Known> of = new HashMap<>();
                int rows = 0;
                int entries = 0;
                try {
                    for (ScopeBlobs.StateEntry e : ScopeBlobs.readState(body)) {
                        of.put(e.key(), new Known(e.hash(), e.cloudId(), e.oviId(), e.revision()));
                    }
                    after.setString(1, scope.type().key());
                    after.setString(2, scope.region());
                    after.setLong(3, at);
                    try (ResultSet rs = after.executeQuery()) {
                        while (rs.next()) {
                            rows++;
                            long revision = rs.getLong(1);
                            for (ScopeBlobs.ChangeEntry e : ScopeBlobs.readChanges(rs.getBytes(2))) {
                                entries++;
                                if (e.gone()) {
                                    of.remove(e.key());
                                } else {
                                    of.put(e.key(), new Known(e.hash(), e.cloudId(), e.oviId(), revision));
                                }
                            }
                        }
                    }
                } catch (ScopeBlobs.Damaged e) {
                    held.put(scope, Held.NONE);
                    continue;
                }
                held.put(scope, new Held(of, rows, entries, false));
            }
        }
        return held;
    }

    @Override
    public synchronized List<StoredVersion> history(String id) {
        try {
            return Transient.retry(Transient.ATTEMPTS, () -> readHistory(id), link::recover);
        } catch (SQLException e) {
            throw OviException.failure("cannot read the history of " + id + ": " + e.getMessage(), e);
        }
    }

    /**
     * Two passes over what each revision changed: the keys of every resource any state of which had this
     * ovi id or cloud id, and the scopes they are in; then every state of those keys, by key and revision.
     */
    private List<StoredVersion> readHistory(String id) throws SQLException {
        Map<String, Scope> keys = new HashMap<>();
        try {
            changes(null, (scope, revision, entries) -> {
                for (ScopeBlobs.ChangeEntry e : entries) {
                    if (id.equals(e.oviId()) || id.equals(e.cloudId())) {
                        keys.put(e.key(), scope);
                    }
                }
            });
        } catch (SQLException e) {
            if (e.getErrorCode() == 42102 && readOnlyEarlierLayout()) {
                return earlierLayoutHistory(id);
            }
            throw e;
        }
        return versions(keys);
    }

    /** Whether this is a store of schema 8 or before, not migrated: opened read-only (a backup, an auditor's mount). */
    private boolean readOnlyEarlierLayout() throws SQLException {
        try (Statement s = db().createStatement(); ResultSet rs = s.executeQuery("SELECT MAX(version) FROM ovi_schema")) {
            return rs.next() && rs.getInt(1) < Schema.VERSION;
        }
    }

    /** History as a store of schema 8 or before holds it: one row per resource and revision. */
    private List<StoredVersion> earlierLayoutHistory(String id) throws SQLException {
        String sql = "SELECT h.res_key, h.revision, r.run_id, r.created_at, h.content_hash, h.content FROM resource_history h "
                + "JOIN revisions r ON r.revision = h.revision "
                + "WHERE h.res_key IN (SELECT res_key FROM resource_history WHERE ovi_id = ? OR cloud_id = ?) "
                + "ORDER BY h.res_key, h.revision";
        try (PreparedStatement ps = db().prepareStatement(sql)) {
            ps.setString(1, id);
            ps.setString(2, id);
            List<StoredVersion> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String content = rs.getString(6);
                    out.add(new StoredVersion(rs.getString(1), rs.getLong(2), rs.getString(3),
                            rs.getTimestamp(4).toInstant(), rs.getString(5), content == null ? null : fromJson(content)));
                }
            }
            return out;
        }
    }

    /** Every state of the keys, in the scopes they are in, by key and revision. */
    private List<StoredVersion> versions(Map<String, Scope> keys) throws SQLException {
        if (keys.isEmpty()) {
            return List.of();
        }
        Map<Long, Object[]> revisions = new HashMap<>();
        try (Statement s = db().createStatement();
             ResultSet rs = s.executeQuery("SELECT revision, run_id, created_at FROM revisions")) {
            while (rs.next()) {
                revisions.put(rs.getLong(1), new Object[] {rs.getString(2), rs.getTimestamp(3).toInstant()});
            }
        }
        List<StoredVersion> out = new ArrayList<>();
        changes(Set.copyOf(keys.values()), (scope, revision, entries) -> {
            Object[] r = revisions.get(revision);
            for (ScopeBlobs.ChangeEntry e : entries) {
                if (r != null && scope.equals(keys.get(e.key()))) {
                    out.add(new StoredVersion(e.key(), revision, (String) r[0], (Instant) r[1], e.hash(),
                            e.json() == null ? null : fromJson(e.json())));
                }
            }
        });
        out.sort(java.util.Comparator.comparing(StoredVersion::key).thenComparingLong(StoredVersion::revision));
        return out;
    }

    private interface ChangesVisitor {
        void visit(Scope scope, long revision, List<ScopeBlobs.ChangeEntry> entries);
    }

    /** What each revision changed in the scopes (all of them when null), one body at a time. */
    private void changes(Set<Scope> only, ChangesVisitor visitor) throws SQLException {
        try (Statement s = db().createStatement();
             ResultSet rs = s.executeQuery("SELECT type, region, revision, body FROM scope_changes ORDER BY revision")) {
            while (rs.next()) {
                java.util.Optional<ResourceType> type = ResourceType.parse(rs.getString(1));
                if (type.isEmpty()) {
                    continue; // a kind this ovi does not know (a newer one wrote it): not what was asked for
                }
                Scope scope = Scope.of(type.get(), rs.getString(2));
                if (only != null && !only.contains(scope)) {
                    continue;
                }
                long revision = rs.getLong(3);
                try {
                    visitor.visit(scope, revision, ScopeBlobs.readChanges(rs.getBytes(4)));
                } catch (ScopeBlobs.Damaged e) {
                    throw OviException.failure("what revision " + revision + " recorded of " + scope
                            + " is damaged in the store (" + e.getMessage() + ")", e);
                }
            }
        }
    }

    /** Resources written for one revision, or -1 when there is no such revision. */
    public synchronized int written(long revision) {
        try {
            return Transient.retry(Transient.ATTEMPTS, () -> {
                try (PreparedStatement ps = db().prepareStatement("SELECT written FROM revisions WHERE revision = ?")) {
                    ps.setLong(1, revision);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? rs.getInt(1) : -1;
                    }
                }
            }, link::recover);
        } catch (SQLException e) {
            throw OviException.failure("cannot read revision " + revision + ": " + e.getMessage(), e);
        }
    }

    static String toJson(Observation o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", o.type().key());
        m.put("region", o.region());
        m.put("cloudId", o.cloudId());
        m.put("attributes", new java.util.TreeMap<>(o.attributes()));
        m.put("tags", new java.util.TreeMap<>(o.tags()));
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Observation fromJson(String text) {
        try {
            Map<String, Object> m = JSON.readValue(text, Map.class);
            return new Observation(ResourceType.parse((String) m.get("type")).orElseThrow(), (String) m.get("region"),
                    (String) m.get("cloudId"), (Map<String, String>) m.get("attributes"), (Map<String, String>) m.get("tags"));
        } catch (JsonProcessingException | RuntimeException e) {
            throw OviException.failure("a stored observation is unreadable (" + e.getMessage() + ")", e);
        }
    }

    private Connection db() throws SQLException {
        return link.get();
    }

    /**
     * The URL with any password in it masked, as it may be shown: {@code password=} (any case, after
     * {@code ?}, {@code &} or {@code ;}) and the {@code user:password@} form.
     */
    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        return url.replaceAll("(?i)(password\\s*=)[^;&]*", "$1***")
                .replaceAll("(//[^/@:?;]*):[^/@]*@", "$1:***@");
    }

    /** Whether a JDBC URL carries a password of its own. */
    public static boolean hasPassword(String url) {
        return !redact(url).equals(url);
    }

    private <T> T retrying(String what, Transient.SqlCall<T> call) {
        return Transient.orFail(what, link, call);
    }

    @Override
    public synchronized void raise(String wal, Head head) {
        retrying("cannot record the WAL's head in the store", () -> {
            Connection c = link.get();
            // only ever forward: overlapping processes each record the head they know
            try (PreparedStatement up = c.prepareStatement(
                    "UPDATE wal_heads SET seq = ?, hash = ?, recorded_at = ? WHERE wal = ? AND seq < ?")) {
                up.setLong(1, head.seq());
                up.setString(2, head.hash());
                up.setTimestamp(3, Timestamp.from(head.time()));
                up.setString(4, wal);
                up.setLong(5, head.seq());
                if (up.executeUpdate() == 1) {
                    return null;
                }
            }
            try (PreparedStatement ins = c.prepareStatement(
                    "INSERT INTO wal_heads (wal, seq, hash, recorded_at) VALUES (?, ?, ?, ?)")) {
                ins.setString(1, wal);
                ins.setLong(2, head.seq());
                ins.setString(3, head.hash());
                ins.setTimestamp(4, Timestamp.from(head.time()));
                ins.executeUpdate();
            } catch (SQLException e) {
                if (!"23505".equals(e.getSQLState())) {
                    throw e;
                }
                // a row exists with a head as high or higher: nothing to raise
            }
            return null;
        });
    }

    @Override
    public synchronized void reset(String wal, Head head) {
        retrying("cannot record the WAL's head in the store", () -> {
            try (PreparedStatement del = link.get().prepareStatement("DELETE FROM wal_heads WHERE wal = ?")) {
                del.setString(1, wal);
                del.executeUpdate();
            }
            return null;
        });
        raise(wal, head);
    }

    @Override
    public synchronized java.util.Optional<Head> head(String wal) {
        return retrying("cannot read the WAL's head from the store", () -> {
            try (PreparedStatement ps = link.get().prepareStatement(
                    "SELECT seq, hash, recorded_at FROM wal_heads WHERE wal = ?")) {
                ps.setString(1, wal);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? java.util.Optional.of(new Head(rs.getLong(1), rs.getString(2).trim(),
                            rs.getTimestamp(3).toInstant())) : java.util.Optional.<Head>empty();
                }
            }
        });
    }

    @Override
    public synchronized Map<String, ovi.engine.Notifications.Sent> sent(String target) {
        return retrying("cannot read what was notified from the store", () -> {
            Map<String, ovi.engine.Notifications.Sent> out = new java.util.LinkedHashMap<>();
            try (PreparedStatement ps = link.get().prepareStatement("SELECT res_key, resource, type, region, kind, "
                    + "changes_hash, sent_at FROM notifications WHERE target = ? ORDER BY res_key")) {
                ps.setString(1, target);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), new ovi.engine.Notifications.Sent(rs.getString(1), rs.getString(2),
                                rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6).trim(),
                                rs.getTimestamp(7).toInstant()));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public synchronized void remember(String target, ovi.engine.Notifications.Sent sent) {
        retrying("cannot record what was notified in the store", () -> {
            Connection c = link.get();
            try (PreparedStatement up = c.prepareStatement("UPDATE notifications SET resource = ?, type = ?, region = ?, "
                    + "kind = ?, changes_hash = ?, sent_at = ? WHERE target = ? AND res_key = ?")) {
                bindSent(up, 1, sent);
                up.setString(7, target);
                up.setString(8, sent.key());
                if (up.executeUpdate() == 1) {
                    return null;
                }
            }
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO notifications (resource, type, region, kind, "
                    + "changes_hash, sent_at, target, res_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                bindSent(ins, 1, sent);
                ins.setString(7, target);
                ins.setString(8, sent.key());
                ins.executeUpdate();
            } catch (SQLException e) {
                if (!"23505".equals(e.getSQLState())) {
                    throw e;
                }
                // another run recorded the same finding at once: either record says it was sent
            }
            return null;
        });
    }

    private static void bindSent(PreparedStatement ps, int from, ovi.engine.Notifications.Sent s) throws SQLException {
        ps.setString(from, s.resource());
        ps.setString(from + 1, s.type());
        ps.setString(from + 2, s.region());
        ps.setString(from + 3, s.kind());
        ps.setString(from + 4, s.hash());
        ps.setTimestamp(from + 5, Timestamp.from(s.at()));
    }

    @Override
    public synchronized void forget(String target, String key) {
        retrying("cannot record what was notified in the store", () -> {
            try (PreparedStatement del = link.get().prepareStatement(
                    "DELETE FROM notifications WHERE target = ? AND res_key = ?")) {
                del.setString(1, target);
                del.setString(2, key);
                del.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public synchronized Map<String, ovi.engine.Scheduler.Backoff> backoffs(String owner) {
        return retrying("cannot read the watch's backoffs from the store", () -> {
            Map<String, ovi.engine.Scheduler.Backoff> out = new HashMap<>();
            try (PreparedStatement ps = link.get().prepareStatement(
                    "SELECT resource, attempts, until_at, error FROM watch_backoff WHERE owner = ?")) {
                ps.setString(1, owner);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        // a row someone else wrote with nonsense in it is a resource not backing off
                        if (rs.getInt(2) >= 1 && rs.getTimestamp(3) != null) {
                            out.put(rs.getString(1), new ovi.engine.Scheduler.Backoff(rs.getInt(2),
                                    rs.getTimestamp(3).toInstant(), rs.getString(4)));
                        }
                    }
                }
            }
            return out;
        });
    }

    @Override
    public synchronized void backoff(String owner, String id, ovi.engine.Scheduler.Backoff b) {
        String error = b.error() == null ? null : b.error().length() > 1000 ? b.error().substring(0, 1000) : b.error();
        retrying("cannot record the backoff of " + id + " in the store", () -> {
            Connection c = link.get();
            for (int attempt = 0; ; attempt++) {
                try (PreparedStatement up = c.prepareStatement("UPDATE watch_backoff SET attempts = ?, until_at = ?, "
                        + "error = ?, updated_at = ? WHERE owner = ? AND resource = ?")) {
                    up.setInt(1, b.attempts());
                    up.setTimestamp(2, Timestamp.from(b.until()));
                    up.setString(3, error);
                    up.setTimestamp(4, Timestamp.from(Instant.now()));
                    up.setString(5, owner);
                    up.setString(6, id);
                    if (up.executeUpdate() == 1) {
                        return null;
                    }
                }
                try (PreparedStatement ins = c.prepareStatement("INSERT INTO watch_backoff (owner, resource, attempts, "
                        + "until_at, error, updated_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                    ins.setString(1, owner);
                    ins.setString(2, id);
                    ins.setInt(3, b.attempts());
                    ins.setTimestamp(4, Timestamp.from(b.until()));
                    ins.setString(5, error);
                    ins.setTimestamp(6, Timestamp.from(Instant.now()));
                    ins.executeUpdate();
                    return null;
                } catch (SQLException e) {
                    if (!"23505".equals(e.getSQLState()) || attempt > 0) {
                        throw e;
                    }
                    // another watcher inserted it first: update that row
                }
            }
        });
    }

    @Override
    public synchronized void cleared(String owner, String id) {
        retrying("cannot clear the backoff of " + id + " in the store", () -> {
            try (PreparedStatement ps = link.get().prepareStatement(
                    "DELETE FROM watch_backoff WHERE owner = ? AND resource = ?")) {
                ps.setString(1, owner);
                ps.setString(2, id);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public synchronized void watcher(Watcher w) {
        retrying("cannot record the watcher's state in the store", () -> {
            Connection c = link.get();
            for (int attempt = 0; ; attempt++) {
                try (PreparedStatement up = c.prepareStatement("UPDATE watchers SET owner = ?, state = ?, started_at = ?, "
                        + "last_tick = ?, next_due = ?, ticks = ?, scheduled = ?, backoffs = ? WHERE holder = ?")) {
                    bindWatcher(up, w);
                    up.setString(9, w.holder());
                    if (up.executeUpdate() == 1) {
                        return null;
                    }
                }
                try (PreparedStatement ins = c.prepareStatement("INSERT INTO watchers (owner, state, started_at, "
                        + "last_tick, next_due, ticks, scheduled, backoffs, holder) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    bindWatcher(ins, w);
                    ins.setString(9, w.holder());
                    ins.executeUpdate();
                    return null;
                } catch (SQLException e) {
                    if (!"23505".equals(e.getSQLState()) || attempt > 0) {
                        throw e;
                    }
                }
            }
        });
    }

    private static void bindWatcher(PreparedStatement ps, Watcher w) throws SQLException {
        ps.setString(1, w.owner());
        ps.setString(2, w.state());
        ps.setTimestamp(3, Timestamp.from(w.started()));
        ps.setTimestamp(4, w.lastTick() == null ? null : Timestamp.from(w.lastTick()));
        ps.setTimestamp(5, w.nextDue() == null ? null : Timestamp.from(w.nextDue()));
        ps.setLong(6, w.ticks());
        ps.setInt(7, w.scheduled());
        ps.setInt(8, w.backoffs());
    }

    @Override
    public synchronized List<Watcher> watchers() {
        return retrying("cannot read the watchers from the store", () -> {
            List<Watcher> out = new ArrayList<>();
            try (PreparedStatement ps = link.get().prepareStatement("SELECT holder, owner, state, started_at, last_tick, "
                    + "next_due, ticks, scheduled, backoffs FROM watchers ORDER BY last_tick DESC, holder")) {
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Watcher(rs.getString(1), rs.getString(2), rs.getString(3),
                                rs.getTimestamp(4).toInstant(), instant(rs.getTimestamp(5)), instant(rs.getTimestamp(6)),
                                rs.getLong(7), rs.getInt(8), rs.getInt(9)));
                    }
                }
            }
            return out;
        });
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    @Override
    public synchronized void close() {
        // nothing is pending: every write is committed or rolled back before it returns
        link.close();
    }

    @Override
    public String toString() {
        return redact(url);
    }
}

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
 * machines share the work. {@code resources} holds each resource's latest state, {@code resource_history}
 * every state it has had, keyed by the revision that recorded it.
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
                    return open(url, creds.user(), creds.password());
                } catch (OviException wrong) {
                    // a store made before stores had credentials: give it these, once, then open it
                    try {
                        if (existed && creds.adopt(url)) {
                            return open(url, creds.user(), creds.password());
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
        try {
            return new JdbcObservationStore(connectAndMigrate(url, user, password), url, user, password);
        } catch (SQLException e) {
            throw OviException.failure("cannot open the store " + redact(url) + ": " + e.getMessage(), e);
        }
    }

    /** Two processes migrating a new store at once: the loser sees the winner's objects, and tries again. */
    private static Connection connectAndMigrate(String url, String user, String password) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            Connection c = Link.connect(url, user, password);
            try {
                Schema.migrate(c);
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
            // a batch whose transaction was rolled back by a passing trouble is simply recorded again
            return Transient.retry(Transient.ATTEMPTS, () -> record(runId, observedScopes, keyed, keepUnchanged),
                    link::recover);
        } catch (SQLException e) {
            link.recover();
            throw OviException.failure("cannot record observations in the store: " + e.getMessage(), e);
        } finally {
            link.autoCommit();
        }
    }

    private Revision record(String runId, Set<Scope> observedScopes, List<Keyed> keyed, boolean keepUnchanged)
            throws SQLException {
        db().setAutoCommit(false);
        Map<String, Known> known = current(observedScopes);
        if (!keepUnchanged && unchanged(known, keyed)) {
            db().rollback();
            return new Revision(latestRevision(), 0);
        }
        long revision = nextRevision();
        Set<String> seen = new HashSet<>(keyed.size() * 2);
        int written = 0;
        List<Changed> changed = new ArrayList<>();
        try (PreparedStatement upsert = db().prepareStatement(Schema.upsertResource(db()));
             PreparedStatement hist = db().prepareStatement(
                     "INSERT INTO resource_history (res_key, revision, ovi_id, cloud_id, content_hash, content, gone) "
                             + "VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (Keyed k : keyed) {
                Observation o = k.observation();
                seen.add(k.key());
                Known before = known.get(k.key());
                if (before != null && k.hash().equals(before.hash())) {
                    continue;
                }
                changed.add(new Changed(k.key(), before == null || before.hash() == null ? null
                        : stored(k.key(), before.revision()), o));
                bindUpsert(upsert, k.key(), o.type(), o.region(), o.cloudId(), o.oviId(), revision, k.hash(), false);
                upsert.addBatch();
                bindHistory(hist, k.key(), revision, o.oviId(), o.cloudId(), k.hash(), toJson(o), false);
                hist.addBatch();
                written++;
            }
            for (Map.Entry<String, Known> e : known.entrySet()) {
                Known g = e.getValue();
                if (!seen.contains(e.getKey()) && g.hash() != null) {
                    changed.add(new Changed(e.getKey(), stored(e.getKey(), g.revision()), null));
                    bindUpsert(upsert, e.getKey(), g.type(), g.region(), g.cloudId(), g.oviId(), revision, null, true);
                    upsert.addBatch();
                    bindHistory(hist, e.getKey(), revision, g.oviId(), g.cloudId(), null, null, true);
                    hist.addBatch();
                    written++;
                }
            }
            upsert.executeBatch();
            hist.executeBatch();
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

    /** Whether recording {@code keyed} would write nothing: every resource as stored, none gone. */
    private static boolean unchanged(Map<String, Known> known, List<Keyed> keyed) {
        Set<String> seen = new HashSet<>(keyed.size() * 2);
        for (Keyed k : keyed) {
            Known before = known.get(k.key());
            if (before == null || !k.hash().equals(before.hash())) {
                return false;
            }
            seen.add(k.key());
        }
        for (Map.Entry<String, Known> e : known.entrySet()) {
            if (e.getValue().hash() != null && !seen.contains(e.getKey())) {
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

    /** The state stored for {@code key} by {@code revision}, or null when unreadable (then it counts as new). */
    private Observation stored(String key, long revision) throws SQLException {
        try (PreparedStatement ps = db().prepareStatement(
                "SELECT content FROM resource_history WHERE res_key = ? AND revision = ?")) {
            ps.setString(1, key);
            ps.setLong(2, revision);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getString(1) == null) {
                    return null;
                }
                try {
                    return fromJson(rs.getString(1));
                } catch (OviException e) {
                    return null; // a row written by someone else: the resource is treated as new, so reconciled
                }
            }
        }
    }

    private record Keyed(Observation observation, String key, String hash) {
    }

    /** What the store holds of a resource: its latest hash (null once gone) and what a gone entry needs. */
    private record Known(String hash, ResourceType type, String region, String cloudId, String oviId, long revision) {
    }

    private long nextRevision() throws SQLException {
        try (Statement s = db().createStatement(); ResultSet rs = s.executeQuery(Schema.nextRevision(db()))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Every stored resource in the scopes, by key. */
    private Map<String, Known> current(Set<Scope> scopes) throws SQLException {
        Map<String, Known> known = new HashMap<>();
        try (PreparedStatement ps = db().prepareStatement(
                "SELECT res_key, content_hash, cloud_id, ovi_id, revision FROM resources WHERE type = ? AND region = ?")) {
            for (Scope scope : scopes) {
                ps.setString(1, scope.type().key());
                ps.setString(2, scope.region());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        known.put(rs.getString(1), new Known(rs.getString(2), scope.type(), scope.region(),
                                rs.getString(3), rs.getString(4), rs.getLong(5)));
                    }
                }
            }
        }
        return known;
    }

    private static void bindUpsert(PreparedStatement ps, String key, ResourceType type, String region, String cloudId,
                                   String oviId, long revision, String hash, boolean gone) throws SQLException {
        ps.setString(1, key);
        ps.setString(2, type.key());
        // scope region, so that S3 buckets (listed account-wide) are found by their scope
        ps.setString(3, Scope.of(type, region).region());
        ps.setString(4, cloudId);
        ps.setString(5, oviId);
        ps.setLong(6, revision);
        ps.setString(7, hash);
        ps.setBoolean(8, gone);
    }

    private static void bindHistory(PreparedStatement ps, String key, long revision, String oviId, String cloudId,
                                    String hash, String content, boolean gone) throws SQLException {
        ps.setString(1, key);
        ps.setLong(2, revision);
        ps.setString(3, oviId);
        ps.setString(4, cloudId);
        ps.setString(5, hash);
        ps.setString(6, content);
        ps.setBoolean(7, gone);
    }

    @Override
    public synchronized List<StoredVersion> history(String id) {
        String sql = "SELECT h.res_key, h.revision, r.run_id, r.created_at, h.content_hash, h.content FROM resource_history h "
                + "JOIN revisions r ON r.revision = h.revision "
                + "WHERE h.res_key IN (SELECT res_key FROM resource_history WHERE ovi_id = ? OR cloud_id = ?) "
                + "ORDER BY h.res_key, h.revision";
        try {
            return Transient.retry(Transient.ATTEMPTS, () -> {
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
            }, link::recover);
        } catch (SQLException e) {
            throw OviException.failure("cannot read the history of " + id + ": " + e.getMessage(), e);
        }
    }

    /** Rows written for one revision, or -1 when there is no such revision. */
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

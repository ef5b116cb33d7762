package ovi.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** The store's versioned schema: each migration runs once, in order, recorded in {@code ovi_schema}. */
final class Schema {
    /** Migrations in order; index + 1 is the schema version each one brings the store to. */
    private static final List<Step> MIGRATIONS = List.of(
            sql(
                "CREATE SEQUENCE IF NOT EXISTS revision_seq START WITH 1",
                "CREATE TABLE IF NOT EXISTS revisions (revision BIGINT PRIMARY KEY, run_id VARCHAR(64) NOT NULL, "
                        + "created_at TIMESTAMP WITH TIME ZONE NOT NULL, written INT NOT NULL)",
                "CREATE TABLE IF NOT EXISTS resources (res_key VARCHAR(600) PRIMARY KEY, type VARCHAR(8) NOT NULL, "
                        + "region VARCHAR(40) NOT NULL, cloud_id VARCHAR(300) NOT NULL, ovi_id VARCHAR(200), "
                        + "revision BIGINT NOT NULL, content_hash CHAR(64), content VARCHAR(1000000), gone BOOLEAN NOT NULL)",
                "CREATE INDEX IF NOT EXISTS resources_scope ON resources (type, region)",
                "CREATE TABLE IF NOT EXISTS resource_history (res_key VARCHAR(600) NOT NULL, revision BIGINT NOT NULL, "
                        + "ovi_id VARCHAR(200), cloud_id VARCHAR(300) NOT NULL, content_hash CHAR(64), "
                        + "content VARCHAR(1000000), gone BOOLEAN NOT NULL, PRIMARY KEY (res_key, revision))",
                "CREATE INDEX IF NOT EXISTS history_ovi_id ON resource_history (ovi_id)",
                "CREATE INDEX IF NOT EXISTS history_cloud_id ON resource_history (cloud_id)"
            ),
            sql(
                "CREATE TABLE IF NOT EXISTS claims (resource VARCHAR(600) PRIMARY KEY, holder VARCHAR(200) NOT NULL, "
                        + "fence BIGINT NOT NULL, claimed_at TIMESTAMP WITH TIME ZONE NOT NULL, "
                        + "expires_at TIMESTAMP WITH TIME ZONE NOT NULL)"
            ),
            sql(
                // every state is in resource_history; the latest row keeps only what finding changes needs
                "ALTER TABLE resources DROP COLUMN IF EXISTS content"
            ),
            sql(
                // each WAL's head, outside the WAL: a missing tail, file or directory shows against it
                "CREATE TABLE IF NOT EXISTS wal_heads (wal VARCHAR(1000) PRIMARY KEY, seq BIGINT NOT NULL, "
                        + "hash CHAR(64) NOT NULL, recorded_at TIMESTAMP WITH TIME ZONE NOT NULL)"
            ),
            sql(
                // a kind's key is up to 20 characters (ResourceType), not 8: security-group is 14
                "ALTER TABLE resources ALTER COLUMN type SET DATA TYPE VARCHAR(20)"
            ),
            sql(
                // the owner and account the store belongs to (one row, id 1), recorded by its first run:
                // nothing else in it is keyed by either
                "CREATE TABLE IF NOT EXISTS ovi_binding (id INT PRIMARY KEY, owner VARCHAR(200) NOT NULL, "
                        + "account VARCHAR(12) NOT NULL, config VARCHAR(1000), bound_at TIMESTAMP WITH TIME ZONE NOT NULL)"
            ),
            sql(
                // what each notify target was last sent about each finding, so a later run does not repeat it
                "CREATE TABLE IF NOT EXISTS notifications (target VARCHAR(1100) NOT NULL, res_key VARCHAR(600) NOT NULL, "
                        + "resource VARCHAR(300) NOT NULL, type VARCHAR(20) NOT NULL, region VARCHAR(40) NOT NULL, "
                        + "kind VARCHAR(20) NOT NULL, changes_hash CHAR(64) NOT NULL, "
                        + "sent_at TIMESTAMP WITH TIME ZONE NOT NULL, PRIMARY KEY (target, res_key))"
            ),
            sql(
                // ovi watch: each failing resource's backoff, so a watch started again waits it out, and each
                // watcher's state for ovi status (one row per holder, replaced each tick)
                "CREATE TABLE IF NOT EXISTS watch_backoff (owner VARCHAR(200) NOT NULL, resource VARCHAR(600) NOT NULL, "
                        + "attempts INT NOT NULL, until_at TIMESTAMP WITH TIME ZONE NOT NULL, error VARCHAR(1000), "
                        + "updated_at TIMESTAMP WITH TIME ZONE NOT NULL, PRIMARY KEY (owner, resource))",
                "CREATE TABLE IF NOT EXISTS watchers (holder VARCHAR(200) PRIMARY KEY, owner VARCHAR(200) NOT NULL, "
                        + "state VARCHAR(20) NOT NULL, started_at TIMESTAMP WITH TIME ZONE NOT NULL, "
                        + "last_tick TIMESTAMP WITH TIME ZONE, next_due TIMESTAMP WITH TIME ZONE, ticks BIGINT NOT NULL, "
                        + "scheduled INT NOT NULL, backoffs INT NOT NULL)"
            ),
            // one compressed row per scope for what it holds now, and one per scope and revision for what that
            // revision changed in it, instead of two rows per resource with five indexes between them
            ScopeRows::migrate);

    static final int VERSION = MIGRATIONS.size();

    /** One migration: statements, or the code that moves what the store holds into a new layout. */
    interface Step {
        void run(Connection c, Statement s) throws SQLException;
    }

    private static Step sql(String... statements) {
        return (c, s) -> {
            for (String statement : statements) {
                s.execute(statement);
            }
        };
    }

    /** The PostgreSQL advisory lock key that serializes migrations ("ovi" in ASCII). */
    private static final long MIGRATION_LOCK = 0x6f7669L;

    private Schema() {
    }

    static void migrate(Connection c) throws SQLException {
        migrate(c, VERSION);
    }

    /** Migrates to schema {@code target} (a test builds an older store with it), no further. */
    static void migrate(Connection c, int target) throws SQLException {
        migrate(c, target, message -> { });
    }

    /**
     * ... telling {@code notice}, before it starts, when it moves an existing store's resources into the
     * layout of schema 9, which takes a while for a large store, once.
     */
    static void migrate(Connection c, int target, java.util.function.Consumer<String> notice) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            if (postgres(c)) {
                // machines sharing a new store migrate it one at a time; the lock ends with the transaction
                s.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
            }
            s.execute("CREATE TABLE IF NOT EXISTS ovi_schema (version INT NOT NULL)");
            int current = 0;
            try (ResultSet rs = s.executeQuery("SELECT MAX(version) FROM ovi_schema")) {
                if (rs.next()) {
                    current = rs.getInt(1);
                }
            }
            if (current > VERSION) {
                throw new SQLException("the store has schema version " + current + ", newer than this ovi knows ("
                        + VERSION + "); upgrade ovi");
            }
            for (int v = current + 1; v <= target; v++) {
                if (v == SCOPE_ROWS && current > 0 && ScopeRows.hasTable(c, "resource_history")) {
                    noticeScopeRows(s, notice);
                }
                MIGRATIONS.get(v - 1).run(c, s);
                s.execute("INSERT INTO ovi_schema (version) VALUES (" + v + ")");
            }
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** The schema that moved the store to one row per scope ({@link ScopeRows}). */
    static final int SCOPE_ROWS = 9;

    private static void noticeScopeRows(Statement s, java.util.function.Consumer<String> notice) throws SQLException {
        long resources = 0;
        long rows = 0;
        try (ResultSet rs = s.executeQuery("SELECT (SELECT COUNT(*) FROM resources WHERE gone = FALSE), "
                + "(SELECT COUNT(*) FROM resource_history)")) {
            if (rs.next()) {
                resources = rs.getLong(1);
                rows = rs.getLong(2);
            }
        }
        if (resources > 0) {
            notice.accept(String.format(java.util.Locale.ROOT, "moving the store to one row per scope (schema %d): %,d "
                    + "resources and %,d history rows, once; a run killed meanwhile loses nothing, and the next one "
                    + "finishes the move", SCOPE_ROWS, resources, rows));
        }
    }

    static boolean postgres(Connection c) throws SQLException {
        return c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres");
    }

    static String nextRevision(Connection c) throws SQLException {
        return postgres(c) ? "SELECT nextval('revision_seq')" : "SELECT NEXT VALUE FOR revision_seq";
    }

    static String upsertScopeState(Connection c) throws SQLException {
        if (postgres(c)) {
            return "INSERT INTO scope_state (type, region, revision, body) VALUES (?, ?, ?, ?) ON CONFLICT (type, region) "
                    + "DO UPDATE SET revision = EXCLUDED.revision, body = EXCLUDED.body";
        }
        return "MERGE INTO scope_state (type, region, revision, body) KEY (type, region) VALUES (?, ?, ?, ?)";
    }
}

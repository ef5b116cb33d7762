package ovi.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ovi.aws.ec2.Ec2Kind;
import ovi.aws.securitygroup.SecurityGroupKind;
import ovi.engine.ObservationStore;
import ovi.model.Observation;
import ovi.model.Scope;
import org.junit.jupiter.api.Test;

/** The store's migrations against an H2 database of its own (and PostgreSQL's, from PostgresStoreIT). */
public class SchemaTest {
    private static Observation web(String id, String size) {
        return new Observation(Ec2Kind.TYPE, "us-east-1", id, Map.of("size", size), Map.of("ovi:id", "web-" + id));
    }

    @Test
    void aStoreOfTwoRowsPerResourceKeepsEveryStateAndWhatItHoldsOnceMigrated() throws Exception {
        migratesTwoRowsPerResource("jdbc:h2:mem:schema-test-9;DB_CLOSE_DELAY=-1", "", "");
    }

    /** A store of schema 8 (two rows per resource) in the empty database at {@code url}, migrated and read. */
    public static void migratesTwoRowsPerResource(String url, String user, String password) throws Exception {
        Observation sg = new Observation(SecurityGroupKind.TYPE, "us-east-1", "sg-0a1b2c3d", Map.of("name", "web"),
                Map.of("ovi:id", "web-sg"));
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            schemaEight(c, s, sg);
            List<String> notices = new java.util.ArrayList<>();
            Schema.migrate(c, Schema.VERSION, notices::add);
            assertEquals(1, notices.size(), notices::toString);
            assertTrue(notices.get(0).contains("2 resources and 5 history rows, once"), notices::toString);
            try (ResultSet rs = s.executeQuery("SELECT MAX(version) FROM ovi_schema")) {
                rs.next();
                assertEquals(Schema.VERSION, rs.getInt(1));
            }
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES "
                    + "WHERE UPPER(TABLE_NAME) IN ('RESOURCES', 'RESOURCE_HISTORY')")) {
                rs.next();
                assertEquals(0, rs.getInt(1), "the old tables are gone");
            }
        }
        try (JdbcObservationStore store = JdbcObservationStore.open(url, user, password)) {
            List<ObservationStore.StoredVersion> a = store.history("web-a");
            assertEquals(List.of(1L, 2L), a.stream().map(ObservationStore.StoredVersion::revision).toList());
            assertEquals("t3.micro", a.get(0).observation().attribute("size"));
            assertEquals("t3.large", a.get(1).observation().attribute("size"));
            assertEquals("run-2", a.get(1).runId());
            List<ObservationStore.StoredVersion> b = store.history("b");
            assertEquals(2, b.size(), b::toString);
            assertTrue(b.get(1).gone());
            assertEquals("sg-0a1b2c3d", store.history("web-sg").get(0).observation().cloudId(),
                    "a kind key of 14 characters");

            // what the store holds now came over: the same resources again write nothing (b was already gone)
            Set<Scope> scopes = Set.of(web("a", "").scope(), sg.scope());
            var same = store.record("run-3", scopes, List.of(web("a", "t3.large"), sg), false);
            assertEquals(0, same.written(), same::toString);
            var next = store.record("run-4", scopes, List.of(web("a", "t3.xlarge"), sg), false);
            assertEquals(1, next.written());
            assertEquals("t3.large", next.changed().get(0).before().attribute("size"), "the state before, migrated");
            assertFalse(store.history("web-a").isEmpty());
        }
    }

    /** As schema 8 wrote them: web-a changed in revision 2, web-b gone in revision 2, and {@code sg}. */
    private static void schemaEight(Connection c, Statement s, Observation sg) throws Exception {
        Schema.migrate(c, 8);
        s.execute("INSERT INTO revisions VALUES (1, 'run-1', CURRENT_TIMESTAMP, 3), (2, 'run-2', CURRENT_TIMESTAMP, 2)");
        row(s, web("a", "t3.micro"), 1, false);
        row(s, web("b", "t3.micro"), 1, false);
        row(s, sg, 1, false);
        row(s, web("a", "t3.large"), 2, false);
        row(s, web("b", "t3.micro"), 2, true);
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }

    @Test
    void aReadOnlyCopyOfAStoreOfTheEarlierLayoutIsReadAsItIs(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Observation sg = new Observation(SecurityGroupKind.TYPE, "us-east-1", "sg-1", Map.of(), Map.of());
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("ovi"), "", "");
             Statement s = c.createStatement()) {
            schemaEight(c, s, sg);
        }
        try (JdbcObservationStore store = JdbcObservationStore.openH2ReadOnly(dir)) {
            List<ObservationStore.StoredVersion> a = store.history("web-a");
            assertEquals(List.of("t3.micro", "t3.large"), a.stream().map(v -> v.observation().attribute("size")).toList());
            assertTrue(store.history("b").get(1).gone());
        }
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("ovi"), "", "");
             ResultSet rs = c.createStatement().executeQuery("SELECT MAX(version) FROM ovi_schema")) {
            rs.next();
            assertEquals(8, rs.getInt(1), "a copy read as it is, not migrated");
        }
    }

    private static void row(Statement s, Observation o, long revision, boolean gone) throws Exception {
        String key = q(o.key());
        String hash = gone ? "NULL" : q(o.contentHash());
        s.execute("DELETE FROM resources WHERE res_key = " + key);
        s.execute("INSERT INTO resources (res_key, type, region, cloud_id, ovi_id, revision, content_hash, gone) "
                + "VALUES (" + key + ", " + q(o.type().key()) + ", " + q(o.scope().region()) + ", " + q(o.cloudId()) + ", "
                + q(o.oviId()) + ", " + revision + ", " + hash + ", " + gone + ")");
        s.execute("INSERT INTO resource_history VALUES (" + key + ", " + revision + ", " + q(o.oviId()) + ", "
                + q(o.cloudId()) + ", " + hash + ", " + (gone ? "NULL" : q(JdbcObservationStore.toJson(o))) + ", " + gone + ")");
    }

    private static String q(String s) {
        return s == null ? "NULL" : "'" + s.replace("'", "''") + "'";
    }

    @Test
    void aMigrationKilledAfterItDroppedTheHistoryTableIsFinishedByTheNextRun() throws Exception {
        // given: what a kill -9 left in H2, which commits before each DDL statement: the rows moved, the
        // history table dropped, the resources table still there and schema 8 recorded
        String url = "jdbc:h2:mem:schema-test-killed;DB_CLOSE_DELAY=-1";
        Observation sg = new Observation(SecurityGroupKind.TYPE, "us-east-1", "sg-0a1b2c3d", Map.of("name", "web"),
                Map.of("ovi:id", "web-sg"));
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            schemaEight(c, s, sg);
            s.execute("CREATE TABLE resources_left AS SELECT * FROM resources");
            Schema.migrate(c);
            s.execute("ALTER TABLE resources_left RENAME TO resources");
            s.execute("DELETE FROM ovi_schema WHERE version = 9");

            // when
            Schema.migrate(c);

            // then
            try (ResultSet rs = s.executeQuery("SELECT MAX(version) FROM ovi_schema")) {
                rs.next();
                assertEquals(Schema.VERSION, rs.getInt(1));
            }
            assertFalse(ScopeRows.hasTable(c, "resources"), "the table the killed run did not drop is gone");
        }
        try (JdbcObservationStore store = JdbcObservationStore.open(url, "", "")) {
            List<ObservationStore.StoredVersion> a = store.history("web-a");
            assertEquals(List.of(1L, 2L), a.stream().map(ObservationStore.StoredVersion::revision).toList());
            assertEquals("t3.large", a.get(1).observation().attribute("size"));
            assertTrue(store.history("b").get(1).gone());
        }
    }

    @Test
    void aReadOnlyCopyOfAStoreKilledAfterItDroppedTheHistoryTableIsReadAsItIs(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        // given: the state of the test above, in a file, then opened read-only (a backup taken after the kill)
        Observation sg = new Observation(SecurityGroupKind.TYPE, "us-east-1", "sg-0a1b2c3d", Map.of("name", "web"),
                Map.of("ovi:id", "web-sg"));
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("ovi"), "", "");
             Statement s = c.createStatement()) {
            schemaEight(c, s, sg);
            s.execute("CREATE TABLE resources_left AS SELECT * FROM resources");
            Schema.migrate(c);
            s.execute("ALTER TABLE resources_left RENAME TO resources");
            s.execute("DELETE FROM ovi_schema WHERE version = 9");
        }

        // when
        try (JdbcObservationStore store = JdbcObservationStore.openH2ReadOnly(dir)) {
            List<ObservationStore.StoredVersion> a = store.history("web-a");

            // then: the rows the killed run moved are read where it moved them
            assertEquals(List.of(1L, 2L), a.stream().map(ObservationStore.StoredVersion::revision).toList());
            assertEquals("t3.large", a.get(1).observation().attribute("size"));
            assertTrue(store.history("b").get(1).gone());
        }
    }

    @Test
    void aNewStoreIsMadeWithoutSayingItMovesAnything() throws Exception {
        List<String> notices = new java.util.ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:schema-test-new;DB_CLOSE_DELAY=-1")) {
            Schema.migrate(c, Schema.VERSION, notices::add);
        }
        assertEquals(List.of(), notices);
    }

    @Test
    void aStoreNewerThanThisOviIsRefused() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:schema-test-newer;DB_CLOSE_DELAY=-1");
             Statement s = c.createStatement()) {
            Schema.migrate(c);
            s.execute("INSERT INTO ovi_schema (version) VALUES (" + (Schema.VERSION + 1) + ")");
            var e = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class, () -> Schema.migrate(c));
            assertTrue(e.getMessage().contains("upgrade ovi"), e.getMessage());
        }
    }
}

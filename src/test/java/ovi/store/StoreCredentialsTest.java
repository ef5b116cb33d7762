package ovi.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store's password: another local user must not get in through the auto-server. */
class StoreCredentialsTest {
    @TempDir
    Path dir;

    @Test
    void theAutoServerRefusesAnEmptyUserAndPasswordAndListensOnLoopbackOnly() throws Exception {
        try (JdbcObservationStore store = JdbcObservationStore.openH2(dir)) {
            // what any local user could do before: read the lock file, connect to the port it names
            Properties lock = new Properties();
            lock.load(new StringReader(Files.readString(dir.resolve("ovi.lock.db"))));
            String server = lock.getProperty("server");
            int port = Integer.parseInt(server.substring(server.lastIndexOf(':') + 1));
            assertEquals(java.util.List.of("127.0.0.1"), Listening.on(port), "the auto-server listens on loopback only");
            String url = "jdbc:h2:tcp://" + server + "/" + lock.getProperty("id");

            SQLException refused = assertThrows(SQLException.class, () -> DriverManager.getConnection(url, "", "").close());
            assertEquals("28000", refused.getSQLState(), refused::getMessage);
            StoreCredentials creds = StoreCredentials.of(dir);
            try (Connection c = DriverManager.getConnection(url, creds.user(), creds.password())) {
                assertTrue(c.isValid(5), "the same port serves ovi itself");
            }
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    dir.resolve(StoreCredentials.FILE))));
        }
    }

    @Test
    void aStoreMadeWithoutAPasswordGetsOneWhenOpened() throws Exception {
        String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("ovi");
        try (Connection old = DriverManager.getConnection(url, "", "")) {
            old.createStatement().execute("CREATE TABLE kept (n INT)");
            old.createStatement().execute("INSERT INTO kept VALUES (42)");
        }

        try (JdbcObservationStore store = JdbcObservationStore.openH2(dir); Connection c = store.openConnection()) {
            var rs = c.createStatement().executeQuery("SELECT n FROM kept");
            assertTrue(rs.next());
            assertEquals(42, rs.getInt(1), "the old store's data is kept");
        }
        SQLException refused = assertThrows(SQLException.class, () -> DriverManager.getConnection(url, "", "").close());
        assertEquals("28000", refused.getSQLState(), refused::getMessage);
        try (JdbcObservationStore again = JdbcObservationStore.openH2(dir)) {
            assertTrue(again.openConnection().isValid(5), "and opens with its new credentials from then on");
        }
    }

    @Test
    void damagedCredentialsAreAClearError() throws Exception {
        Files.writeString(dir.resolve(StoreCredentials.FILE), "garbage\n");
        var e = assertThrows(ovi.engine.OviException.class, () -> JdbcObservationStore.openH2(dir).close());
        assertTrue(e.getMessage().contains("credentials") && e.getMessage().contains("damaged"), e.getMessage());
    }
}

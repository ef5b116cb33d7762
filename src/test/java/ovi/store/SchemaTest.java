package ovi.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The store's migrations against an H2 database of its own. */
class SchemaTest {
    @Test
    void aStoreOfSchemaFourTakesKindKeysOfTwentyCharactersOnceMigrated() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:schema-test;DB_CLOSE_DELAY=-1");
             Statement s = c.createStatement()) {
            Schema.migrate(c);
            // as schema 4 left it: the type column held 8 characters
            s.execute("ALTER TABLE resources ALTER COLUMN type SET DATA TYPE VARCHAR(8)");
            s.execute("DELETE FROM ovi_schema WHERE version > 4");

            Schema.migrate(c);

            s.execute("INSERT INTO resources (res_key, type, region, cloud_id, revision, gone) VALUES "
                    + "('k', 'security-group-xyz12', 'us-east-1', 'sg-0a1b2c3d', 1, FALSE)");
            try (ResultSet rs = s.executeQuery("SELECT type FROM resources")) {
                rs.next();
                assertEquals("security-group-xyz12", rs.getString(1));
            }
            try (ResultSet rs = s.executeQuery("SELECT MAX(version) FROM ovi_schema")) {
                rs.next();
                assertEquals(Schema.VERSION, rs.getInt(1));
            }
        }
    }
}

package ovi.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Schema 9: the store's layout of one compressed row per scope ({@code scope_state}) and per scope and
 * revision ({@code scope_changes}), made from a store of two rows per resource ({@code resources},
 * {@code resource_history}), whose rows are moved over in the migration's transaction and whose tables go.
 */
final class ScopeRows {
    private ScopeRows() {
    }

    static void migrate(Connection c, Statement s) throws SQLException {
        String binary = Schema.postgres(c) ? "BYTEA" : "BLOB";
        s.execute("CREATE TABLE IF NOT EXISTS scope_state (type VARCHAR(20) NOT NULL, region VARCHAR(40) NOT NULL, "
                + "revision BIGINT NOT NULL, body " + binary + " NOT NULL, PRIMARY KEY (type, region))");
        s.execute("CREATE TABLE IF NOT EXISTS scope_changes (type VARCHAR(20) NOT NULL, region VARCHAR(40) NOT NULL, "
                + "revision BIGINT NOT NULL, body " + binary + " NOT NULL, PRIMARY KEY (type, region, revision))");
        // H2 commits the transaction before each DDL statement: a process killed after the DROP of
        // resource_history below left every row moved (that DROP committed them) and schema 8 recorded;
        // only the drops and the version are left to do
        if (hasTable(c, "resource_history")) {
            Map<List<String>, Long> lastRevision = moveHistory(c, s);
            moveState(c, s, lastRevision);
        }
        s.execute("DROP TABLE IF EXISTS resource_history");
        s.execute("DROP TABLE IF EXISTS resources");
    }

    /** Whether the store has the table {@code name} (H2 keeps names in upper case, PostgreSQL in lower). */
    static boolean hasTable(Connection c, String name) throws SQLException {
        var meta = c.getMetaData();
        for (String n : List.of(name, name.toUpperCase(java.util.Locale.ROOT))) {
            try (ResultSet rs = meta.getTables(null, null, n, new String[] {"TABLE"})) {
                if (rs.next()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Each scope and revision's rows of resource_history as one scope_changes row; the last revision per scope. */
    private static Map<List<String>, Long> moveHistory(Connection c, Statement s) throws SQLException {
        Map<List<String>, Long> last = new HashMap<>();
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO scope_changes (type, region, revision, body) VALUES (?, ?, ?, ?)");
             ResultSet rs = s.executeQuery("SELECT r.type, r.region, h.revision, h.res_key, h.ovi_id, h.cloud_id, "
                     + "h.content_hash, h.content FROM resource_history h JOIN resources r ON r.res_key = h.res_key "
                     + "ORDER BY r.type, r.region, h.revision, h.res_key")) {
            List<String> group = null;
            long revision = 0;
            List<ScopeBlobs.ChangeEntry> entries = new ArrayList<>();
            while (rs.next()) {
                List<String> scope = List.of(rs.getString(1), rs.getString(2));
                long r = rs.getLong(3);
                if (group != null && (!group.equals(scope) || r != revision)) {
                    flush(insert, group, revision, entries);
                }
                group = scope;
                revision = r;
                last.merge(scope, r, Math::max);
                String hash = rs.getString(7);
                String content = rs.getString(8);
                boolean gone = hash == null || content == null;
                entries.add(new ScopeBlobs.ChangeEntry(rs.getString(4), rs.getString(5), rs.getString(6),
                        gone ? null : hash, gone ? null : content));
            }
            if (group != null) {
                flush(insert, group, revision, entries);
            }
        }
        return last;
    }

    private static void flush(PreparedStatement insert, List<String> scope, long revision,
                              List<ScopeBlobs.ChangeEntry> entries) throws SQLException {
        insert.setString(1, scope.get(0));
        insert.setString(2, scope.get(1));
        insert.setLong(3, revision);
        insert.setBytes(4, ScopeBlobs.changes(entries));
        insert.executeUpdate();
        entries.clear();
    }

    /**
     * Each scope's resources that are not gone, as its scope_state row, as of the scope's last revision (so
     * no change row comes after it); a scope whose resources are all gone gets an empty one.
     */
    private static void moveState(Connection c, Statement s, Map<List<String>, Long> lastRevision) throws SQLException {
        Map<List<String>, List<ScopeBlobs.StateEntry>> scopes = new HashMap<>();
        try (ResultSet rs = s.executeQuery("SELECT type, region, res_key, content_hash, cloud_id, ovi_id, revision "
                + "FROM resources WHERE gone = FALSE AND content_hash IS NOT NULL ORDER BY type, region, res_key")) {
            while (rs.next()) {
                scopes.computeIfAbsent(List.of(rs.getString(1), rs.getString(2)), k -> new ArrayList<>())
                        .add(new ScopeBlobs.StateEntry(rs.getString(3), rs.getString(4), rs.getString(5),
                                rs.getString(6), rs.getLong(7)));
            }
        }
        for (List<String> scope : lastRevision.keySet()) {
            scopes.computeIfAbsent(scope, k -> new ArrayList<>()); // a scope whose resources are all gone
        }
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO scope_state (type, region, revision, body) VALUES (?, ?, ?, ?)")) {
            for (Map.Entry<List<String>, List<ScopeBlobs.StateEntry>> e : scopes.entrySet()) {
                insert.setString(1, e.getKey().get(0));
                insert.setString(2, e.getKey().get(1));
                insert.setLong(3, Objects.requireNonNullElse(lastRevision.get(e.getKey()), 0L));
                insert.setBytes(4, ScopeBlobs.state(e.getValue()));
                insert.executeUpdate();
            }
        }
    }
}

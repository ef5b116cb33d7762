package ovi.store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import ovi.model.Observation;
import ovi.model.Scope;

/**
 * A measure for the benchmark, not a store: what the first revision would cost if a revision's observations
 * were kept as one compressed row per scope (the same JSON the store writes per resource, deflated) rather
 * than two rows per resource with five indexes between them. Writes them in one transaction into an H2 file
 * database in {@code dir}, with the store's own URL settings, and returns the seconds from the first byte
 * serialised to the commit; the compressed size goes to {@code sizeOut[0]}.
 */
public final class ScopeBlobPrototype {
    private ScopeBlobPrototype() {
    }

    public static double firstRevision(Path dir, Collection<Observation> observations, long[] sizeOut) {
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.toAbsolutePath().resolve("blobs")
                + ";WRITE_DELAY=0;TRACE_LEVEL_FILE=0", "sa", "")) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS scope_revisions (scope VARCHAR(100) NOT NULL, "
                        + "revision BIGINT NOT NULL, content BLOB NOT NULL, PRIMARY KEY (scope, revision))");
            }
            long t0 = System.nanoTime();
            Map<Scope, ByteArrayOutputStream> bodies = new TreeMap<>();
            Map<Scope, DeflaterOutputStream> streams = new TreeMap<>();
            for (Observation o : observations) {
                DeflaterOutputStream z = streams.computeIfAbsent(o.scope(), k -> {
                    ByteArrayOutputStream b = new ByteArrayOutputStream();
                    bodies.put(k, b);
                    return new DeflaterOutputStream(b, new Deflater(Deflater.BEST_SPEED));
                });
                z.write(JdbcObservationStore.toJson(o).getBytes(StandardCharsets.UTF_8));
                z.write('\n');
            }
            c.setAutoCommit(false);
            long size = 0;
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO scope_revisions VALUES (?, 1, ?)")) {
                for (Map.Entry<Scope, DeflaterOutputStream> e : streams.entrySet()) {
                    e.getValue().close();
                    byte[] body = bodies.get(e.getKey()).toByteArray();
                    size += body.length;
                    ins.setString(1, e.getKey().toString());
                    ins.setBytes(2, body);
                    ins.addBatch();
                }
                ins.executeBatch();
            }
            c.commit();
            sizeOut[0] = size;
            return (System.nanoTime() - t0) / 1e9;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package ovi.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.Set;
import ovi.engine.OviException;

/**
 * The embedded store's user and password. Overlapping ovi processes share the store through H2's
 * auto-server, a TCP port on 127.0.0.1 that any local user can reach; an empty password would let any of
 * them read the store or drop its tables. The password is random, made on first use, and kept in
 * {@code credentials} (0600) beside the database, where only the state's owner can read it.
 *
 * @param user     the store's admin user
 * @param password its password
 */
record StoreCredentials(String user, String password) {
    static final String FILE = "credentials";
    static final String USER = "OVI";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The credentials of the store in {@code dir}, made (once, by whoever comes first) when missing. */
    static StoreCredentials of(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            byte[] pw = new byte[24];
            RANDOM.nextBytes(pw);
            String text = USER + "\n" + HexFormat.of().formatHex(pw) + "\n";
            Set<StandardOpenOption> create = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.SYNC);
            ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
            try (var ch = privateFile(file, create)) {
                ch.write(bytes);
            } catch (FileAlreadyExistsException raced) {
                // another process made them first (callers hold the store's open lock, so not half-written)
            } catch (IOException e) {
                throw OviException.failure("cannot write the store's credentials " + file + ": " + e.getMessage(), e);
            }
        }
        return read(dir);
    }

    /** The credentials kept in {@code dir}, which must exist. */
    static StoreCredentials read(Path dir) {
        Path file = dir.resolve(FILE);
        try {
            String[] lines = Files.readString(file, StandardCharsets.US_ASCII).split("\n");
            if (lines.length < 2 || !lines[0].matches("[A-Z][A-Z0-9_]{0,30}") || !lines[1].matches("[0-9a-f]{48}")) {
                throw OviException.failure("the store's credentials " + file + " are damaged; if the store is "
                        + "yours, move " + dir + " aside and run again (a new store is built from the next "
                        + "observation; the WAL is kept)");
            }
            return new StoreCredentials(lines[0], lines[1]);
        } catch (IOException e) {
            throw OviException.failure("cannot read the store's credentials " + file + ": " + e.getMessage(), e);
        }
    }

    /** A new file, 0600 from its first byte (never readable by others, whatever the umask). */
    private static java.nio.channels.SeekableByteChannel privateFile(Path file, Set<StandardOpenOption> options)
            throws IOException {
        try {
            return Files.newByteChannel(file, options,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            return Files.newByteChannel(file, options);
        }
    }

    /**
     * A store made before it had credentials (an empty user and password) gets them: the user and
     * password of the file are added as its admin, and the empty user's password is set to one nobody
     * knows. Called while holding the store's open lock, so one process does it.
     *
     * @return true when the store was an old one and now has these credentials
     */
    boolean adopt(String url) throws SQLException {
        Connection old;
        try {
            old = DriverManager.getConnection(url, "", "");
        } catch (SQLException e) {
            return false; // not an old store: the credentials were wrong for some other reason
        }
        try (old) {
            try (PreparedStatement create = old.prepareStatement("CREATE USER IF NOT EXISTS " + user + " PASSWORD ? ADMIN")) {
                create.setString(1, password);
                create.execute();
            }
            try (PreparedStatement set = old.prepareStatement("ALTER USER " + user + " SET PASSWORD ?")) {
                set.setString(1, password);
                set.execute();
            }
            byte[] lost = new byte[24];
            RANDOM.nextBytes(lost);
            try (PreparedStatement lock = old.prepareStatement("ALTER USER \"\" SET PASSWORD ?")) {
                lock.setString(1, HexFormat.of().formatHex(lost));
                lock.execute();
            }
        }
        return true;
    }
}

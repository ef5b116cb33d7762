package ovi.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * One connection to the store, made again when it has gone bad. Overlapping ovi processes share the
 * embedded store through the first one's auto-server; when that process exits, a peer's connection can
 * be left closed for good (its database shut under it), and only a new connection finds the new host.
 */
final class Link implements AutoCloseable {
    private final String url;
    private final String user;
    private final String password;
    private Connection connection;

    private Link(String url, String user, String password, Connection first) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.connection = first;
    }

    /** A link that reconnects to {@code url}; {@code first} is its connection until that goes bad. */
    static Link to(String url, String user, String password, Connection first) {
        return new Link(url, user, password, first);
    }

    /** A link over a connection its caller owns and closes: it is never replaced nor closed here. */
    static Link fixed(Connection connection) {
        return new Link(null, null, null, connection);
    }

    /**
     * Connects, retrying for a few seconds while another process is between opening the H2 file and
     * starting its auto-server: two ovi runs started at the same moment (cron on the minute) meet there.
     */
    static Connection connect(String url, String user, String password) throws SQLException {
        return Transient.retry(20, () -> DriverManager.getConnection(url, user, password), () -> { });
    }

    Connection get() throws SQLException {
        if (connection == null) {
            connection = connect(url, user, password);
        }
        return connection;
    }

    /**
     * After a passing trouble: undoes what the failed attempt left and, when the connection no longer
     * answers, drops it so that the next attempt connects again.
     */
    void recover() {
        if (connection == null) {
            return;
        }
        try {
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
        } catch (SQLException ignored) {
            // a broken connection cannot roll back: the database does it when the session ends
        }
        boolean valid;
        try {
            valid = connection.isValid(2);
        } catch (SQLException e) {
            valid = false;
        }
        if (!valid && url != null) {
            closeQuietly();
        }
    }

    /** Back to auto-commit after a transaction, if the connection is still there. */
    void autoCommit() {
        if (connection == null) {
            return;
        }
        try {
            connection.setAutoCommit(true);
        } catch (SQLException ignored) {
            // the connection is closed or broken; the next call reports it or connects again
        }
    }

    private void closeQuietly() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // it was already unusable
        }
        connection = null;
    }

    @Override
    public void close() {
        if (url != null && connection != null) {
            closeQuietly();
        }
    }
}

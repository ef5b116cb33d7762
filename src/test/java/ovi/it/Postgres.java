package ovi.it;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * The PostgreSQL server scripts/test.sh started on 127.0.0.1. Each call to {@link #freshDatabase()} makes
 * an empty database, so tests never see each other's tables.
 */
public final class Postgres {
    private Postgres() {
    }

    static String env(String name) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException(name + " is not set: run the tests with scripts/test.sh, which starts "
                    + "a PostgreSQL server");
        }
        return v;
    }

    public static String user() {
        return env("OVI_TEST_PG_USER");
    }

    public static String password() {
        return env("OVI_TEST_PG_PASSWORD");
    }

    /** A JDBC URL to a new, empty database on the test server. */
    public static String freshDatabase() throws Exception {
        String base = env("OVI_TEST_PG_URL");
        if (!base.startsWith("jdbc:postgresql://127.0.0.1:")) {
            throw new IllegalStateException("the store tests only talk to a loopback PostgreSQL, not " + base);
        }
        String name = "ovi_" + Long.toHexString(new SecureRandom().nextLong() & Long.MAX_VALUE);
        try (Connection c = DriverManager.getConnection(base, user(), password()); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return base.substring(0, base.lastIndexOf('/') + 1) + name;
    }
}

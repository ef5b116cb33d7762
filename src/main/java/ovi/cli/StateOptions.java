package ovi.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import ovi.engine.OviException;
import ovi.store.JdbcObservationStore;
import picocli.CommandLine.Option;

/** Where ovi keeps its state: the observation store and the WAL. */
public final class StateOptions {
    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "State directory: store and WAL (default: .ovi/ beside the config).")
    Path stateDir;

    @Option(names = "--store-url", paramLabel = "JDBC_URL", defaultValue = "${env:OVI_STORE_URL}",
            description = {"Shared store, such as jdbc:postgresql://db.internal:5432/ovi, when several machines",
                "run ovi against one account (default: the OVI_STORE_URL variable, else the embedded H2",
                "store in the state directory). The password comes only from OVI_STORE_PASSWORD."})
    String storeUrl;

    @Option(names = "--store-user", paramLabel = "NAME", defaultValue = "${env:OVI_STORE_USER}",
            description = "User for --store-url (default: the OVI_STORE_USER variable).")
    String storeUser;

    /** The store: the shared one named by --store-url, else the embedded H2 database in {@code dir}. */
    public JdbcObservationStore openStore(Path dir) {
        if (storeUrl == null || storeUrl.isBlank()) {
            return JdbcObservationStore.openH2(dir.resolve("store"));
        }
        if (!storeUrl.startsWith("jdbc:postgresql:") && !storeUrl.startsWith("jdbc:h2:")) {
            throw OviException.usage("--store-url must be a jdbc:postgresql: (or jdbc:h2:) URL, not " + storeUrl);
        }
        return JdbcObservationStore.open(storeUrl, storeUser, System.getenv("OVI_STORE_PASSWORD"));
    }

    /** The state directory for a config, created private to the user when {@code create} is set. */
    public Path resolve(Path config, boolean create) {
        Path dir = stateDir != null ? stateDir
                : (config.toAbsolutePath().getParent() == null ? Path.of(".ovi")
                : config.toAbsolutePath().getParent().resolve(".ovi"));
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw OviException.failure("the state directory " + dir + " is not a directory; use --state-dir");
        }
        if (create && !Files.exists(dir)) {
            try {
                Files.createDirectories(dir);
                try {
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                } catch (UnsupportedOperationException ignored) {
                    // not a POSIX file system: the platform's defaults apply
                }
            } catch (IOException e) {
                throw OviException.failure("cannot create the state directory " + dir + ": " + e.getMessage(), e);
            }
        }
        if (Files.exists(dir) && (!Files.isReadable(dir) || !Files.isWritable(dir))) {
            throw OviException.failure("the state directory " + dir + " is not readable and writable by this user");
        }
        return dir;
    }

    public Path explicit() {
        return stateDir;
    }
}

package ovi.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import ovi.engine.OviException;
import picocli.CommandLine.Option;

/** Where ovi keeps its state: the observation store and the WAL. */
public final class StateOptions {
    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "State directory: store and WAL (default: .ovi/ beside the config).")
    Path stateDir;

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

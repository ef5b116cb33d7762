package ovi.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.LinkOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import ovi.engine.OviException;
import ovi.store.StateBinding;
import picocli.CommandLine.Option;

/** Where ovi keeps its state: the observation store and the WAL ({@link Wiring} opens them). */
public final class StateOptions {
    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "State directory: store and WAL, bound to the owner and AWS account of its first plan "
                    + "or apply (default: .ovi/<config name>/ beside the config, or an older .ovi/ that belongs to it).")
    Path stateDir;

    @Option(names = "--store-url", paramLabel = "JDBC_URL", defaultValue = "${env:OVI_STORE_URL}",
            description =
            "Shared store, such as jdbc:postgresql://db.internal:5432/ovi, when several machines run "
            + "ovi against one account (default: the OVI_STORE_URL variable, else the embedded H2 store "
            + "in the state directory). The password comes only from OVI_STORE_PASSWORD.")
    String storeUrl;

    @Option(names = "--store-user", paramLabel = "NAME", defaultValue = "${env:OVI_STORE_USER}",
            description = "User for --store-url (default: the OVI_STORE_USER variable).")
    String storeUser;

    /** The state directory for a config, created private to the user when {@code create} is set. */
    public Path resolve(Path config, boolean create) {
        Path dir = stateDir != null ? stateDir : defaultDir(config);
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw OviException.failure("the state directory " + dir + " is not a directory; use --state-dir");
        }
        if (create && !Files.exists(dir)) {
            try {
                // the .ovi/ that holds the default state directories is made private as well: it tells
                // which configs run here
                Path holder = stateDir == null ? dir.getParent() : null;
                boolean newHolder = holder != null && !Files.exists(holder);
                Files.createDirectories(dir);
                try {
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                    if (newHolder) {
                        Files.setPosixFilePermissions(holder, PosixFilePermissions.fromString("rwx------"));
                    }
                } catch (UnsupportedOperationException ignored) {
                    // not a POSIX file system: the platform's defaults apply
                }
            } catch (IOException e) {
                throw OviException.failure("cannot create the state directory " + dir + ": " + e.getMessage(), e);
            }
        }
        if (create && Files.exists(dir) && (!Files.isReadable(dir) || !Files.isWritable(dir))) {
            throw OviException.failure("the state directory " + dir + " is not readable and writable by this user");
        }
        if (!create && Files.exists(dir) && !Files.isReadable(dir)) {
            // the audit verbs only read: a read-only copy of a state directory is enough for them
            throw OviException.failure("the state directory " + dir + " is not readable by this user");
        }
        if (create) {
            makePrivate(dir);
        }
        return dir;
    }

    /** The folder beside a config that holds the default state directories. */
    static final String DEFAULT_DIR = ".ovi";

    /**
     * The default state directory of {@code config}: {@code .ovi/<config name>} beside it (its file name
     * without the extension), so that configs in one folder never share state. A {@code .ovi/} that is itself
     * a state directory (made before state directories were per config) stays the state of the config it
     * belongs to: the one its binding names, or, before it has one, whichever config runs next, which binds it.
     */
    static Path defaultDir(Path config) {
        Path parent = config.toAbsolutePath().getParent();
        Path shared = parent == null ? Path.of(DEFAULT_DIR) : parent.resolve(DEFAULT_DIR);
        String name = name(config);
        Path own = shared.resolve(name);
        if (Files.isDirectory(own)) {
            return own;
        }
        if (Files.exists(shared.resolve("wal")) || Files.exists(shared.resolve("store"))
                || Files.exists(shared.resolve(StateBinding.FILE))) {
            var bound = StateBinding.read(shared);
            if (bound.isEmpty() || bound.get().config().isEmpty()
                    || name.equals(name(Path.of(bound.get().config())))) {
                return shared;
            }
        }
        return own;
    }

    /** A config's name: its file name without the extension, never that of an entry of a state directory. */
    static String name(Path config) {
        String file = config.getFileName() == null ? "ovi" : config.getFileName().toString();
        int dot = file.lastIndexOf('.');
        String stem = dot > 0 ? file.substring(0, dot) : file;
        return java.util.Set.of("wal", "store", StateBinding.FILE).contains(stem) || stem.isEmpty()
                ? stem + "-config" : stem;
    }

    /** Where warnings go (the command's stderr); set by the command before the state is opened. */
    private java.util.function.Consumer<String> warnings = m -> { };

    void warnTo(java.util.function.Consumer<String> warn) {
        warnings = warn;
    }

    /** Where lines about long work on the state go (a store moved into a new layout): the command's log. */
    private java.util.function.Consumer<String> notices = m -> { };

    void noticeTo(java.util.function.Consumer<String> notice) {
        notices = notice;
    }

    java.util.function.Consumer<String> notices() {
        return notices;
    }

    /**
     * The state directory and everything in it readable by its owner only, checked on every run that may
     * write it: the store's lock file names the port of its auto-server, the plan key seals plans, and the
     * WAL is the audit trail. A directory of another user is refused; group and other permissions found on
     * the directory or a file in it are removed, with a warning when the directory itself was open. Links
     * in it are not followed.
     */
    static List<String> makePrivate(Path dir, java.util.function.Consumer<String> warn) {
        List<String> fixed = new ArrayList<>();
        try {
            PosixFileAttributes attrs = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            String me = System.getProperty("user.name");
            if (me != null && !attrs.owner().getName().equals(me)) {
                throw OviException.failure("the state directory " + dir + " belongs to " + attrs.owner().getName()
                        + ", not to " + me + ": ovi will not keep its store, plan key and WAL where another user "
                        + "can change them; use a directory of your own (--state-dir)");
            }
            boolean openToOthers = !Collections.disjoint(attrs.permissions(), OTHERS_WRITE);
            boolean dirWasOpen = attrs.permissions().stream().anyMatch(x -> !x.name().startsWith("OWNER"));
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.toList()) {
                    if (Files.isSymbolicLink(p)) {
                        continue;
                    }
                    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
                    Set<PosixFilePermission> mine = EnumSet.noneOf(PosixFilePermission.class);
                    perms.stream().filter(x -> x.name().startsWith("OWNER")).forEach(mine::add);
                    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                        mine.addAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                                PosixFilePermission.OWNER_EXECUTE));
                    }
                    if (!mine.equals(perms)) {
                        fixed.add(dir.relativize(p) + " (" + PosixFilePermissions.toString(perms) + ")");
                        Files.setPosixFilePermissions(p, mine);
                    }
                }
            }
            // Files that H2 and Chronicle create follow the umask (often 644): inside a private directory
            // nobody else can reach them, so they are fixed without a word; an open directory is worth one.
            if (dirWasOpen) {
                warn.accept("the state directory " + dir + " was open to other users: made it and everything in it "
                        + "private to you (" + (fixed.size() > 3 ? fixed.subList(0, 3) + " and " + (fixed.size() - 3)
                        + " more" : fixed) + ")" + (openToOthers ? "; others could write to it, so check its WAL "
                        + "with 'ovi wal verify'" : ""));
            }
        } catch (UnsupportedOperationException notPosix) {
            return fixed; // not a POSIX file system: the platform's own protection applies
        } catch (IOException e) {
            throw OviException.failure("cannot make the state directory " + dir + " private: " + e.getMessage(), e);
        }
        return fixed;
    }

    private void makePrivate(Path dir) {
        makePrivate(dir, warnings);
    }

    private static final Set<PosixFilePermission> OTHERS_WRITE = EnumSet.of(PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_WRITE);

    /**
     * Whether ovi may write in {@code dir}: access(2) says no for a directory this user cannot write and for
     * any directory on a read-only mount, root included (the FileStore's own flag misses bind mounts).
     */
    static boolean writable(Path dir) {
        return Files.isWritable(dir);
    }

    public Path explicit() {
        return stateDir;
    }
}

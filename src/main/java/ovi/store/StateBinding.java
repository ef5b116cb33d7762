package ovi.store;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import ovi.engine.OviException;

/**
 * The owner and AWS account a state directory (and a shared store) belongs to: recorded by its first plan or
 * apply, checked by every later one. State is not keyed by owner or account, so a run of another owner or
 * account would see this one's resources as gone and back and write its runs among them; it is refused
 * before it records anything.
 *
 * @param owner   the config's owner
 * @param account the 12-digit AWS account STS named
 * @param config  the file name of the config that made the binding (informative: it tells the default
 *                state directory of an old, shared {@code .ovi/} which config it belongs to)
 */
public record StateBinding(String owner, String account, String config) {
    /** The file in a state directory that holds its binding. */
    public static final String FILE = "binding";

    public StateBinding {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(account, "account");
        config = config == null ? "" : config;
    }

    /** Whether a run of {@code owner} in {@code account} may use what this binding covers. */
    public boolean admits(String owner, String account) {
        return this.owner.equals(owner) && this.account.equals(account);
    }

    /**
     * The refusal of a run of {@code owner} in {@code account} on {@code what} (a state directory or a store)
     * bound to {@code recorded}, or empty when the binding admits it; {@code remedy} says what to do.
     */
    public static Optional<String> refusal(StateBinding recorded, String owner, String account, String what,
                                           String remedy) {
        if (recorded == null || recorded.admits(owner, account)) {
            return Optional.empty();
        }
        return Optional.of(what + " belongs to owner " + recorded.owner + " in account " + recorded.account
                + (recorded.config.isEmpty() ? "" : " (bound by the first run of " + recorded.config + ")")
                + ", but this run is owner " + owner + " in account " + account
                + ": nothing was recorded or changed; " + remedy);
    }

    /** The binding recorded in state directory {@code dir}, or empty when it has none yet. */
    public static Optional<StateBinding> read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            Properties p = new Properties();
            p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
            String owner = p.getProperty("owner");
            String account = p.getProperty("account");
            if (owner == null || account == null) {
                throw OviException.failure("the binding file " + file + " names no owner or account; if it was "
                        + "damaged, write 'owner=NAME' and 'account=ID' in it again (or remove it: the next run binds "
                        + "the state directory anew)");
            }
            return Optional.of(new StateBinding(owner, account, p.getProperty("config")));
        } catch (IOException e) {
            throw OviException.failure("cannot read the binding of the state directory " + file + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Records this binding in {@code dir} unless it has one; returns the binding in force (another run's, when
     * one bound it first). The file appears whole or not at all: it is written aside, then linked into place,
     * which fails when a binding is already there.
     */
    public StateBinding bind(Path dir) {
        Optional<StateBinding> recorded = read(dir);
        if (recorded.isPresent()) {
            return recorded.get();
        }
        Path file = dir.resolve(FILE);
        Path aside = dir.resolve(FILE + "." + ProcessHandle.current().pid() + "." + Thread.currentThread().getId());
        try {
            Properties p = new Properties();
            p.setProperty("owner", owner);
            p.setProperty("account", account);
            p.setProperty("config", config);
            StringWriter w = new StringWriter();
            p.store(w, "the owner and AWS account this state directory belongs to, bound " + Instant.now());
            Files.writeString(aside, w.toString(), StandardCharsets.UTF_8);
            try {
                Files.createLink(file, aside);
            } catch (FileAlreadyExistsException raced) {
                return read(dir).orElseThrow();
            } catch (UnsupportedOperationException noLinks) {
                Files.move(aside, file); // refuses an existing target, with a narrow race
                return this;
            }
            return this;
        } catch (IOException e) {
            throw OviException.failure("cannot record the binding of the state directory " + file + ": "
                    + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(aside);
            } catch (IOException ignored) {
                // a stray file beside the binding is harmless
            }
        }
    }
}

package ovi.model;

import java.util.Objects;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * One field a resource kind declares in the config.
 *
 * @param name       the config key and attribute name ({@code size}, {@code storage}, {@code bucket})
 * @param use        whether the field is compared with what exists (drift) or only used to create
 * @param required   whether every declaration of the kind must give it
 * @param disruptive whether changing it stops and starts the resource (plans say so)
 * @param reader     checks a value as written and gives it in its canonical form
 * @param byDefault  the value of a field left out, from the owner and the ovi id ({@code <owner>-<id>} for
 *                   a name), or null when a field left out has no value (and is then not compared)
 */
public record Field(String name, Use use, boolean required, boolean disruptive, Reader reader,
                    BiFunction<String, String, String> byDefault) {
    public Field {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(use, "use");
        Objects.requireNonNull(reader, "reader");
        if (disruptive && use != Use.COMPARED) {
            throw new IllegalArgumentException(name + ": only a compared field can be disruptive");
        }
        if (required && byDefault != null) {
            throw new IllegalArgumentException(name + ": a field with a default is not required");
        }
    }

    /** The same field, which a declaration may leave out (then it has no value, and is not compared). */
    public Field optional() {
        return new Field(name, use, false, disruptive, reader, null);
    }

    /** The same field, which a declaration may leave out for {@code byDefault(owner, id)}. */
    public Field orElse(BiFunction<String, String, String> byDefault) {
        return new Field(name, use, false, disruptive, reader, Objects.requireNonNull(byDefault, "byDefault"));
    }

    /** The default {@code <owner>-<id>}, as the names ovi gives what it creates. */
    public static String ownerDashId(String owner, String id) {
        return owner + "-" + id;
    }

    /**
     * A default name {@code <owner>-<id>} a service accepts: each character outside {@code allowed} (a regex
     * character class body such as {@code A-Za-z0-9_-}) made '-', and a name longer than {@code max} cut
     * short with a hash of the whole, so two long names stay apart.
     */
    public static BiFunction<String, String, String> ownerDashId(String allowed, int max) {
        return (owner, id) -> {
            String name = ownerDashId(owner, id).replaceAll("[^" + allowed + "]", "-");
            return name.length() <= max ? name : name.substring(0, max - 9) + "-"
                    + Integer.toHexString(name.hashCode()).toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** What a field is for. */
    public enum Use {
        /** Compared with the observed attribute of the same name: a difference is drift, fixed by an update. */
        COMPARED,
        /** Used when creating only (an image): not observed, never drift. */
        CREATE_ONLY,
        /**
         * The cloud id itself, chosen in the config (a bucket name): unique across the config, one resource
         * per declaration, never drift.
         */
        IDENTITY
    }

    public boolean compared() {
        return use == Use.COMPARED;
    }

    public boolean identity() {
        return use == Use.IDENTITY;
    }

    public static Field compared(String name, Reader reader) {
        return new Field(name, Use.COMPARED, true, false, reader, null);
    }

    public static Field disruptive(String name, Reader reader) {
        return new Field(name, Use.COMPARED, true, true, reader, null);
    }

    public static Field createOnly(String name, Reader reader) {
        return new Field(name, Use.CREATE_ONLY, true, false, reader, null);
    }

    public static Field identity(String name, Reader reader) {
        return new Field(name, Use.IDENTITY, true, false, reader, null);
    }

    /**
     * A value as the config wrote it.
     *
     * @param text        a scalar's text as written ("" for a mapping or list)
     * @param string      a string scalar
     * @param number      an integer or float scalar
     * @param tree        the value as plain Java: a String, Long/Double, Boolean, null, List or Map of these
     * @param description what it is, for messages ("integer 5", "a mapping")
     */
    public record Value(String text, boolean string, boolean number, Object tree, String description) {
    }

    /**
     * Checks one value and gives its canonical text.
     *
     * @throws IllegalArgumentException with a message that says what was expected, shown at the value's
     *                                  line and column
     */
    @FunctionalInterface
    public interface Reader {
        String read(Value v);

        /** A canonical value as people read it (seconds as {@code 1m30s}); by default as it is. */
        default String show(String canonical) {
            return canonical;
        }
    }

    /** A value of this field as people read it, for plans; null stays null. */
    public String show(String canonical) {
        return canonical == null ? null : reader.show(canonical);
    }

    /** A non-empty string. */
    public static Reader text() {
        return v -> {
            if (!v.string()) {
                throw new IllegalArgumentException("expected a string, got " + v.description());
            }
            if (v.text().isBlank()) {
                throw new IllegalArgumentException("must not be empty");
            }
            return v.text();
        };
    }

    /** {@code true} or {@code false}, as {@code "true"} or {@code "false"}. */
    public static Reader bool() {
        return v -> {
            if (v.tree() instanceof Boolean b) {
                return b.toString();
            }
            throw new IllegalArgumentException("expected true or false, got " + v.description());
        };
    }

    /** A whole number from {@code min} to {@code max}. */
    public static Reader integer(long min, long max) {
        return v -> {
            if (v.tree() instanceof Long n && n >= min && n <= max) {
                return n.toString();
            }
            throw new IllegalArgumentException("expected a whole number from " + min + " to " + max + ", got "
                    + v.description());
        };
    }

    /** A duration in ovi's one grammar ({@link Durations}), from {@code min} to {@code max}, as whole seconds. */
    public static Reader seconds(java.time.Duration min, java.time.Duration max) {
        return new Reader() {
            @Override
            public String read(Value v) {
                // a bare number is seconds, as AWS's own APIs count these
                java.time.Duration d;
                if (v.tree() instanceof Long n) {
                    d = java.time.Duration.ofSeconds(n);
                } else if (v.string()) {
                    d = Durations.parse(v.text());
                } else {
                    throw new IllegalArgumentException("expected " + Durations.EXPECTED + ", got " + v.description());
                }
                if (d.compareTo(min) < 0 || d.compareTo(max) > 0 || d.toMillis() % 1000 != 0) {
                    throw new IllegalArgumentException("'" + v.text() + "' is out of range: whole seconds from "
                            + Durations.format(min) + " to " + Durations.format(max));
                }
                return Long.toString(d.toSeconds());
            }

            @Override
            public String show(String canonical) {
                try {
                    return Durations.format(java.time.Duration.ofSeconds(Long.parseLong(canonical)));
                } catch (NumberFormatException e) {
                    return canonical; // an observed value that is not whole seconds is shown as it came
                }
            }
        };
    }

    /** A string matching {@code pattern}; {@code expected} says what that means. */
    public static Reader matching(Pattern pattern, String expected) {
        return v -> {
            if (!v.string()) {
                throw new IllegalArgumentException("expected a string, got " + v.description());
            }
            if (!pattern.matcher(v.text()).matches()) {
                throw new IllegalArgumentException("'" + v.text() + "' is not valid; expected " + expected);
            }
            return v.text();
        };
    }
}

package ovi.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
 * @param refersTo   the keys of the kinds whose declared resources the field may name ({@link Reference});
 *                   empty for a field that names no other resource
 */
public record Field(String name, Use use, boolean required, boolean disruptive, Reader reader,
                    Default byDefault, Set<String> refersTo) {
    public Field {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(use, "use");
        Objects.requireNonNull(reader, "reader");
        refersTo = Set.copyOf(refersTo);
        if (disruptive && use != Use.COMPARED) {
            throw new IllegalArgumentException(name + ": only a compared field can be disruptive");
        }
        if (required && byDefault != null) {
            throw new IllegalArgumentException(name + ": a field with a default is not required");
        }
    }

    private Field(String name, Use use, boolean required, boolean disruptive, Reader reader) {
        this(name, use, required, disruptive, reader, null, Set.of());
    }

    /** The same field, which a declaration may leave out (then it has no value, and is not compared). */
    public Field optional() {
        return new Field(name, use, false, disruptive, reader, null, refersTo);
    }

    /** The same field, which a declaration may leave out for {@code byDefault(owner, id)}. */
    public Field orElse(BiFunction<String, String, String> byDefault) {
        Objects.requireNonNull(byDefault, "byDefault");
        return orElse((owner, id, declared) -> byDefault.apply(owner, id));
    }

    /** The same field, which a declaration may leave out for a value made from the fields it does give. */
    public Field orElse(Default byDefault) {
        return new Field(name, use, false, disruptive, reader, Objects.requireNonNull(byDefault, "byDefault"), refersTo);
    }

    /** The value of a field left out, from the owner, the ovi id and the declaration's other fields (canonical). */
    @FunctionalInterface
    public interface Default {
        String of(String owner, String id, Map<String, String> declared);
    }

    /**
     * The same field, whose value may name declared resources of these kinds (by config name) where a
     * cloud id would go: its reader makes such a name a {@link Reference}, the config checks that it is
     * declared, and the plan orders the actions by it.
     */
    public Field refersTo(String... typeKeys) {
        return new Field(name, use, required, disruptive, reader, byDefault, Set.of(typeKeys));
    }

    /**
     * A field whose value is a set ({@link #setOf}, not wrapped in {@link #shown}: give the elements their
     * own way to be shown): compared element by element, each difference its own change.
     */
    public boolean set() {
        return reader instanceof SetReader;
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
        /**
         * Compared like {@link #COMPARED}, but AWS cannot change it in place (a security group's VPC): a
         * difference is reported, never made, and never made by replacing the resource.
         */
        FIXED,
        /** Used when creating only (an image): not observed, never drift. */
        CREATE_ONLY,
        /**
         * The cloud id itself, chosen in the config (a bucket name): unique across the config, one resource
         * per declaration, never drift.
         */
        IDENTITY
    }

    /** Compared with what exists: {@link Use#COMPARED} and {@link Use#FIXED}. */
    public boolean compared() {
        return use == Use.COMPARED || use == Use.FIXED;
    }

    /** Compared, but a difference cannot be made in place. */
    public boolean fixed() {
        return use == Use.FIXED;
    }

    public boolean identity() {
        return use == Use.IDENTITY;
    }

    public static Field compared(String name, Reader reader) {
        return new Field(name, Use.COMPARED, true, false, reader);
    }

    public static Field disruptive(String name, Reader reader) {
        return new Field(name, Use.COMPARED, true, true, reader);
    }

    /** A field compared for drift that cannot change in place ({@link Use#FIXED}). */
    public static Field fixed(String name, Reader reader) {
        return new Field(name, Use.FIXED, true, false, reader);
    }

    public static Field createOnly(String name, Reader reader) {
        return new Field(name, Use.CREATE_ONLY, true, false, reader);
    }

    public static Field identity(String name, Reader reader) {
        return new Field(name, Use.IDENTITY, true, false, reader);
    }

    /**
     * A value as the config wrote it.
     *
     * @param text        a scalar's text as written ("" for a mapping or list)
     * @param string      a string scalar
     * @param number      an integer or float scalar
     * @param tree        the value as plain Java: a String, Long/Double, Boolean, null, List or Map of these
     * @param description what it is, for messages ("integer 5", "a mapping")
     * @param dir         the directory of the config file, against which a value naming a file ({@code
     *                    file: boot.sh}) is read; null where there is none (then such a value is refused)
     */
    public record Value(String text, boolean string, boolean number, Object tree, String description,
                        java.nio.file.Path dir) {
        public Value(String text, boolean string, boolean number, Object tree, String description) {
            this(text, string, number, tree, description, null);
        }

        /** An element or entry of this value, read against the same directory. */
        public Value of(Object tree, boolean sameDir) {
            Value v = of(tree);
            return sameDir ? new Value(v.text, v.string, v.number, v.tree, v.description, dir) : v;
        }

        /** A value inside a list or mapping, from its plain Java form, for a reader of its elements. */
        public static Value of(Object tree) {
            if (tree instanceof String s) {
                return new Value(s, true, false, s, "'" + s + "'");
            }
            if (tree instanceof Long || tree instanceof Double) {
                return new Value(tree.toString(), false, true, tree, (tree instanceof Long ? "integer " : "number ") + tree);
            }
            if (tree instanceof Boolean b) {
                return new Value(b.toString(), false, false, b, "boolean " + b);
            }
            if (tree instanceof List<?>) {
                return new Value("", false, false, tree, "a list");
            }
            if (tree instanceof Map<?, ?>) {
                return new Value("", false, false, tree, "a mapping");
            }
            return new Value("", false, false, null, "null");
        }
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

        /**
         * Plain values (maps, lists, strings, whole numbers, booleans) a config may write for a canonical
         * value, which this reader reads back as it: what {@code ovi import} writes for a value no plain text,
         * number or boolean gives (a rule written as a mapping). Empty by default; every form offered is
         * still checked by reading it back.
         */
        default List<Object> forms(String canonical) {
            return List.of();
        }

        /**
         * The part of a canonical value that is compared with what is observed; by default all of it. A value
         * that must also say where its content is to be read from (a file beside the config, too large to
         * carry) compares by the content's hash alone; null when the value cannot be compared at all (its
         * content is only known once it is uploaded), so it is used at create only.
         */
        default String comparable(String canonical) {
            return canonical;
        }
    }

    /** The part of a canonical value (declared or observed) compared for drift ({@link Reader#comparable}). */
    public String comparable(String canonical) {
        return canonical == null ? null : reader.comparable(canonical);
    }

    /** A value of this field as people read it, for plans; null stays null; a reference not yet known says so. */
    public String show(String canonical) {
        return canonical == null ? null : Reference.show(reader.show(canonical));
    }

    /**
     * A set of values, each read by {@code element}: a YAML list (or a single value, read as a list of one,
     * or a mapping, read as the list of its entries, each a mapping of one key);
     * duplicates are one value. Canonical form: the elements' canonical forms, sorted, one per line (so an
     * element may not contain a line break); {@link #elements} gives them back.
     */
    public static Reader setOf(Reader element) {
        return new SetReader(element, 0, null);
    }

    /**
     * A set as {@link #setOf}, of at least one element: an empty list is refused with {@code whyNotEmpty}
     * (a DB instance is always in some security group, so an empty set could never match what exists).
     */
    public static Reader nonEmptySetOf(Reader element, String whyNotEmpty) {
        return new SetReader(element, 1, Objects.requireNonNull(whyNotEmpty, "whyNotEmpty"));
    }

    /**
     * A set as {@link #setOf(Reader)} that must hold at least {@code min} values (an instance has one security
     * group or more: AWS cannot take all of them away).
     */
    public static Reader setOf(Reader element, int min) {
        if (min < 0) {
            throw new IllegalArgumentException("min " + min);
        }
        return new SetReader(element, min, null);
    }

    /** The elements of a set field's canonical value ({@link #setOf}); null or "" is the empty set. */
    public static java.util.SortedSet<String> elements(String canonical) {
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        if (canonical != null && !canonical.isEmpty()) {
            out.addAll(Arrays.asList(canonical.split("\n")));
        }
        return out;
    }

    /** The canonical value of a set with these elements. */
    public static String setValue(java.util.Collection<String> elements) {
        return String.join("\n", new java.util.TreeSet<>(elements));
    }

    /** {@code why}: the message too few values are refused with, or null for the plain one. */
    private record SetReader(Reader element, int min, String why) implements Reader {
        @Override
        public String read(Value v) {
            // a mapping of named items (policies by name) is the set of its entries, each a mapping of one
            List<?> items = v.tree() instanceof List<?> l ? l
                    : v.tree() instanceof Map<?, ?> m ? m.entrySet().stream().map(e -> java.util.Collections.singletonMap(e.getKey(), e.getValue())).toList()
                    : v.tree() == null ? null : List.of(v.tree());
            if (items == null) {
                throw new IllegalArgumentException("expected a list, got " + v.description());
            }
            List<String> out = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                String one;
                try {
                    one = element.read(v.of(items.get(i), true));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("item " + (i + 1) + ": " + e.getMessage());
                }
                if (one.indexOf('\n') >= 0) {
                    throw new IllegalArgumentException("item " + (i + 1) + " must not contain a line break");
                }
                out.add(one);
            }
            String set = setValue(out);
            if (elements(set).size() < min) {
                throw new IllegalArgumentException(why != null ? why : "expected at least " + min
                        + (min == 1 ? " value" : " values") + ", got "
                        + (out.isEmpty() ? "an empty list" : elements(set).size()));
            }
            return set;
        }

        @Override
        public List<Object> forms(String canonical) {
            List<Object> out = new ArrayList<>();
            boolean any = false;
            for (String e : elements(canonical)) {
                List<Object> forms = element.forms(e);
                any |= !forms.isEmpty();
                out.add(forms.isEmpty() ? e : forms.get(0));
            }
            return any ? List.of(out) : List.of();
        }

        @Override
        public String show(String canonical) {
            if (canonical.isEmpty()) {
                return "[]";
            }
            return "[" + String.join(", ", elements(canonical).stream().map(element::show).toList()) + "]";
        }
    }

    /**
     * A cloud id written as it is (one that {@code literal} matches, {@code expected} says which), or the
     * config name of another declared resource, which becomes a {@link Reference} the config resolves
     * (the field must say {@link #refersTo} which kinds it may name).
     */
    public static Reader reference(Pattern literal, String expected) {
        return v -> {
            if (!v.string() || v.text().isBlank()) {
                throw new IllegalArgumentException("expected " + expected + " or the name of a declared resource, got "
                        + v.description());
            }
            if (literal.matcher(v.text()).matches()) {
                return v.text();
            }
            if (Reference.NAME.matcher(v.text()).matches()) {
                return Reference.token(v.text());
            }
            throw new IllegalArgumentException("'" + v.text() + "' is neither " + expected
                    + " nor the name of a declared resource");
        };
    }

    /** {@code reader}, whose canonical values people read as {@code show} gives them. */
    public static Reader shown(Reader reader, java.util.function.UnaryOperator<String> show) {
        return new Reader() {
            @Override
            public String read(Value v) {
                return reader.read(v);
            }

            @Override
            public String show(String canonical) {
                return show.apply(canonical);
            }

            @Override
            public List<Object> forms(String canonical) {
                return reader.forms(canonical);
            }
        };
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

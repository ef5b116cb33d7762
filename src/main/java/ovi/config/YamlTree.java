package ovi.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A YAML document as a small tree that remembers where every key and value stood.
 *
 * <p>Jackson's own tree ({@code JsonNode}) drops locations, and binding straight to records stops at
 * the first mistake; a config author wants every mistake with its line and column in one go.
 */
final class YamlTree {
    private static final YAMLFactory FACTORY = factory();

    /** Bounds on what the parser accepts, well above any real config and well below harm. */
    private static YAMLFactory factory() {
        org.yaml.snakeyaml.LoaderOptions options = new org.yaml.snakeyaml.LoaderOptions();
        options.setCodePointLimit(ConfigLoader.MAX_BYTES);
        options.setNestingDepthLimit(20);
        options.setMaxAliasesForCollections(10);
        return YAMLFactory.builder().loaderOptions(options)
                .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                        .maxStringLength(ConfigLoader.MAX_LINE).maxNestingDepth(20).build())
                .build();
    }

    private YamlTree() {
    }

    /** A 1-based line and column. */
    record Mark(int line, int column) {
        static Mark of(JsonLocation l) {
            return new Mark(Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
        }
    }

    sealed interface Node permits MapNode, ListNode, Scalar {
        Mark at();

        /** How the node reads in a message: "a list", "the integer 3". */
        String describe();
    }

    record Entry(String key, Mark keyAt, Node value) {
    }

    record MapNode(Map<String, Entry> entries, Mark at) implements Node {
        MapNode {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        Optional<Entry> get(String key) {
            return Optional.ofNullable(entries.get(key));
        }

        @Override
        public String describe() {
            return "a mapping";
        }
    }

    record ListNode(List<Node> items, Mark at) implements Node {
        ListNode {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    enum Kind { STRING, INTEGER, FLOAT, BOOLEAN, NULL }

    /**
     * A scalar with its text exactly as written (so an account id keeps its leading zero) and, for
     * integers, the value YAML gives it (so {@code 0x10} counts as 16).
     */
    record Scalar(Kind kind, String text, BigInteger integer, Mark at) implements Node {
        @Override
        public String describe() {
            return switch (kind) {
                case STRING -> "the string '" + text + "'";
                case INTEGER -> "the integer " + text;
                case FLOAT -> "the number " + text;
                case BOOLEAN -> "the boolean " + text;
                case NULL -> "no value";
            };
        }
    }

    /**
     * Reads one document. Duplicate keys are reported here and the first value kept; a syntax error
     * ends the reading, since nothing after it can be trusted, and then no tree is returned.
     */
    static Optional<Node> read(String text, Problems problems) {
        return new Reader(problems).read(text);
    }

    private static final class Reader {
        private final Problems problems;
        // The key path of whatever is being read, so a syntax error can say where it struck.
        private final Deque<String> path = new ArrayDeque<>();

        Reader(Problems problems) {
            this.problems = problems;
        }

        Optional<Node> read(String text) {
            JsonParser p = null;
            try {
                p = FACTORY.createParser(text);
                if (p.nextToken() == null) {
                    problems.add(new Mark(1, 1), "", "the file is empty; expected a mapping with version,"
                            + " provider, region, owner and resources");
                    return Optional.empty();
                }
                Node root = value(p);
                if (p.nextToken() != null) {
                    problems.add(Mark.of(p.currentTokenLocation()), "",
                            "only one YAML document is allowed; remove the second '---' and what follows");
                }
                return Optional.of(root);
            } catch (JsonProcessingException e) {
                problems.add(e.getLocation() == null ? new Mark(1, 1) : Mark.of(e.getLocation()), path(),
                        "YAML syntax error: " + summary(e.getOriginalMessage()));
                return Optional.empty();
            } catch (IOException | RuntimeException e) {
                // SnakeYAML can fail with unchecked exceptions on input it cannot make sense of.
                Mark at = p == null ? new Mark(1, 1) : Mark.of(p.currentLocation());
                problems.add(at, path(), "YAML syntax error: " + e.getMessage());
                return Optional.empty();
            } finally {
                closeQuietly(p);
            }
        }

        private Node value(JsonParser p) throws IOException {
            Mark at = Mark.of(p.currentTokenLocation());
            JsonToken token = p.currentToken();
            switch (token) {
                case START_OBJECT -> {
                    tagged(p, at);
                    Map<String, Entry> entries = new LinkedHashMap<>();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String key = p.currentName();
                        Mark keyAt = Mark.of(p.currentTokenLocation());
                        path.addLast("." + key);
                        p.nextToken();
                        Node v = value(p);
                        Entry first = entries.get(key);
                        if (first != null) {
                            problems.add(keyAt, path(), "duplicate key '" + key + "'; it was already set on line "
                                    + first.keyAt().line());
                        } else {
                            entries.put(key, new Entry(key, keyAt, v));
                        }
                        path.removeLast();
                    }
                    return new MapNode(entries, at);
                }
                case START_ARRAY -> {
                    tagged(p, at);
                    List<Node> items = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        path.addLast("[" + items.size() + "]");
                        items.add(value(p));
                        path.removeLast();
                    }
                    return new ListNode(items, at);
                }
                default -> {
                    tagged(p, at);
                    if (p instanceof YAMLParser y && y.isCurrentAlias()) {
                        // Jackson hands back the alias name, not the anchored value: refuse rather than mislead.
                        problems.add(at, path(), "YAML aliases (*" + p.getText() + ") are not supported; write the"
                                + " value out");
                    }
                    return scalar(p, token, at);
                }
            }
        }

        /**
         * An explicit YAML tag ({@code !!python/object:os.system}, {@code !foo}, {@code !!binary}) would
         * otherwise be dropped without a word and the value read as if it were plain: refused instead.
         */
        private void tagged(JsonParser p, Mark at) throws IOException {
            if (p instanceof YAMLParser y && y.getTypeId() != null) {
                problems.add(at, path(), "YAML tags (" + y.getTypeId() + ") are not allowed in an ovi config; write "
                        + "the value plainly");
            }
        }

        private static Scalar scalar(JsonParser p, JsonToken token, Mark at) throws IOException {
            String text = p.getText();
            return switch (token) {
                case VALUE_NUMBER_INT -> new Scalar(Kind.INTEGER, text, integer(p), at);
                case VALUE_NUMBER_FLOAT -> new Scalar(Kind.FLOAT, text, null, at);
                case VALUE_TRUE, VALUE_FALSE -> new Scalar(Kind.BOOLEAN, text, null, at);
                case VALUE_NULL -> new Scalar(Kind.NULL, text, null, at);
                default -> new Scalar(Kind.STRING, text, null, at);
            };
        }

        private static BigInteger integer(JsonParser p) {
            try {
                return p.getBigIntegerValue();
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        private String path() {
            String joined = String.join("", path);
            return joined.startsWith(".") ? joined.substring(1) : joined;
        }
    }

    /**
     * SnakeYAML's messages quote the offending lines with a caret under them; the problem already
     * carries line and column, so only the sentences are kept.
     */
    static String summary(String message) {
        if (message == null) {
            return "unreadable YAML";
        }
        List<String> kept = new ArrayList<>();
        List<String> lines = message.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith("in '")) {
                // Skip the quoted source line and the caret under it, if SnakeYAML printed them.
                int j = i + 1;
                while (j < lines.size() && j <= i + 2 && !lines.get(j).strip().startsWith("in '")
                        && !lines.get(j - 1).strip().equals("^")) {
                    j++;
                }
                i = j - 1;
            } else if (!line.isEmpty()) {
                kept.add(line);
            }
        }
        return kept.isEmpty() ? message.strip() : String.join("; ", kept);
    }

    private static void closeQuietly(JsonParser p) {
        if (p != null) {
            try {
                p.close();
            } catch (IOException ignored) {
                // Reading from a String: nothing to release.
            }
        }
    }
}

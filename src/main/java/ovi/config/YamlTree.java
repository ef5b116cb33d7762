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
        // Jackson reads YAML as a stream of events and never composes SnakeYAML's node graph, so SnakeYAML's
        // own alias limit (setMaxAliasesForCollections) is not reached by it: aliases are resolved here, in
        // Reader, which bounds them itself (MAX_ALIASES, MAX_VALUES).
        options.setMaxAliasesForCollections(MAX_ALIASES);
        return new EventFactory(YAMLFactory.builder().loaderOptions(options)
                .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                        .maxStringLength(ConfigLoader.MAX_LINE).maxNestingDepth(20).build()));
    }

    /**
     * Jackson's YAML parser, which also tells the SnakeYAML event of the current token: Jackson keeps the
     * anchor of a mapping or a list but not of a scalar value, nor whether a scalar was quoted.
     */
    private static final class EventParser extends YAMLParser {
        EventParser(com.fasterxml.jackson.core.io.IOContext ctxt, int parserFeatures, int yamlFeatures,
                    org.yaml.snakeyaml.LoaderOptions options, com.fasterxml.jackson.core.ObjectCodec codec,
                    java.io.Reader reader) {
            super(ctxt, parserFeatures, yamlFeatures, options, codec, reader);
        }

        org.yaml.snakeyaml.events.Event event() {
            return _lastEvent;
        }
    }

    private static final class EventFactory extends YAMLFactory {
        private static final long serialVersionUID = 1L;

        EventFactory(com.fasterxml.jackson.dataformat.yaml.YAMLFactoryBuilder builder) {
            super(builder);
        }

        @Override
        protected YAMLParser _createParser(java.io.Reader r, com.fasterxml.jackson.core.io.IOContext ctxt) {
            return new EventParser(ctxt, _parserFeatures, _yamlParserFeatures, _loaderOptions, _objectCodec, r);
        }
    }

    private YamlTree() {
    }

    /** The most aliases ({@code *name}) one config may use: far more than merge keys on every resource need. */
    static final int MAX_ALIASES = 2_000;

    /**
     * The most values (mappings, lists and scalars) a config may hold once its aliases are expanded. Aliases
     * share what they name, so reading stays linear; this bounds what the checks after reading walk, which
     * an alias bomb (each level aliasing the one before ten times) would make exponential.
     */
    static final long MAX_VALUES = 200_000;

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
        return read(text, problems, System.getenv()::get);
    }

    /**
     * ... with {@code ${VAR}} and {@code ${VAR:-default}} in string values replaced from {@code env} (a name to
     * its value, or null when unset); {@code $${} is a literal {@code ${}.
     */
    static Optional<Node> read(String text, Problems problems, java.util.function.Function<String, String> env) {
        return new Reader(problems, env).read(text);
    }

    private static final class Reader {
        private final Problems problems;
        // The key path of whatever is being read, so a syntax error can say where it struck.
        private final Deque<String> path = new ArrayDeque<>();

        private final java.util.function.Function<String, String> env;
        /** Each anchor ({@code &name}) read so far, with the value it names. */
        private final Map<String, Node> anchors = new java.util.HashMap<>();
        private int aliases;

        Reader(Problems problems, java.util.function.Function<String, String> env) {
            this.problems = problems;
            this.env = env;
        }

        Optional<Node> read(String text) {
            JsonParser p = null;
            try {
                p = FACTORY.createParser(new java.io.StringReader(text));
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
                if (aliases > 0 && weight(root, new java.util.IdentityHashMap<>()) > MAX_VALUES) {
                    problems.add(root.at(), "", "the config's aliases expand to more than " + MAX_VALUES + " values; "
                            + "no ovi config is that large (an alias bomb?)");
                    return Optional.empty();
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
            // read before the children: each value's own anchor replaces it
            org.yaml.snakeyaml.events.Event event = p instanceof EventParser e ? e.event() : null;
            String anchor = event instanceof org.yaml.snakeyaml.events.NodeEvent n
                    && !(event instanceof org.yaml.snakeyaml.events.AliasEvent) ? n.getAnchor() : null;
            Node node = switch (token) {
                case START_OBJECT -> {
                    tagged(p, at);
                    Map<String, Entry> entries = new LinkedHashMap<>();
                    List<MapNode> merged = new ArrayList<>();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String key = p.currentName();
                        Mark keyAt = Mark.of(p.currentTokenLocation());
                        path.addLast("." + key);
                        p.nextToken();
                        Node v = value(p);
                        Entry first = entries.get(key);
                        if (key.equals("<<")) {
                            merge(v, merged);
                        } else if (first != null) {
                            problems.add(keyAt, path(), "duplicate key '" + key + "'; it was already set on line "
                                    + first.keyAt().line());
                        } else {
                            entries.put(key, new Entry(key, keyAt, v));
                        }
                        path.removeLast();
                    }
                    // a merge key (<<: *base) adds the keys this mapping does not set itself; of several merged
                    // mappings the first to set a key wins, as YAML's merge key says
                    for (MapNode m : merged) {
                        m.entries().forEach(entries::putIfAbsent);
                    }
                    yield new MapNode(entries, at);
                }
                case START_ARRAY -> {
                    tagged(p, at);
                    List<Node> items = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        path.addLast("[" + items.size() + "]");
                        items.add(value(p));
                        path.removeLast();
                    }
                    yield new ListNode(items, at);
                }
                default -> {
                    tagged(p, at);
                    if (p instanceof YAMLParser y && y.isCurrentAlias()) {
                        yield alias(p.getText(), at);
                    }
                    Scalar s = scalar(p, token, at);
                    yield s.kind() == Kind.STRING ? interpolate(s, event instanceof org.yaml.snakeyaml.events.ScalarEvent e
                            && e.isPlain()) : s;
                }
            };
            if (anchor != null) {
                anchors.put(anchor, node); // a later anchor of the same name names its own value from here on
            }
            return node;
        }

        /**
         * The value an alias names: the very node of its anchor, so a problem in it is reported where it is
         * written. An alias of an anchor not (yet) defined is a problem: YAML has no forward references.
         */
        private Node alias(String name, Mark at) {
            if (++aliases > MAX_ALIASES) {
                if (aliases == MAX_ALIASES + 1) {
                    problems.add(at, path(), "more than " + MAX_ALIASES + " YAML aliases; no ovi config needs that "
                            + "many (an alias bomb?)");
                }
                return new Scalar(Kind.NULL, "", null, at);
            }
            Node node = anchors.get(name);
            if (node == null) {
                problems.add(at, path(), "the alias *" + name + " names no anchor defined before it; define '&" + name
                        + "' first");
                return new Scalar(Kind.NULL, "", null, at);
            }
            return node;
        }

        /** The value of a merge key: a mapping (an alias of one, usually), or a list of them. */
        private void merge(Node v, List<MapNode> merged) {
            if (v instanceof MapNode m) {
                merged.add(m);
                return;
            }
            if (v instanceof ListNode l && l.items().stream().allMatch(i -> i instanceof MapNode)) {
                l.items().forEach(i -> merged.add((MapNode) i));
                return;
            }
            problems.add(v.at(), path(), "a merge key (<<) takes a mapping, an alias of one (<<: *base) or a list "
                    + "of them, not " + v.describe());
        }

        /**
         * {@code ${VAR}} and {@code ${VAR:-default}} replaced from the environment (the default also when VAR
         * is set but empty, as a shell does); {@code $${} stays a literal {@code ${}. The values put in are not
         * read again, so a variable holding {@code ${X}} is that text.
         */
        private Scalar interpolate(Scalar s, boolean plain) {
            String text = s.text();
            if (!text.contains("${")) {
                return s;
            }
            StringBuilder out = new StringBuilder(text.length());
            int i = 0;
            boolean ok = true;
            while (i < text.length()) {
                if (text.startsWith("$${", i)) {
                    out.append("${");
                    i += 3;
                } else if (text.startsWith("${", i)) {
                    int end = text.indexOf('}', i + 2);
                    if (end < 0) {
                        problems.add(s.at(), path(), "'${' is not closed by '}' in " + s.describe()
                                + "; write $${ for a literal ${");
                        return s;
                    }
                    String body = text.substring(i + 2, end);
                    int dash = body.indexOf(":-");
                    String name = dash < 0 ? body : body.substring(0, dash);
                    if (SECRETS.contains(name)) {
                        // a config's values go into plans, the WAL and AWS tags: never the secrets ovi runs with
                        problems.add(s.at(), path(), "${" + name + "} is a secret ovi or the AWS SDK reads itself; it "
                                + "is never put into a config's values (they are written to plans, the WAL and AWS)");
                        ok = false;
                    } else if (!VARIABLE.matcher(name).matches()) {
                        problems.add(s.at(), path(), "'${" + body + "}' names no environment variable: expected "
                                + "${NAME} or ${NAME:-default}, NAME of letters, digits and _; write $${ for a literal ${");
                        ok = false;
                    } else {
                        String value = env.apply(name);
                        if (value == null || (dash >= 0 && value.isEmpty())) {
                            if (dash >= 0) {
                                value = body.substring(dash + 2);
                            } else {
                                problems.add(s.at(), path(), "the environment variable " + name + " is not set; set it,"
                                        + " or give a default: ${" + name + ":-value}");
                                ok = false;
                                value = "";
                            }
                        }
                        out.append(value);
                    }
                    i = end + 1;
                } else {
                    out.append(text.charAt(i++));
                }
            }
            return ok ? typed(out.toString(), plain, s.at()) : s;
        }

        /**
         * An unquoted value that is wholly a number or true/false once its variables are in is read as one
         * ({@code count: ${N}}); quoted, or anything else, it stays a string.
         */
        private static Scalar typed(String text, boolean plain, Mark at) {
            if (plain && INTEGER.matcher(text).matches()) {
                return new Scalar(Kind.INTEGER, text, new BigInteger(text.startsWith("+") ? text.substring(1) : text), at);
            }
            if (plain && FLOAT.matcher(text).matches()) {
                return new Scalar(Kind.FLOAT, text, null, at);
            }
            if (plain && BOOLEAN.matcher(text).matches()) {
                return new Scalar(Kind.BOOLEAN, text, null, at);
            }
            return new Scalar(Kind.STRING, text, null, at);
        }

        private static final java.util.regex.Pattern INTEGER = java.util.regex.Pattern.compile("[-+]?(0|[1-9][0-9]{0,17})");
        private static final java.util.regex.Pattern FLOAT =
                java.util.regex.Pattern.compile("[-+]?([0-9]+\\.[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");
        private static final java.util.regex.Pattern BOOLEAN = java.util.regex.Pattern.compile("true|True|TRUE|false|False|FALSE");

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

        /** Variables whose values are credentials: refused in a config, whose values are written in many places. */
        private static final java.util.Set<String> SECRETS = java.util.Set.of("OVI_STORE_PASSWORD",
                "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY_ID");

        private static final java.util.regex.Pattern VARIABLE = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

        /** How many values {@code n} is once its aliases are expanded; shared nodes are counted once per use. */
        private static long weight(Node n, Map<Node, Long> memo) {
            Long known = memo.get(n);
            if (known != null) {
                return known;
            }
            long w = 1;
            if (n instanceof MapNode m) {
                for (Entry e : m.entries().values()) {
                    w = Math.min(MAX_VALUES + 1, w + weight(e.value(), memo));
                }
            } else if (n instanceof ListNode l) {
                for (Node i : l.items()) {
                    w = Math.min(MAX_VALUES + 1, w + weight(i, memo));
                }
            }
            memo.put(n, w);
            return w;
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

package ovi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No package of ovi depends on itself through others: the dependencies read from {@code src/main/java}
 * (imports, static imports and fully qualified names in code; comments and strings left out) must form
 * no cycle. A cycle found is reported as the packages it goes through and the files that make each step.
 */
class PackageCyclesTest {
    private static final Path MAIN = Path.of("src/main/java");

    @Test
    void noPackageOfOviDependsOnItselfThroughOthers() {
        Graph graph = Graph.read(MAIN);
        assertTrue(graph.edges.getOrDefault("ovi.cli", Map.of()).containsKey("ovi.engine")
                        && graph.edges.size() >= 8,
                () -> "the dependencies were not read from " + MAIN.toAbsolutePath() + ": " + graph.edges.keySet());

        List<String> cycles = graph.cycles().stream().map(graph::describe).toList();

        assertTrue(cycles.isEmpty(), () -> "package cycles in " + MAIN + ":\n  " + String.join("\n  ", cycles));
    }

    @Test
    void aCycleIsFoundAndReportedWithTheFilesThatMakeIt() {
        Graph graph = new Graph();
        graph.add("ovi", "ovi.cli", "ovi/Ovi.java");
        graph.add("ovi.cli", "ovi.engine", "ovi/cli/PlanCommand.java");
        graph.add("ovi.cli", "ovi", "ovi/cli/WatchCommand.java");
        graph.add("ovi.engine", "ovi.model", "ovi/engine/Engine.java");
        graph.add("ovi.aws", "ovi.aws.ec2", "ovi/aws/AwsActionExecutor.java");
        graph.add("ovi.aws.ec2", "ovi.aws", "ovi/aws/ec2/Ec2Creator.java");

        List<Set<String>> cycles = graph.cycles();

        assertEquals(List.of(Set.of("ovi", "ovi.cli"), Set.of("ovi.aws", "ovi.aws.ec2")), cycles);
        assertEquals("ovi, ovi.cli: ovi -> ovi.cli (ovi/Ovi.java) -> ovi (ovi/cli/WatchCommand.java)",
                graph.describe(cycles.get(0)));
    }

    @Test
    void dependenciesAreReadFromCodeButNotFromCommentsOrStrings() {
        String source = """
                package ovi.cli;

                import java.util.List;
                import ovi.engine.Plan;
                import static ovi.engine.ExitCode.OK;
                import ovi.model.*;

                /** Calls {@link ovi.wal.InDoubt} (only in a comment). */
                final class X {
                    // ovi.store.JdbcObservationStore is named here only
                    String s = "ovi.config.OviConfig";
                    char c = '"';
                    String t = \"""
                        ovi.aws.AwsClients
                        \""";
                    Object o = ovi.Ovi.commandLine(null, null); /* ovi.bench.X */
                }
                """;

        assertEquals("ovi.cli", Graph.packageOf(source));
        assertEquals(new TreeSet<>(List.of("ovi", "ovi.engine", "ovi.model")), Graph.dependencies(source));
    }

    /** Package -> package it depends on -> the first file (relative to the source root) that makes the step. */
    static final class Graph {
        private static final Pattern PACKAGE = Pattern.compile("(?m)^\\s*package\\s+([\\w.]+)\\s*;");
        private static final Pattern REFERENCE = Pattern.compile(
                "(?<![\\w.])(ovi(?:\\.[a-z_][a-z0-9_]*)*)\\.(?:[A-Z]|\\*)");

        final Map<String, Map<String, String>> edges = new TreeMap<>();

        void add(String from, String to, String file) {
            edges.computeIfAbsent(from, k -> new TreeMap<>()).putIfAbsent(to, file);
            edges.computeIfAbsent(to, k -> new TreeMap<>());
        }

        static Graph read(Path root) {
            Graph g = new Graph();
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                    String source = Files.readString(f);
                    String pkg = packageOf(source);
                    for (String dep : dependencies(source)) {
                        if (!dep.equals(pkg)) {
                            g.add(pkg, dep, root.relativize(f).toString());
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return g;
        }

        static String packageOf(String source) {
            Matcher m = PACKAGE.matcher(source);
            return m.find() ? m.group(1) : "";
        }

        /** The ovi packages a source file names outside comments and literals. */
        static Set<String> dependencies(String source) {
            Set<String> deps = new TreeSet<>();
            String code = PACKAGE.matcher(codeOnly(source)).replaceFirst("");
            Matcher m = REFERENCE.matcher(code);
            while (m.find()) {
                deps.add(m.group(1));
            }
            return deps;
        }

        /** The source with comments, string and character literals and text blocks blanked out. */
        static String codeOnly(String s) {
            StringBuilder out = new StringBuilder(s.length());
            int i = 0;
            while (i < s.length()) {
                if (s.startsWith("//", i)) {
                    i = skipTo(s, i, "\n");
                } else if (s.startsWith("/*", i)) {
                    i = skipTo(s, i + 2, "*/");
                } else if (s.startsWith("\"\"\"", i)) {
                    i = skipLiteral(s, i + 3, "\"\"\"");
                } else if (s.charAt(i) == '"') {
                    i = skipLiteral(s, i + 1, "\"");
                } else if (s.charAt(i) == '\'') {
                    i = skipLiteral(s, i + 1, "'");
                } else {
                    out.append(s.charAt(i++));
                    continue;
                }
                out.append(' ');
            }
            return out.toString();
        }

        private static int skipTo(String s, int from, String end) {
            int at = s.indexOf(end, from);
            return at < 0 ? s.length() : at + end.length();
        }

        private static int skipLiteral(String s, int from, String end) {
            for (int i = from; i < s.length(); i++) {
                if (s.charAt(i) == '\\') {
                    i++;
                } else if (s.startsWith(end, i)) {
                    return i + end.length();
                }
            }
            return s.length();
        }

        /** Every set of packages that reach each other (strongly connected, more than one), in order. */
        List<Set<String>> cycles() {
            // Tarjan's algorithm, iterative enough for a few dozen packages: recursion depth is the package count
            Map<String, Integer> index = new HashMap<>();
            Map<String, Integer> low = new HashMap<>();
            Deque<String> stack = new ArrayDeque<>();
            Set<String> onStack = new java.util.HashSet<>();
            List<Set<String>> found = new ArrayList<>();
            int[] next = {0};
            for (String v : edges.keySet()) {
                if (!index.containsKey(v)) {
                    connect(v, index, low, stack, onStack, found, next);
                }
            }
            found.sort(java.util.Comparator.comparing(c -> c.iterator().next()));
            return found;
        }

        private void connect(String v, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
                             Set<String> onStack, List<Set<String>> found, int[] next) {
            index.put(v, next[0]);
            low.put(v, next[0]++);
            stack.push(v);
            onStack.add(v);
            for (String w : edges.getOrDefault(v, Map.of()).keySet()) {
                if (!index.containsKey(w)) {
                    connect(w, index, low, stack, onStack, found, next);
                    low.put(v, Math.min(low.get(v), low.get(w)));
                } else if (onStack.contains(w)) {
                    low.put(v, Math.min(low.get(v), index.get(w)));
                }
            }
            if (low.get(v).equals(index.get(v))) {
                Set<String> component = new TreeSet<>();
                String w;
                do {
                    w = stack.pop();
                    onStack.remove(w);
                    component.add(w);
                } while (!w.equals(v));
                if (component.size() > 1) {
                    found.add(component);
                }
            }
        }

        /** The packages of {@code cycle}, and one way round it from the first, each step with the file that makes it. */
        String describe(Set<String> cycle) {
            String start = cycle.iterator().next();
            // breadth first within the cycle, back to the start: the shortest way round
            Map<String, String> cameFrom = new LinkedHashMap<>();
            Deque<String> queue = new ArrayDeque<>(List.of(start));
            String last = null;
            while (!queue.isEmpty() && last == null) {
                String v = queue.poll();
                for (String w : edges.getOrDefault(v, Map.of()).keySet()) {
                    if (w.equals(start)) {
                        last = v;
                        break;
                    }
                    if (cycle.contains(w) && !cameFrom.containsKey(w)) {
                        cameFrom.put(w, v);
                        queue.add(w);
                    }
                }
            }
            List<String> path = new ArrayList<>(List.of(start));
            for (String v = last; !v.equals(start); v = cameFrom.get(v)) {
                path.add(1, v);
            }
            path.add(start);
            StringBuilder s = new StringBuilder(String.join(", ", cycle)).append(": ").append(start);
            for (int i = 1; i < path.size(); i++) {
                s.append(" -> ").append(path.get(i)).append(" (").append(edges.get(path.get(i - 1)).get(path.get(i)))
                        .append(')');
            }
            return s.toString();
        }
    }
}

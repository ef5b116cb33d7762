package ovi.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reads and writes the benchmark's figures, and prints them as a table.
 *
 * <p>Usage: {@code BenchReport OUT.json IN.json...}: merges the inputs into OUT and prints the table.
 */
public final class BenchReport {
    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    public static void main(String[] args) throws IOException {
        List<BenchRow> all = new ArrayList<>();
        for (String in : Arrays.asList(args).subList(1, args.length)) {
            Path p = Path.of(in);
            if (Files.exists(p)) {
                all.addAll(read(p));
            }
        }
        write(Path.of(args[0]), all);
        System.out.print(table(all));
        String compare = comparison(all);
        if (!compare.isEmpty()) {
            System.out.println();
            System.out.print(compare);
        }
    }

    static void write(Path out, List<BenchRow> rows) throws IOException {
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        JSON.writeValue(out.toFile(), rows);
    }

    static List<BenchRow> read(Path in) throws IOException {
        return Arrays.asList(JSON.readValue(in.toFile(), BenchRow[].class));
    }

    /** A Markdown table, so that it can go into the README as it is. */
    static String table(List<BenchRow> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| scenario | stage | N | seconds | peak heap MB | AWS calls | resources written |\n");
        sb.append("|---|---|--:|--:|--:|--:|--:|\n");
        for (BenchRow r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %,d | %.3f | %s | %s | %s |%n", r.scenario(), r.stage(),
                    r.n(), r.seconds(), r.peakHeapMb() < 0 ? "" : Long.toString(r.peakHeapMb()),
                    r.awsCalls() < 0 ? "" : Long.toString(r.awsCalls()),
                    r.rowsWritten() < 0 ? "" : Long.toString(r.rowsWritten())));
        }
        return sb.toString();
    }

    /**
     * ovi beside the API floor and Cloud Custodian, one line per N of the {@code e2e-compare} rows, with
     * the goals (ovi/boto3 at most 1.0, ovi/custodian at most 0.5) marked met or missed; empty without
     * such rows.
     */
    static String comparison(List<BenchRow> rows) {
        java.util.Map<Integer, java.util.Map<String, Double>> byN = new java.util.TreeMap<>();
        for (BenchRow r : rows) {
            if (r.scenario().equals(CompareBench.SCENARIO)) {
                byN.computeIfAbsent(r.n(), k -> new java.util.HashMap<>()).put(r.stage(), r.seconds());
            }
        }
        if (byN.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        sb.append("| EC2 instances in moto (median of ").append(CompareBench.ROUNDS)
                .append(") | ovi plan s | boto3 listing s | custodian dry run s | ovi/boto3 (goal <= 1.0) | ovi/custodian (goal <= 0.5) |\n");
        sb.append("|--:|--:|--:|--:|--:|--:|\n");
        for (var e : byN.entrySet()) {
            var s = e.getValue();
            double o = s.getOrDefault("ovi-plan", Double.NaN);
            double b = s.getOrDefault("boto3-listing", Double.NaN);
            double c = s.getOrDefault("custodian-dryrun", Double.NaN);
            sb.append(String.format(Locale.ROOT, "| %,d | %.2f | %.2f | %.2f | %.2f %s | %.2f %s |%n", e.getKey(), o, b, c,
                    o / b, o / b <= 1.0 ? "met" : "missed", o / c, o / c <= 0.5 ? "met" : "missed"));
        }
        return sb.toString();
    }

    private BenchReport() {
    }
}

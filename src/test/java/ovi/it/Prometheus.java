package ovi.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A metrics file read as Prometheus reads it: by the Python prometheus_client's own parser
 * ({@code text_string_to_metric_families}), run by the python scripts/moto.sh installed it for
 * ({@code OVI_TEST_PYTHON}). A file it cannot parse fails the test.
 */
final class Prometheus {
    record Sample(String family, String type, String name, Map<String, String> labels, double value) {
    }

    private static final String PARSE = """
            import json, sys
            from prometheus_client.parser import text_string_to_metric_families
            out = []
            for f in text_string_to_metric_families(sys.stdin.read()):
                for s in f.samples:
                    out.append({"family": f.name, "type": f.type, "name": s.name, "labels": s.labels, "value": s.value})
            print(json.dumps(out))
            """;

    private Prometheus() {
    }

    static List<Sample> parse(Path file) throws Exception {
        String python = System.getenv("OVI_TEST_PYTHON");
        if (python == null || python.isBlank()) {
            throw new IllegalStateException("OVI_TEST_PYTHON is not set: run the tests with scripts/test.sh (or source "
                    + "scripts/moto.sh and moto_start), which install prometheus_client beside moto");
        }
        Process p = new ProcessBuilder(python, "-c", PARSE).redirectInput(file.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("prometheus_client could not parse " + file + ": " + err + "\nthe file:\n"
                    + Files.readString(file));
        }
        List<Sample> samples = new ArrayList<>();
        for (JsonNode s : new ObjectMapper().readTree(out)) {
            Map<String, String> labels = new TreeMap<>();
            s.get("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            samples.add(new Sample(s.get("family").asText(), s.get("type").asText(), s.get("name").asText(), labels,
                    s.get("value").asDouble()));
        }
        return samples;
    }

    /** The value of the one sample {@code name} whose labels include {@code labels} (pairs: name, value). */
    static double value(List<Sample> samples, String name, String... labels) {
        List<Sample> found = find(samples, name, labels);
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " samples " + name + " " + List.of(labels) + " in " + samples);
        }
        return found.get(0).value();
    }

    static List<Sample> find(List<Sample> samples, String name, String... labels) {
        return samples.stream().filter(s -> s.name().equals(name)).filter(s -> {
            for (int i = 0; i < labels.length; i += 2) {
                if (!labels[i + 1].equals(s.labels().get(labels[i]))) {
                    return false;
                }
            }
            return true;
        }).toList();
    }
}

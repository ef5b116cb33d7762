package ovi.cli;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import ovi.engine.ExitCode;
import ovi.engine.ObservationStore.StoredVersion;
import ovi.engine.OviException;
import ovi.model.Observation;
import ovi.store.JdbcObservationStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "history", mixinStandardHelpOptions = true,
        description = {
            "Show every recorded state of one resource, with what changed.",
            "Every revision in the store, oldest first, each with what changed since the",
            "one before: attributes (size, image, engine, storage, state) and tags. ID is",
            "an ovi id (web-0) or a cloud id (i-0abc..., a DB identifier, a bucket name).",
        },
        footer = {"", "Examples:",
            "  ovi history -c ovi.yaml web-0",
            "  ovi history --state-dir /var/lib/ovi i-0abc123 -o json"})
public final class HistoryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AuditState state;

    @Mixin
    OutputOptions output;

    @Parameters(paramLabel = "ID", description = "ovi id or cloud id of the resource.")
    String id;

    /** One field that changed between two revisions; null means absent. */
    record FieldChange(String field, String before, String after) {
    }

    @Override
    public Integer call() {
        JdbcObservationStore store = state.openStore();
        if (store == null) {
            throw OviException.failure("no store in " + state.dir().resolve("store") + " yet; run 'ovi plan' first");
        }
        List<StoredVersion> versions;
        try (store) {
            versions = store.history(id);
        }
        if (versions.isEmpty()) {
            throw OviException.failure("no resource with ovi id or cloud id '" + id + "' in the store at " + state.dir());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            out.println(json(versions).toPrettyString());
        } else {
            text(versions, out);
        }
        out.flush();
        return ExitCode.OK;
    }

    /** What changed from {@code before} (null: nothing yet) to {@code after} (null: gone). */
    static List<FieldChange> changes(Observation before, Observation after) {
        List<FieldChange> out = new ArrayList<>();
        compare("", attrs(before), attrs(after), out);
        compare("tags.", tags(before), tags(after), out);
        return out;
    }

    private static Map<String, String> attrs(Observation o) {
        return o == null ? Map.of() : o.attributes();
    }

    private static Map<String, String> tags(Observation o) {
        return o == null ? Map.of() : o.tags();
    }

    private static void compare(String prefix, Map<String, String> a, Map<String, String> b, List<FieldChange> out) {
        TreeSet<String> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        for (String k : keys) {
            if (!Objects.equals(a.get(k), b.get(k))) {
                out.add(new FieldChange(prefix + k, a.get(k), b.get(k)));
            }
        }
    }

    private static Map<String, List<StoredVersion>> byKey(List<StoredVersion> versions) {
        Map<String, List<StoredVersion>> m = new TreeMap<>();
        for (StoredVersion v : versions) {
            m.computeIfAbsent(v.key(), k -> new ArrayList<>()).add(v);
        }
        return m;
    }

    private void text(List<StoredVersion> versions, PrintWriter out) {
        boolean first = true;
        for (Map.Entry<String, List<StoredVersion>> k : byKey(versions).entrySet()) {
            if (!first) {
                out.println();
            }
            first = false;
            out.println(k.getKey());
            Observation prev = null;
            boolean seen = false;
            for (StoredVersion v : k.getValue()) {
                String head = String.format("  revision %-5d %s  run %s  ", v.revision(), v.time(), v.runId());
                if (v.gone()) {
                    out.println(head + "gone");
                } else {
                    List<FieldChange> ch = changes(prev, v.observation());
                    out.println(head + (!seen ? "first seen" : prev == null ? "back" : ch.size() + " changed"));
                    for (FieldChange c : ch) {
                        out.println("      " + c.field() + ": " + (prev == null ? "" : show(c.before()) + " -> ")
                                + show(c.after()));
                    }
                    seen = true;
                }
                prev = v.observation();
            }
        }
    }

    private static String show(String v) {
        return v == null ? "(absent)" : v;
    }

    private static ArrayNode json(List<StoredVersion> versions) {
        var mapper = JsonMapper.builder().build();
        ArrayNode arr = mapper.createArrayNode();
        for (Map.Entry<String, List<StoredVersion>> k : byKey(versions).entrySet()) {
            Observation prev = null;
            for (StoredVersion v : k.getValue()) {
                ObjectNode n = arr.addObject();
                n.put("key", v.key());
                n.put("revision", v.revision());
                n.put("runId", v.runId());
                n.put("time", v.time().toString());
                n.put("gone", v.gone());
                n.put("contentHash", v.contentHash());
                if (v.observation() != null) {
                    Observation o = v.observation();
                    n.put("type", o.type().key());
                    n.put("region", o.region());
                    n.put("cloudId", o.cloudId());
                    n.put("oviId", o.oviId());
                    n.set("attributes", mapper.valueToTree(new TreeMap<>(o.attributes())));
                    n.set("tags", mapper.valueToTree(new TreeMap<>(o.tags())));
                }
                ArrayNode ch = n.putArray("changes");
                if (!v.gone()) {
                    for (FieldChange c : changes(prev, v.observation())) {
                        ch.addObject().put("field", c.field()).put("before", c.before()).put("after", c.after());
                    }
                }
                prev = v.observation();
            }
        }
        return arr;
    }
}

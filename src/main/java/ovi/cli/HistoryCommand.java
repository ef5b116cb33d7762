package ovi.cli;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import ovi.engine.ExitCode;
import ovi.engine.ObservationStore.StoredVersion;
import ovi.engine.OviException;
import ovi.model.Observation;
import ovi.store.History;
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

    @Override
    public Integer call() {
        JdbcObservationStore store = state.openStore();
        if (store == null) {
            throw OviException.failure("no store in " + state.dir().resolve("store") + " yet; run 'ovi plan' first");
        }
        List<History.Resource> history;
        try (store) {
            history = History.of(store, id, state.dir().toString());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            ObjectNode doc = OutputOptions.document();
            doc.put("id", id);
            doc.set("revisions", json(history));
            out.println(doc.toPrettyString());
        } else {
            text(history, out);
        }
        out.flush();
        return ExitCode.OK;
    }

    private void text(List<History.Resource> history, PrintWriter out) {
        boolean first = true;
        for (History.Resource k : history) {
            if (!first) {
                out.println();
            }
            first = false;
            out.println(k.key());
            for (History.Revision r : k.revisions()) {
                StoredVersion v = r.version();
                String head = String.format("  revision %-5d %s  run %s  ", v.revision(), v.time(), v.runId());
                out.println(head + switch (r.step()) {
                    case GONE -> "gone";
                    case FIRST_SEEN -> "first seen";
                    case BACK -> "back";
                    case CHANGED -> r.changes().size() + " changed";
                });
                for (History.FieldChange c : r.changes()) {
                    out.println("      " + c.field() + ": " + (r.step() == History.Step.CHANGED ? show(c.before()) + " -> "
                            : "") + show(c.after()));
                }
            }
        }
    }

    private static String show(String v) {
        return v == null ? "(absent)" : v;
    }

    private static ArrayNode json(List<History.Resource> history) {
        var mapper = JsonMapper.builder().build();
        ArrayNode arr = mapper.createArrayNode();
        for (History.Resource k : history) {
            for (History.Revision r : k.revisions()) {
                StoredVersion v = r.version();
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
                for (History.FieldChange c : r.changes()) {
                    ch.addObject().put("field", c.field()).put("before", c.before()).put("after", c.after());
                }
            }
        }
        return arr;
    }
}

package ovi.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;
import ovi.engine.Plan;
import ovi.model.Action;
import ovi.model.Change;
import ovi.model.Decision;
import ovi.model.DesiredResource;
import ovi.model.Diff;
import ovi.model.Ignored;
import ovi.model.Scope;

/** The plan as JSON, format version 1: the shape the README documents. */
public final class PlanJson {
    public static final int FORMAT_VERSION = 1;
    static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private PlanJson() {
    }

    /** {@code "unobserved": [{type, region, error}]}: the scopes a run could not observe, in order. */
    static void putUnobserved(ObjectNode root, Map<Scope, String> failures) {
        ArrayNode unobserved = root.putArray("unobserved");
        for (Map.Entry<Scope, String> f : new TreeMap<>(failures).entrySet()) {
            ObjectNode u = unobserved.addObject();
            u.put("type", f.getKey().type().key());
            u.put("region", f.getKey().region());
            u.put("error", f.getValue());
            ovi.model.ErrorClass c = ovi.model.ErrorClass.leading(f.getValue());
            u.put("errorClass", c == null ? null : c.key());
        }
    }

    public static String toJson(Plan plan) {
        return toJson(plan, -1);
    }

    /** The plan with {@code awsCalls}, the AWS requests the run made (retries included), when not negative. */
    public static String toJson(Plan plan, long awsCalls) {
        return toJson(plan, awsCalls, null);
    }

    /** ... and {@code aws}, what the run sent to each service and its circuit breakers, when not null. */
    static String toJson(Plan plan, long awsCalls, ObjectNode aws) {
        ObjectNode root = report(plan, awsCalls, aws);
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What {@code -o json} prints, as a tree: also what the HTML report embeds and draws. */
    static ObjectNode report(Plan plan, long awsCalls, ObjectNode aws) {
        ObjectNode root = tree(plan, false);
        if (awsCalls >= 0) {
            root.put("awsCalls", awsCalls);
        }
        if (aws != null) {
            root.set("aws", aws);
        }
        return root;
    }

    /**
     * The plan's tree; {@code forApply} adds what executing it later needs: each decision's desired
     * state and the content hash of the resource it was made on.
     */
    static ObjectNode tree(Plan plan, boolean forApply) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("formatVersion", FORMAT_VERSION);
        root.put("runId", plan.runId());
        root.put("revision", plan.revision());
        root.put("owner", plan.owner());
        root.put("account", plan.account());
        putUnobserved(root, plan.batch().failures());
        ArrayNode diffs = root.putArray("diffs");
        for (Diff d : plan.diffs()) {
            ObjectNode n = diffs.addObject();
            n.put("kind", d.kind());
            n.put("id", d.id());
            n.put("type", d.type().key());
            n.put("region", d.region());
            n.put("cloudId", d.cloudId());
            n.put("blessed", d.blessed());
            n.put("reason", d.reason());
            ArrayNode changes = n.putArray("changes");
            for (Change c : d.changes()) {
                ObjectNode cn = changes.addObject();
                cn.put("field", c.field());
                cn.put("current", c.current());
                // a resource not created yet: its id is named, and the value said to be known after create
                cn.put("desired", ovi.model.Reference.show(c.desired()));
                if (ovi.model.Reference.unresolved(c.desired())) {
                    cn.put("knownAfterCreate", true);
                }
            }
        }
        ArrayNode decisions = root.putArray("decisions");
        for (Decision d : plan.decisions().list()) {
            ObjectNode n = decisions.addObject();
            n.put("action", d.action().key());
            n.put("id", d.id());
            n.put("type", d.type().key());
            n.put("region", d.region());
            n.put("cloudId", d.cloudId());
            n.put("reason", d.reason());
            n.put("disruptive", d.disruptive());
            ArrayNode after = n.putArray("after");
            d.after().forEach(after::add);
            if (forApply) {
                n.put("kind", d.diff().kind());
                if (d.diff().current() != null) {
                    n.put("contentHash", d.diff().current().contentHash());
                }
                DesiredResource desired = desired(d.diff());
                if (desired != null) {
                    ObjectNode dn = n.putObject("desired");
                    dn.set("attributes", MAPPER.valueToTree(new TreeMap<>(desired.attributes())));
                    dn.set("tags", MAPPER.valueToTree(new TreeMap<>(desired.tags())));
                }
                ArrayNode changes = n.putArray("changes");
                for (Change c : d.diff().changes()) {
                    ObjectNode cn = changes.addObject();
                    cn.put("field", c.field());
                    cn.put("current", c.current());
                    cn.put("desired", c.desired());
                }
            }
        }
        putIgnored(root, plan.ignored());
        ObjectNode summary = root.putObject("summary");
        plan.decisions().summary().forEach((Action a, Integer n) -> summary.put(a.key(), n));
        summary.put("ignored", plan.ignored().size());
        // ovi watch: changes decided and not acted on this tick (backing off, or not due yet)
        summary.put("heldBack", plan.decisions().heldBackChanges().size());
        return root;
    }

    /** {@code "ignored": [{kind, id, type, region, cloudId, what: [...], rule}]}: what ignore rules kept quiet. */
    static void putIgnored(ObjectNode root, java.util.List<Ignored> ignored) {
        ArrayNode out = root.putArray("ignored");
        for (Ignored i : ignored) {
            ObjectNode n = out.addObject();
            n.put("kind", i.kind());
            n.put("id", i.id());
            n.put("type", i.type().key());
            n.put("region", i.region());
            n.put("cloudId", i.cloudId());
            ArrayNode what = n.putArray("what");
            i.what().forEach(what::add);
            n.put("rule", i.rule());
        }
    }

    static DesiredResource desired(Diff d) {
        if (d instanceof Diff.Missing m) {
            return m.desired();
        }
        if (d instanceof Diff.Drifted dr) {
            return dr.desired();
        }
        return null;
    }
}

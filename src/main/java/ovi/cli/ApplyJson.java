package ovi.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import ovi.engine.Applier;
import ovi.model.Claim;
import ovi.model.Intent;
import ovi.model.Outcome;
import ovi.model.Scope;

/** The outcome of an apply as JSON (format version 1): one entry per decision. */
final class ApplyJson {
    private ApplyJson() {
    }

    static String toJson(Applier.Report report, String owner, String account, String planRunId,
                         Map<Scope, String> unobserved, int exitCode) {
        return toJson(report, owner, account, planRunId, unobserved, exitCode, null);
    }

    static String toJson(Applier.Report report, String owner, String account, String planRunId,
                         Map<Scope, String> unobserved, int exitCode, ObjectNode aws) {
        return toJson(report, owner, account, planRunId, unobserved, exitCode, aws, null);
    }

    /** ... and {@code ignored}, what the plan made now kept quiet by the config's ignore rules, when not null. */
    static String toJson(Applier.Report report, String owner, String account, String planRunId,
                         Map<Scope, String> unobserved, int exitCode, ObjectNode aws,
                         java.util.List<ovi.model.Ignored> ignored) {
        ObjectNode root = PlanJson.MAPPER.createObjectNode();
        root.put("formatVersion", PlanJson.FORMAT_VERSION);
        root.put("runId", report.runId());
        root.put("planRunId", planRunId);
        root.put("instance", Claim.instance(report.holder()));
        root.put("holder", report.holder());
        root.put("owner", owner);
        root.put("account", account);
        PlanJson.putUnobserved(root, unobserved);
        ArrayNode outcomes = root.putArray("outcomes");
        for (Applier.Result r : report.results()) {
            Intent i = r.intent();
            ObjectNode n = outcomes.addObject();
            n.put("action", i.action().key());
            n.put("id", i.id());
            n.put("type", i.type().key());
            n.put("region", i.region());
            n.put("disruptive", i.disruptive());
            n.put("outcome", r.outcome().kind());
            Outcome o = r.outcome();
            if (o instanceof Outcome.Executed e) {
                n.put("cloudId", e.cloudId() != null ? e.cloudId() : i.cloudId());
                n.put("message", e.message());
                n.put("requestId", e.requestId());
            } else if (o instanceof Outcome.Failed f) {
                n.put("cloudId", i.cloudId());
                n.put("message", f.error());
                n.put("requestId", f.requestId());
                n.put("errorClass", f.errorClass() == null ? null : f.errorClass().key());
            } else if (o instanceof Outcome.Skipped s) {
                n.put("cloudId", i.cloudId());
                n.put("reason", s.reason().key());
                n.put("message", s.message());
            } else if (o instanceof Outcome.Notified no) {
                n.put("cloudId", i.cloudId());
                n.put("message", no.message());
            }
        }
        if (ignored != null) {
            PlanJson.putIgnored(root, ignored);
        }
        ObjectNode summary = root.putObject("summary");
        report.summary().forEach(summary::put);
        if (ignored != null) {
            summary.put("ignored", ignored.size());
        }
        root.put("exitCode", exitCode);
        if (aws != null) {
            root.set("aws", aws);
        }
        try {
            return PlanJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One line for a person. */
    static String describe(Outcome o) {
        if (o instanceof Outcome.Executed e) {
            return "done: " + e.message() + (e.requestId() != null ? " [request " + e.requestId() + "]" : "");
        }
        if (o instanceof Outcome.Failed f) {
            return "FAILED: " + f.error();
        }
        if (o instanceof Outcome.Skipped s) {
            return "skipped (" + s.reason().key() + "): " + s.message();
        }
        return "notify: " + ((Outcome.Notified) o).message();
    }
}

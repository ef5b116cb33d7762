package ovi.cli;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import ovi.engine.ExitCode;
import ovi.model.Claim;
import ovi.model.WalEntry;
import ovi.store.JdbcClaimStore;
import ovi.store.JdbcObservationStore;
import ovi.wal.ChronicleAuditLog;
import ovi.wal.InDoubt;
import ovi.wal.Runs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {
            "Show how ovi is doing: last run, failures, claims, actions in doubt.",
            "The last run (time, outcome, duration, counts), the last success, consecutive",
            "failed runs, live claims and their holders, and actions in doubt: an",
            "'executing' entry with no 'executed' or 'failed' after it, left by a process",
            "that died mid-action. The next 'ovi apply' re-observes those resources",
            "before anything else.",
            "",
            "With --check, a health probe for cron or monitoring: exit 1 when there is no successful run",
            "within --max-age, the last run failed, or any action is in doubt; exit 0 otherwise.",
        },
        footer = {"", "Examples:",
            "  ovi status -c ovi.yaml",
            "  ovi status --state-dir /var/lib/ovi --check --max-age 2h || page-the-on-call",
            "  ovi status -c ovi.yaml -o json"})
public final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AuditState state;

    @Mixin
    OutputOptions output;

    @Option(names = "--check", description = "Exit 1 unless healthy (see above).")
    boolean check;

    @Option(names = "--max-age", paramLabel = "DURATION", defaultValue = "24h",
            converter = Durations.DurationConverter.class,
            description = "With --check: the last successful run must be newer than this (default: ${DEFAULT-VALUE}).")
    Duration maxAge;

    record Status(String stateDir, Runs.Run lastRun, Runs.Run lastSuccess, int consecutiveFailures, long runs,
                  List<Claim> claims, List<WalEntry> inDoubt, List<String> problems) {
    }

    @Override
    public Integer call() {
        Instant now = Instant.now();
        String dir = state.dir().toString();
        Runs runs = new Runs();
        List<WalEntry> inDoubt = List.of();
        ChronicleAuditLog wal = state.openWal();
        long[] lastSeq = {0};
        if (wal != null) {
            try (wal) {
                InDoubt d = new InDoubt();
                wal.readAll(e -> {
                    runs.accept(e);
                    d.accept(e);
                    lastSeq[0] = Math.max(lastSeq[0], e.seq());
                });
                inDoubt = d.entries();
            }
        }
        var head = state.walHead();
        List<Claim> claims = liveClaims();
        List<Runs.Run> all = runs.list();
        Runs.Run last = all.isEmpty() ? null : all.get(all.size() - 1);
        Runs.Run lastSuccess = null;
        int failures = 0;
        boolean streak = true;
        for (int i = all.size() - 1; i >= 0; i--) {
            Runs.Run r = all.get(i);
            if (Runs.OK.equals(r.outcome())) {
                lastSuccess = lastSuccess == null ? r : lastSuccess;
                streak = false;
            } else if (streak) {
                failures++;
            }
        }
        List<String> problems = new ArrayList<>();
        if (lastSuccess == null) {
            problems.add("no successful run recorded");
        } else if (lastSuccess.end().isBefore(now.minus(maxAge))) {
            problems.add("the last successful run ended at " + lastSuccess.end() + ", more than " + human(maxAge) + " ago");
        }
        if (failures > 0) {
            problems.add(failures + " consecutive failed run" + (failures == 1 ? "" : "s"));
        }
        if (!inDoubt.isEmpty()) {
            problems.add(inDoubt.size() + " action" + (inDoubt.size() == 1 ? "" : "s") + " in doubt");
        }
        if (head.isPresent() && lastSeq[0] < head.get().seq()) {
            problems.add("the WAL has lost entries: it ends at seq " + lastSeq[0] + " but entries up to seq "
                    + head.get().seq() + " were written; see 'ovi wal verify'");
        }
        Status s = new Status(dir, last, lastSuccess, failures, all.size(), claims, inDoubt, problems);
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            out.println(json(s, now).toPrettyString());
        } else {
            text(s, now, out);
        }
        out.flush();
        return check && !problems.isEmpty() ? ExitCode.ERROR : ExitCode.OK;
    }

    private List<Claim> liveClaims() {
        JdbcObservationStore store = state.openStore();
        if (store == null) {
            return List.of();
        }
        try (store; JdbcClaimStore claims = store.claims(Clock.systemUTC())) {
            return claims.live();
        }
    }

    private void text(Status s, Instant now, PrintWriter out) {
        out.println("State:                " + s.stateDir());
        if (s.lastRun() == null) {
            out.println("Last run:             none recorded");
        } else {
            Runs.Run r = s.lastRun();
            out.println("Last run:             " + r.runId() + " at " + r.start() + " (" + human(Duration.between(r.start(), now))
                    + " ago), " + r.outcome() + ", took " + human(r.duration()));
            out.println("                      " + counts(r));
            for (String e : r.errors()) {
                out.println("                      error: " + e);
            }
        }
        out.println("Last success:         " + (s.lastSuccess() == null ? "none"
                : s.lastSuccess().end() + " (" + human(Duration.between(s.lastSuccess().end(), now)) + " ago, run "
                + s.lastSuccess().runId() + ")"));
        out.println("Consecutive failures: " + s.consecutiveFailures());
        if (s.claims().isEmpty()) {
            out.println("Live claims:          none");
        } else {
            out.println("Live claims:          " + s.claims().size());
            for (Claim c : s.claims()) {
                out.println("  " + c.resource() + "  held by " + c.holder() + "  fence " + c.fence() + "  until " + c.expiresAt());
            }
        }
        if (s.inDoubt().isEmpty()) {
            out.println("In doubt:             none");
        } else {
            out.println("In doubt:             " + s.inDoubt().size()
                    + " (the process died mid-action; the next 'ovi apply' re-observes them first)");
            for (WalEntry e : s.inDoubt()) {
                out.println("  seq " + e.seq() + "  " + e.time() + "  run " + e.runId() + "  " + e.action() + " "
                        + e.data().getOrDefault("type", "?") + " " + e.resource() + " in "
                        + e.data().getOrDefault("region", "?")
                        + (e.data().get("cloudId") != null ? " (" + e.data().get("cloudId") + ")" : "")
                        + (e.data().get("holder") != null ? "  by " + e.data().get("holder") : ""));
            }
        }
        if (check) {
            out.println(s.problems().isEmpty() ? "Check:                ok"
                    : "Check:                FAILED: " + String.join("; ", s.problems()));
        }
    }

    static String counts(Runs.Run r) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Long> c : r.counts().entrySet()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(c.getKey()).append(' ').append(c.getValue());
            Map<String, Long> a = r.actions().get(c.getKey());
            if (a != null && !a.isEmpty()) {
                sb.append(" (");
                a.forEach((k, v) -> sb.append(k).append(' ').append(v).append(", "));
                sb.setLength(sb.length() - 2);
                sb.append(')');
            }
        }
        return sb.toString();
    }

    private ObjectNode json(Status s, Instant now) {
        ObjectNode root = JsonMapper.builder().build().createObjectNode();
        root.put("stateDir", s.stateDir());
        root.put("runs", s.runs());
        if (s.lastRun() == null) {
            root.putNull("lastRun");
        } else {
            root.set("lastRun", run(root, s.lastRun()));
        }
        if (s.lastSuccess() == null) {
            root.putNull("lastSuccess");
        } else {
            root.set("lastSuccess", run(root, s.lastSuccess()));
        }
        root.put("consecutiveFailures", s.consecutiveFailures());
        ArrayNode claims = root.putArray("claims");
        for (Claim c : s.claims()) {
            claims.addObject().put("resource", c.resource()).put("holder", c.holder()).put("fence", c.fence())
                    .put("claimedAt", c.claimedAt().toString()).put("expiresAt", c.expiresAt().toString());
        }
        ArrayNode doubt = root.putArray("inDoubt");
        for (WalEntry e : s.inDoubt()) {
            ObjectNode n = doubt.addObject();
            n.put("seq", e.seq());
            n.put("time", e.time().toString());
            n.put("runId", e.runId());
            n.put("resource", e.resource());
            n.put("action", e.action());
            n.set("data", JsonMapper.builder().build().valueToTree(e.data()));
        }
        ObjectNode chk = root.putObject("check");
        chk.put("ok", s.problems().isEmpty());
        chk.put("maxAge", maxAge.toString());
        ArrayNode p = chk.putArray("problems");
        s.problems().forEach(p::add);
        root.put("time", now.toString());
        return root;
    }

    private static ObjectNode run(ObjectNode factory, Runs.Run r) {
        ObjectNode n = factory.objectNode();
        n.put("runId", r.runId());
        n.put("time", r.start().toString());
        n.put("end", r.end().toString());
        n.put("outcome", r.outcome());
        n.put("durationMs", r.duration().toMillis());
        n.put("entries", r.entries());
        ObjectNode counts = n.putObject("counts");
        r.counts().forEach(counts::put);
        ObjectNode actions = n.putObject("actions");
        r.actions().forEach((type, m) -> {
            ObjectNode a = actions.putObject(type);
            m.forEach(a::put);
        });
        ArrayNode errors = n.putArray("errors");
        r.errors().forEach(errors::add);
        return n;
    }

    static String human(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 60) {
            return d.toMillis() < 10_000 && d.toMillis() % 1000 != 0 ? String.format("%.1fs", d.toMillis() / 1000.0) : s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + (s % 60 > 0 ? " " + (s % 60) + "s" : "");
        }
        if (s < 86400) {
            return (s / 3600) + "h" + ((s % 3600) / 60 > 0 ? " " + ((s % 3600) / 60) + "m" : "");
        }
        return (s / 86400) + "d" + ((s % 86400) / 3600 > 0 ? " " + ((s % 86400) / 3600) + "h" : "");
    }
}

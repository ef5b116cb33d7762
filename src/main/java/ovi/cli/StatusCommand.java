package ovi.cli;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import ovi.engine.ExitCode;
import ovi.model.Claim;
import ovi.model.WalEntry;
import ovi.model.WalRecord;
import ovi.model.WalRecords;
import ovi.store.JdbcClaimStore;
import ovi.store.JdbcObservationStore;
import ovi.wal.ChronicleAuditLog;
import ovi.wal.Health;
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
            converter = Durations.MaxAge.class,
            description = "With --check: the last successful run must be newer than this (default: ${DEFAULT-VALUE}).")
    Duration maxAge;

    @Override
    public Integer call() {
        Instant now = Instant.now();
        Health health = new Health();
        ChronicleAuditLog wal = state.openWal();
        if (wal != null) {
            try (wal) {
                wal.readAll(health::accept);
            }
        }
        // the head and the claims are read after the WAL, as a run records them after appending
        Stored stored = stored();
        Health.Report s = health.report(state.walHead(), stored.claims(), now, maxAge);
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            ObjectNode root = json(state.dir().toString(), s, now);
            watchJson(root, stored, now);
            out.println(root.toPrettyString());
        } else {
            text(state.dir().toString(), s, now, out);
            watchText(stored, now, out);
        }
        out.flush();
        return check && !s.healthy() ? ExitCode.ERROR : ExitCode.OK;
    }

    /** What the store says: live claims, and what ovi watch apply keeps (its watchers and backoffs). */
    private record Stored(List<Claim> claims, List<ovi.engine.WatchStore.Watcher> watchers,
                          java.util.Map<String, ovi.engine.Scheduler.Backoff> backoffs) {
    }

    private Stored stored() {
        JdbcObservationStore store = state.openStore();
        if (store == null) {
            return new Stored(List.of(), List.of(), java.util.Map.of());
        }
        try (store; JdbcClaimStore claims = store.claims(Clock.systemUTC())) {
            List<Claim> live = claims.live();
            List<ovi.engine.WatchStore.Watcher> watchers = List.of();
            java.util.Map<String, ovi.engine.Scheduler.Backoff> backoffs = java.util.Map.of();
            try {
                watchers = store.watchers();
                String owner = store.binding().map(ovi.store.StateBinding::owner).orElse(null);
                if (owner != null) {
                    backoffs = new java.util.TreeMap<>(store.backoffs(owner));
                }
            } catch (ovi.engine.OviException e) {
                // a read-only copy of a store older than ovi watch's tables: there is no watcher to show
            }
            return new Stored(live, watchers, backoffs);
        }
    }

    private static void watchText(Stored st, Instant now, PrintWriter out) {
        if (st.watchers().isEmpty() && st.backoffs().isEmpty()) {
            return;
        }
        out.println("Watchers:             " + (st.watchers().isEmpty() ? "none recorded" : st.watchers().size()));
        for (ovi.engine.WatchStore.Watcher w : st.watchers()) {
            out.println("  " + w.holder() + "  " + w.state() + (silent(w, now) ? " (silent: no tick since work was due at "
                    + w.nextDue() + "; stopped without saying so, killed?)" : "") + "  " + w.ticks() + " ticks, last "
                    + (w.lastTick() == null ? "none" : w.lastTick() + " (" + Health.human(Duration.between(w.lastTick(), now))
                    + " ago)") + ", next due " + (w.nextDue() == null ? "none" : w.nextDue()) + ", " + w.scheduled()
                    + " scheduled, " + w.backoffs() + " backing off");
        }
        out.println("Backoffs:             " + (st.backoffs().isEmpty() ? "none" : st.backoffs().size()));
        st.backoffs().forEach((id, b) -> out.println("  " + id + "  " + b.attempts() + " failure(s) in a row, not before "
                + b.until() + ": " + b.error()));
    }

    /** How long past its next due time a running watcher may go without a tick before it is called silent. */
    static final Duration SILENT_AFTER = Duration.ofMinutes(10);

    /**
     * A watcher recorded running that has not ticked since work came due, by more than {@link #SILENT_AFTER}:
     * a live watch would have ticked (and rewritten its row) by then, so it stopped without recording it
     * (kill -9, a crash, the machine gone).
     */
    static boolean silent(ovi.engine.WatchStore.Watcher w, Instant now) {
        return "running".equals(w.state()) && w.nextDue() != null
                && (w.lastTick() == null || w.lastTick().isBefore(w.nextDue()))
                && Duration.between(w.nextDue(), now).compareTo(SILENT_AFTER) > 0;
    }

    private static void watchJson(ObjectNode root, Stored st, Instant now) {
        ObjectNode watch = root.putObject("watch");
        ArrayNode watchers = watch.putArray("watchers");
        for (ovi.engine.WatchStore.Watcher w : st.watchers()) {
            ObjectNode n = watchers.addObject();
            n.put("holder", w.holder());
            n.put("owner", w.owner());
            n.put("state", w.state());
            n.put("silent", silent(w, now));
            n.put("started", w.started().toString());
            n.put("lastTick", w.lastTick() == null ? null : w.lastTick().toString());
            n.put("nextDue", w.nextDue() == null ? null : w.nextDue().toString());
            n.put("ticks", w.ticks());
            n.put("scheduled", w.scheduled());
            n.put("backoffs", w.backoffs());
        }
        ArrayNode backoffs = watch.putArray("backoffs");
        st.backoffs().forEach((id, b) -> backoffs.addObject().put("resource", id).put("attempts", b.attempts())
                .put("until", b.until().toString()).put("error", b.error()));
    }

    private void text(String stateDir, Health.Report s, Instant now, PrintWriter out) {
        out.println("State:                " + stateDir);
        if (s.lastRun() == null) {
            out.println("Last run:             none recorded");
        } else {
            Runs.Run r = s.lastRun();
            out.println("Last run:             " + r.runId() + " at " + r.start() + " (" + Health.human(Duration.between(r.start(), now))
                    + " ago), " + r.outcome() + ", took " + Health.human(r.duration()));
            out.println("                      " + counts(r));
            for (String e : r.errors()) {
                out.println("                      error: " + e);
            }
        }
        out.println("Last success:         " + (s.lastSuccess() == null ? "none"
                : s.lastSuccess().end() + " (" + Health.human(Duration.between(s.lastSuccess().end(), now)) + " ago, run "
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
                out.println("  seq " + e.seq() + "  " + e.time() + "  run " + e.runId() + "  " + inDoubt(e));
            }
        }
        if (check) {
            out.println(s.problems().isEmpty() ? "Check:                ok"
                    : "Check:                FAILED: " + String.join("; ", s.problems()));
        }
    }

    /** The action an executing entry was about to do, as far as the entry reads. */
    private static String inDoubt(WalEntry e) {
        String type = "?";
        String region = "?";
        String more = "";
        if (WalRecords.decode(e) instanceof WalRecord.Executing x) {
            type = x.resourceType() == null ? type : x.resourceType();
            region = x.region() == null ? region : x.region();
            more = (x.cloudId() != null ? " (" + x.cloudId() + ")" : "") + (x.holder() != null ? "  by " + x.holder() : "");
        }
        return e.action() + " " + type + " " + e.resource() + " in " + region + more;
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

    private ObjectNode json(String stateDir, Health.Report s, Instant now) {
        ObjectNode root = OutputOptions.document();
        root.put("stateDir", stateDir);
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
        chk.put("ok", s.healthy());
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
}

package ovi.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import ovi.model.Change;
import ovi.model.Decision;
import ovi.model.Intent;
import ovi.model.NotifyTarget;
import ovi.model.Outcome;
import ovi.model.ResourceType;
import ovi.model.Scope;
import ovi.model.WalRecord;

/**
 * Sends a run's findings, and what its apply did, to the config's notify targets, once per finding: the
 * store remembers what each target was sent (the finding's diff kind and a hash of its changes), so a later
 * run sends a finding again only when it changed or, still unresolved, after the target's {@code renotify};
 * and a finding that is gone (in a scope observed in full) is sent once as {@code resolved}.
 *
 * <p>Called once per run, after the plan and the actions, from one thread. Never throws for a delivery that
 * fails: each outcome is recorded in the WAL ({@code notified}, {@code notify-failed}) and counted in the
 * report, and an undelivered finding is simply tried again by the next run. All deliveries of a run share one
 * time budget, so a hanging receiver cannot keep a cron run from ending; after a delivery to a target fails,
 * the rest of the run's events for that target are not tried.
 */
public final class Notifications {
    /** The CloudEvents type prefix of findings: {@code dev.ovi.drift.<missing|unwanted|drifted|unmanaged>}. */
    public static final String DRIFT = "dev.ovi.drift.";
    public static final String RESOLVED = DRIFT + "resolved";
    public static final String APPLIED = "dev.ovi.action.applied";
    public static final String FAILED = "dev.ovi.action.failed";
    /** What all of a run's deliveries may take together, by default. */
    public static final Duration BUDGET = Duration.ofSeconds(60);

    /** The store's memory of what each target was sent. Calls come from one thread. */
    public interface Memory {
        /** Every finding last sent to {@code target} and not resolved since, by resource key. */
        Map<String, Sent> sent(String target);

        /** Records (or replaces) what {@code target} was last sent about {@code sent.key()}. */
        void remember(String target, Sent sent);

        /** The finding about {@code key} was sent to {@code target} as resolved. */
        void forget(String target, String key);
    }

    /**
     * A finding as last sent to a target.
     *
     * @param key      the resource's key ({@code <type>/<region>/<id>})
     * @param resource the ovi id or cloud id
     * @param kind     the diff kind
     * @param hash     the hash of the finding's changes ({@link #hash})
     * @param at       when it was sent
     */
    public record Sent(String key, String resource, String type, String region, String kind, String hash, Instant at) {
    }

    /** One event, as a CloudEvent's attributes and data (the channel encodes it). */
    public record Event(String id, String source, String type, String subject, Instant time, Map<String, Object> data) {
        public Event {
            data = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(data));
        }
    }

    /** Delivers events to one channel of targets (a webhook, a topic). */
    public interface Channel {
        /**
         * Delivers {@code event} to {@code target}, retrying as the channel sees fit but ending by
         * {@code deadline}; returns the attempts it took.
         *
         * @throws Undelivered when it could not be delivered
         */
        int deliver(NotifyTarget target, Event event, Instant deadline);
    }

    /** An event not delivered after {@code attempts} tries; the message says why, in one line. */
    public static final class Undelivered extends RuntimeException {
        private final int attempts;

        public Undelivered(String why, int attempts) {
            super(why, null, false, false);
            this.attempts = attempts;
        }

        public int attempts() {
            return attempts;
        }
    }

    /** What was sent: per target, how many went and how many did not, and the first reason. */
    public record Report(Map<String, Integer> delivered, Map<String, Integer> undelivered, Map<String, String> why) {
        public Report {
            delivered = Map.copyOf(delivered);
            undelivered = Map.copyOf(undelivered);
            why = Map.copyOf(why);
        }

        public int sent() {
            return delivered.values().stream().mapToInt(Integer::intValue).sum();
        }

        public int failed() {
            return undelivered.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /**
     * What one run has to say.
     *
     * @param plan    the plan this run made, or null (an apply of a saved plan): then no findings are sent
     * @param applied what the apply did, or null (a plan)
     * @param until   the run's own deadline ({@code --timeout}), or null: deliveries end by it too
     */
    public record Run(String runId, String owner, String account, Plan plan, Applier.Report applied, Instant until) {
        public Run(String runId, String owner, String account, Plan plan, Applier.Report applied) {
            this(runId, owner, account, plan, applied, null);
        }
    }

    private final Memory memory;
    private final Channel channel;
    private final AuditLog wal;
    private final Clock clock;
    private final Duration budget;
    private final Consumer<String> progress;

    public Notifications(Memory memory, Channel channel, AuditLog wal, Clock clock, Duration budget,
                         Consumer<String> progress) {
        this.memory = memory;
        this.channel = channel;
        this.wal = wal;
        this.clock = clock;
        this.budget = budget;
        this.progress = progress;
    }

    /** Sends what {@code run} has to say to each target that asks for it. */
    public Report send(List<NotifyTarget> targets, Run run) {
        Instant deadline = clock.instant().plus(budget);
        boolean timedOut = run.until() != null && run.until().isBefore(deadline);
        if (timedOut) {
            deadline = run.until();
        }
        String outOfTime = timedOut ? "the run's --timeout passed" : "the run's time for notifications ("
                + budget.toSeconds() + "s) ran out";
        Map<String, Integer> delivered = new TreeMap<>();
        Map<String, Integer> undelivered = new TreeMap<>();
        Map<String, String> why = new TreeMap<>();
        for (NotifyTarget t : targets) {
            Delivery d = new Delivery(t, run, deadline, outOfTime);
            if (t.sends("drift") && run.plan() != null) {
                d.findings();
            }
            if (run.applied() != null && (t.sends("applied") || t.sends("failed"))) {
                d.actions();
            }
            d.finish();
            if (d.delivered > 0) {
                delivered.put(t.describe(), d.delivered);
            }
            if (d.failed > 0) {
                undelivered.put(t.describe(), d.failed);
                why.put(t.describe(), d.firstError);
            }
        }
        return new Report(delivered, undelivered, why);
    }

    /** What the store should remember of a finding, or empty when nothing is to be sent about it now. */
    static Optional<String> due(Sent last, String kind, String hash, Instant now, Duration renotify) {
        if (last == null) {
            return Optional.of("new");
        }
        if (!last.kind().equals(kind) || !last.hash().equals(hash)) {
            return Optional.of("changed");
        }
        if (!now.isBefore(last.at().plus(renotify))) {
            return Optional.of("still unresolved");
        }
        return Optional.empty();
    }

    /** The key a resource is remembered by: its scope and id (cloud ids of two kinds may be alike). */
    static String key(ResourceType type, String region, String id) {
        return Scope.of(type, region) + "/" + id;
    }

    /**
     * The longest value of a change an event carries: a user-data script or a policy document in full would
     * take an event past what a topic accepts (256 KB), and the same event would then fail every run.
     */
    static final int MAX_VALUE = 2048;

    static String clip(String v) {
        return v == null || v.length() <= MAX_VALUE ? v : v.substring(0, MAX_VALUE) + "... (" + v.length()
                + " characters in all)";
    }

    /** A hash of a finding's kind and changes: the same finding hashes alike in every run. */
    public static String hash(String kind, List<Change> changes) {
        StringBuilder b = new StringBuilder(kind);
        changes.stream().sorted(java.util.Comparator.comparing(Change::field)).forEach(c -> b.append('\n')
                .append(c.field()).append('\0').append(c.current()).append('\0').append(c.desired()));
        return sha256(b.toString());
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One target's deliveries in one run. */
    private final class Delivery {
        private final NotifyTarget target;
        private final Run run;
        private final Instant deadline;
        private final String source;
        private final String outOfTime;
        int delivered;
        int failed;
        /** Events not tried: the target failed earlier in the run, or the time ran out. */
        int notTried;
        String firstError;
        private String stopped;

        Delivery(NotifyTarget target, Run run, Instant deadline, String outOfTime) {
            this.outOfTime = outOfTime;
            this.target = target;
            this.run = run;
            this.deadline = deadline;
            this.source = "urn:ovi:" + run.account() + ":" + run.owner();
        }

        void findings() {
            Instant now = clock.instant();
            Map<String, Sent> sent;
            try {
                sent = new HashMap<>(memory.sent(target.key()));
            } catch (RuntimeException e) {
                failed++;
                firstError = firstError == null ? "cannot read what was sent before: " + e.getMessage() : firstError;
                return; // sending without knowing what was sent would repeat every finding
            }
            Set<Scope> observed = run.plan().batch().observedScopes();
            for (Decision d : run.plan().decisions().list()) {
                String key = key(d.type(), d.region(), d.id());
                Sent last = sent.remove(key);
                String hash = hash(d.diff().kind(), d.diff().changes());
                if (due(last, d.diff().kind(), hash, now, target.renotify()).isEmpty()) {
                    continue;
                }
                Event e = event(DRIFT + d.diff().kind(), key, d.id(), finding(d));
                if (send(e)) {
                    remember(new Sent(key, d.id(), d.type().key(), d.region(), d.diff().kind(), hash, clock.instant()));
                }
            }
            for (Sent gone : sent.values()) {
                Optional<ResourceType> type = ResourceType.parse(gone.type());
                if (type.isPresent() && !observed.contains(Scope.of(type.get(), gone.region()))) {
                    continue; // not seen this run: its absence from the plan says nothing
                }
                Map<String, Object> data = base();
                data.put("resource", resource(gone.resource(), gone.type(), gone.region(), null));
                Map<String, Object> was = new LinkedHashMap<>();
                was.put("kind", gone.kind());
                was.put("lastSentAt", gone.at().toString());
                data.put("resolved", was);
                if (send(event(RESOLVED, gone.key(), gone.resource(), data))) {
                    try {
                        memory.forget(target.key(), gone.key());
                    } catch (RuntimeException ex) {
                        note("cannot record in the store that it was sent: " + ex.getMessage());
                    }
                }
            }
        }

        void actions() {
            for (Applier.Result r : run.applied().results()) {
                Intent i = r.intent();
                String type;
                Map<String, Object> outcome = new LinkedHashMap<>();
                outcome.put("kind", r.outcome().kind());
                if (r.outcome() instanceof Outcome.Executed x && target.sends("applied")) {
                    type = APPLIED;
                    outcome.put("message", x.message());
                    outcome.put("requestId", x.requestId());
                    if (x.cloudId() != null) {
                        outcome.put("cloudId", x.cloudId());
                    }
                } else if (r.outcome() instanceof Outcome.Failed f && target.sends("failed")) {
                    type = FAILED;
                    outcome.put("error", f.error());
                    outcome.put("requestId", f.requestId());
                } else {
                    continue;
                }
                Map<String, Object> data = base();
                data.put("resource", resource(i.id(), i.type().key(), i.region(), i.cloudId()));
                data.put("action", i.action().key());
                data.put("reason", i.reason());
                data.put("outcome", outcome);
                send(event(type, key(i.type(), i.region(), i.id()), i.id(), data));
            }
        }

        void finish() {
            if (notTried > 0) {
                append(new WalRecord.NotifyFailed(target.key(), notTried + " more event(s) for " + target.describe()
                        + " not sent: " + stopped, target.key(), null, null, 0, stopped));
                failed += notTried;
                firstError = firstError == null ? stopped : firstError;
            }
        }

        private Map<String, Object> finding(Decision d) {
            Map<String, Object> data = base();
            data.put("resource", resource(d.id(), d.type().key(), d.region(), d.cloudId()));
            Map<String, Object> diff = new LinkedHashMap<>();
            diff.put("kind", d.diff().kind());
            diff.put("reason", d.diff().reason());
            List<Map<String, Object>> changes = new ArrayList<>();
            for (Change c : d.diff().changes()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("field", c.field());
                m.put("current", clip(c.current()));
                m.put("desired", clip(c.desired()));
                changes.add(m);
            }
            diff.put("changes", changes);
            data.put("diff", diff);
            Map<String, Object> decision = new LinkedHashMap<>();
            decision.put("action", d.action().key());
            decision.put("reason", d.reason());
            data.put("decision", decision);
            return data;
        }

        private Map<String, Object> base() {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("owner", run.owner());
            data.put("account", run.account());
            data.put("runId", run.runId());
            return data;
        }

        private Map<String, Object> resource(String id, String type, String region, String cloudId) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("type", type);
            m.put("region", region);
            if (cloudId != null) {
                m.put("cloudId", cloudId);
            }
            return m;
        }

        private Event event(String type, String key, String subject, Map<String, Object> data) {
            // the same for every attempt and every target of this run: a receiver can drop a repeat by id
            String id = run.runId() + "-" + sha256(type + "\n" + key).substring(0, 16);
            return new Event(id, source, type, subject, clock.instant(), data);
        }

        private boolean send(Event e) {
            if (stopped == null && !clock.instant().isBefore(deadline)) {
                stopped = outOfTime;
            }
            if (stopped != null) {
                notTried++;
                return false;
            }
            try {
                int attempts = channel.deliver(target, e, deadline);
                delivered++;
                append(new WalRecord.Notified(e.subject(), "sent " + e.type() + " to " + target.describe(),
                        target.key(), e.type(), e.id(), attempts));
                return true;
            } catch (Undelivered u) {
                return undelivered(e, u.getMessage(), u.attempts());
            } catch (RuntimeException x) {
                return undelivered(e, String.valueOf(x.getMessage()), 1);
            }
        }

        private boolean undelivered(Event e, String error, int attempts) {
            failed++;
            firstError = firstError == null ? error : firstError;
            stopped = "an earlier delivery to " + target.describe() + " in this run failed (" + error + ")";
            append(new WalRecord.NotifyFailed(e.subject(), e.type() + " not delivered to " + target.describe() + ": "
                    + error, target.key(), e.type(), e.id(), attempts, error));
            progress.accept("not delivered to " + target.describe() + ": " + error);
            return false;
        }

        private void remember(Sent s) {
            try {
                memory.remember(target.key(), s);
            } catch (RuntimeException ex) {
                note("cannot record in the store that it was sent: " + ex.getMessage());
            }
        }

        private void note(String problem) {
            firstError = firstError == null ? problem : firstError;
            progress.accept(target.describe() + ": " + problem);
        }

        private void append(WalRecord r) {
            wal.append(run.runId(), r);
        }
    }
}

package ovi.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.DoubleSupplier;

/**
 * When each resource is next reconciled by {@code ovi watch apply}: a priority queue of next-reconcile
 * times (a tick takes what is due from its head, it does not scan every resource), per-resource exponential
 * backoff with jitter for resources whose action failed, and a resync of each resource every
 * {@code resync} (jittered, so that the resyncs of resources seen together spread out). Not thread-safe:
 * one watch loop uses it, one tick at a time.
 */
public final class Scheduler {

    /**
     * How the schedule spaces its work.
     *
     * @param resync      how often every resource is reconciled even when nothing changed
     * @param backoffBase the wait after a first failure; each further one doubles it
     * @param backoffMax  the longest wait after failures
     * @param jitter      the fraction (0 to 1) of each wait that is random
     */
    public record Settings(Duration resync, Duration backoffBase, Duration backoffMax, double jitter) {
        public Settings {
            Objects.requireNonNull(resync, "resync");
            if (resync.isNegative() || resync.isZero() || backoffBase.isNegative() || backoffBase.isZero()
                    || backoffMax.compareTo(backoffBase) < 0) {
                throw new IllegalArgumentException("resync and backoff must be positive, and the cap at least the base");
            }
            if (jitter < 0 || jitter > 1) {
                throw new IllegalArgumentException("jitter is a fraction from 0 to 1, not " + jitter);
            }
        }
    }

    /**
     * A resource's failures so far: {@code attempts} failed actions in a row, not acted on again before
     * {@code until}; {@code error} is the last failure.
     */
    public record Backoff(int attempts, Instant until, String error) {
        public Backoff {
            Objects.requireNonNull(until, "until");
            if (attempts < 1) {
                throw new IllegalArgumentException("a backoff follows at least one failure");
            }
        }
    }

    private record Entry(Instant due, long seq, String id) implements Comparable<Entry> {
        @Override
        public int compareTo(Entry o) {
            int c = due.compareTo(o.due);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final Settings settings;
    private final DoubleSupplier random;
    private final PriorityQueue<Entry> queue = new PriorityQueue<>();
    /** The one live queue entry of each resource: older ones left in the queue are skipped when polled. */
    private final Map<String, Entry> live = new HashMap<>();
    private final Map<String, Backoff> backoffs = new HashMap<>();
    private long seq;

    /** @param random uniform in [0, 1): the jitter's source (a test hands in a fixed one) */
    public Scheduler(Settings settings, DoubleSupplier random) {
        this.settings = settings;
        this.random = random;
    }

    public Settings settings() {
        return settings;
    }

    /** Puts back backoffs kept in the store by an earlier watch: those resources wait out their backoff. */
    public void restore(Map<String, Backoff> kept) {
        kept.forEach((id, b) -> {
            backoffs.put(id, b);
            schedule(id, b.until());
        });
    }

    /** Whether the schedule has never heard of {@code id} (a resource new to this watch is due at once). */
    public boolean unknown(String id) {
        return !live.containsKey(id);
    }

    /** {@code id}, if new to the schedule, is next due at its resync from {@code now}. */
    public void resyncLater(String id, Instant now) {
        if (unknown(id)) {
            schedule(id, now.plus(jittered(settings.resync())));
        }
    }

    /** {@code id} changed: due now, unless it is backing off (then when its backoff ends). */
    public void changed(String id, Instant now) {
        Backoff b = backoffs.get(id);
        schedule(id, b != null && b.until().isAfter(now) ? b.until() : now);
    }

    /** Every resource whose time has come by {@code now}, taken off the queue, earliest first. */
    public List<String> takeDue(Instant now) {
        List<String> due = new ArrayList<>();
        while (!queue.isEmpty() && !queue.peek().due().isAfter(now)) {
            Entry e = queue.poll();
            if (live.get(e.id()) == e) {
                live.remove(e.id());
                due.add(e.id());
            }
        }
        return due;
    }

    /** Whether {@code id} may be acted on at {@code now}: it is not waiting out a backoff. */
    public boolean mayAct(String id, Instant now) {
        Backoff b = backoffs.get(id);
        return b == null || !b.until().isAfter(now);
    }

    /**
     * {@code id} was reconciled (acted on, or found in step): its backoff, if any, ends, and it is next due at
     * its resync. Returns whether it had a backoff (the store's copy is then cleared).
     */
    public boolean succeeded(String id, Instant now) {
        boolean had = backoffs.remove(id) != null;
        schedule(id, now.plus(jittered(settings.resync())));
        return had;
    }

    /** {@code id}'s action failed: it backs off, twice as long as last time up to the cap, and is due then. */
    public Backoff failed(String id, Instant now, String error) {
        Backoff before = backoffs.get(id);
        int attempts = before == null ? 1 : before.attempts() + 1;
        Backoff b = new Backoff(attempts, now.plus(backoffDelay(attempts)), error);
        backoffs.put(id, b);
        schedule(id, b.until());
        return b;
    }

    /** {@code id} is to be looked at again at {@code at}, its backoff as it was (a claim another holds). */
    public void retryAt(String id, Instant at) {
        schedule(id, at);
    }

    /** {@code id} is gone from both the config and AWS: nothing is kept of it. Returns whether it had a backoff. */
    public boolean forget(String id) {
        live.remove(id);
        return backoffs.remove(id) != null;
    }

    /**
     * The wait after {@code attempts} failures in a row: the base doubled each time, capped, of which the
     * jitter fraction is random (so that resources that failed together do not all retry together).
     */
    public Duration backoffDelay(int attempts) {
        long base = settings.backoffBase().toMillis();
        long cap = settings.backoffMax().toMillis();
        long exp = attempts >= 62 ? cap : Math.min(cap, base << Math.min(attempts - 1, 40));
        if (exp < 0) {
            exp = cap; // shifted past the sign
        }
        return Duration.ofMillis(Math.min(cap, jitter(exp)));
    }

    private Duration jittered(Duration d) {
        return Duration.ofMillis(jitter(d.toMillis()));
    }

    /** {@code millis} less a random part of at most the jitter fraction. */
    private long jitter(long millis) {
        return Math.round(millis * (1 - settings.jitter() * random.getAsDouble()));
    }

    private void schedule(String id, Instant at) {
        Entry e = new Entry(at, seq++, id);
        live.put(id, e);
        queue.add(e);
        // skipped entries are dropped when the queue has grown to twice the live ones
        if (queue.size() > 2 * live.size() + 64) {
            queue.clear();
            queue.addAll(live.values());
        }
    }

    /** The earliest time something is due, or null when nothing is scheduled. */
    public Instant nextDue() {
        while (!queue.isEmpty() && live.get(queue.peek().id()) != queue.peek()) {
            queue.poll();
        }
        return queue.isEmpty() ? null : queue.peek().due();
    }

    /** How many resources have a next-reconcile time. */
    public int scheduled() {
        return live.size();
    }

    /** How many are due by {@code now} (a count, without taking them). */
    public int dueBy(Instant now) {
        int n = 0;
        for (Entry e : live.values()) {
            if (!e.due().isAfter(now)) {
                n++;
            }
        }
        return n;
    }

    /** The resources backing off now, by id. */
    public Map<String, Backoff> backoffs() {
        return Map.copyOf(backoffs);
    }

    /** The ids scheduled, sorted: for tests and status. */
    public Set<String> ids() {
        return new TreeSet<>(live.keySet());
    }
}

package ovi.engine;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Running totals of one watch, since it started: changes by kind, actions by outcome, backoffs begun.
 * Written by the watch loop, read by the metrics endpoint's threads.
 */
public final class WatchTally {
    private final Map<String, AtomicLong> changes = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
    private final AtomicLong backoffs = new AtomicLong();

    void changed(ObservedChange.Kind kind) {
        changes.computeIfAbsent(kind.key(), k -> new AtomicLong()).incrementAndGet();
    }

    void acted(String outcome) {
        outcomes.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
    }

    void backedOff() {
        backoffs.incrementAndGet();
    }

    /** Changes seen, by kind ({@code created}, ..., every kind present). */
    public Map<String, Long> changes() {
        Map<String, Long> m = new TreeMap<>();
        for (ObservedChange.Kind k : ObservedChange.Kind.values()) {
            m.put(k.key(), changes.getOrDefault(k.key(), new AtomicLong()).get());
        }
        return m;
    }

    /** Actions by outcome ({@code executed}, {@code failed}, {@code skipped}, {@code notified}). */
    public Map<String, Long> outcomes() {
        Map<String, Long> m = new TreeMap<>();
        for (String k : java.util.List.of("executed", "failed", "skipped", "notified")) {
            m.put(k, outcomes.getOrDefault(k, new AtomicLong()).get());
        }
        return m;
    }

    /** Backoffs begun (each failure in a row counts once). */
    public long backoffs() {
        return backoffs.get();
    }
}

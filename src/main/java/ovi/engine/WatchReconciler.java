package ovi.engine;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import ovi.model.Decision;
import ovi.model.Declaration;
import ovi.model.DesiredResource;
import ovi.model.Outcome;

/**
 * The {@link Reconciler} of {@code ovi watch apply}: a decision is acted on when its resource changed
 * since the previous revision (or in the config), is new to this watch (so the first tick after a start
 * reconciles everything once), or its time in the {@link Scheduler} has come, and it is not waiting out a
 * backoff. A failed action backs off (kept in the store), a success clears it, and a resource another
 * holder is acting on is looked at again a backoff base later. One per run; the {@link State} lives as long
 * as the watch.
 */
public final class WatchReconciler implements Reconciler {

    /** What a watch keeps between its runs. */
    public static final class State {
        final Scheduler scheduler;
        final WatchTally tally = new WatchTally();
        /** Each declared resource's declaration at the last tick, to see config edits. */
        final Map<String, DesiredResource> declared = new HashMap<>();
        boolean restored;

        public State(Scheduler scheduler) {
            this.scheduler = scheduler;
        }

        public Scheduler scheduler() {
            return scheduler;
        }

        public WatchTally tally() {
            return tally;
        }
    }

    private final State state;
    private final WatchStore store;
    private final String owner;
    private final Clock clock;
    private final Consumer<String> progress;
    private final Set<String> pending = new HashSet<>();

    public WatchReconciler(State state, WatchStore store, String owner, Clock clock, Consumer<String> progress) {
        this.state = state;
        this.store = store;
        this.owner = owner;
        this.clock = clock;
        this.progress = progress;
    }

    @Override
    public Decisions select(Declaration config, ObservationBatch batch, List<ObservedChange> changes, Decisions decided) {
        Scheduler s = state.scheduler;
        Instant now = clock.instant();
        boolean first = !state.restored;
        if (!state.restored) {
            Map<String, Scheduler.Backoff> kept = store.backoffs(owner);
            s.restore(kept);
            state.restored = true;
            if (!kept.isEmpty()) {
                progress.accept(kept.size() + " resource(s) backing off since an earlier watch: " + kept.keySet());
            }
        }
        for (ObservedChange c : changes) {
            state.tally.changed(c.kind());
            c.ids().forEach(id -> s.changed(id, now));
        }
        Map<String, DesiredResource> declared = new HashMap<>();
        for (DesiredResource d : config.desired()) {
            declared.put(d.id(), d);
            DesiredResource before = state.declared.get(d.id());
            if (before != null && !before.equals(d)) {
                s.changed(d.id(), now);
            }
        }
        state.declared.keySet().stream().filter(id -> !declared.containsKey(id)).forEach(id -> s.changed(id, now));
        state.declared.clear();
        state.declared.putAll(declared);

        Set<String> due = new HashSet<>(s.takeDue(now));
        List<Decision> chosen = new ArrayList<>();
        for (Decision d : decided.list()) {
            String id = d.id();
            if ((due.contains(id) || s.unknown(id)) && s.mayAct(id, now)) {
                chosen.add(d);
                pending.add(id);
            }
        }
        boolean blind = !batch.failures().isEmpty();
        for (String id : due) {
            if (pending.contains(id)) {
                continue;
            }
            if (blind) {
                // no decision may only mean its scope went unseen: looked at again next tick
                s.changed(id, now);
            } else if (s.succeeded(id, now)) {
                store.cleared(owner, id); // in step now, with nothing done: whatever failed is settled
            }
        }
        if (first) {
            // everything else is in step: each is looked at again at its resync, spread by the jitter
            batch.observations().forEach(o -> s.resyncLater(o.managed() && o.oviId() != null ? o.oviId() : o.cloudId(),
                    now));
            declared.keySet().forEach(id -> s.resyncLater(id, now));
        }
        if (decided.list().size() > chosen.size()) {
            progress.accept((decided.list().size() - chosen.size()) + " decision(s) not due yet (backing off or "
                    + "scheduled later)");
        }
        List<Decision> held = new ArrayList<>(decided.list());
        held.removeAll(chosen);
        return new Decisions(chosen, held);
    }

    @Override
    public void acted(List<Applier.Result> results) {
        Instant now = clock.instant();
        // one id may carry two intents (a kept resource and its duplicate): the worst outcome counts
        Map<String, Outcome> worst = new LinkedHashMap<>();
        for (Applier.Result r : results) {
            state.tally.acted(r.outcome().kind());
            worst.merge(r.intent().id(), r.outcome(), (a, b) -> rank(b) > rank(a) ? b : a);
        }
        Scheduler s = state.scheduler;
        worst.forEach((id, o) -> {
            pending.remove(id);
            switch (rank(o)) {
                case 0 -> {
                    if (s.succeeded(id, now)) {
                        store.cleared(owner, id);
                    }
                    if (o instanceof Outcome.Executed) {
                        // what the action made is not in the store until observed: the next tick looks at it
                        // (it is then in step, or acted on again), whatever the store's revision says
                        s.retryAt(id, now);
                    }
                }
                case 1 -> s.retryAt(id, now.plus(s.settings().backoffBase()));
                default -> {
                    Scheduler.Backoff b = s.failed(id, now, describe(o));
                    state.tally.backedOff();
                    store.backoff(owner, id, b);
                    progress.accept(id + " failed " + b.attempts() + " time(s) in a row: not acted on again before "
                            + b.until() + " (" + b.error() + ")");
                }
            }
        });
    }

    /** 0: done or nothing to do; 1: another holder is on it; 2: failed (backs off). */
    private static int rank(Outcome o) {
        if (o instanceof Outcome.Failed) {
            return 2;
        }
        if (o instanceof Outcome.Skipped sk) {
            return switch (sk.reason()) {
                // not started (the watch stopping, or --timeout): nothing failed, so no backoff
                case CLAIM_HELD, CLAIM_LOST, DEADLINE -> 1;
                case CONVERGED, GUARD -> 0;
                default -> 2;
            };
        }
        return 0;
    }

    private static String describe(Outcome o) {
        String text = o instanceof Outcome.Failed f ? f.error()
                : o instanceof Outcome.Skipped sk ? sk.reason().key() + ": " + sk.message() : o.kind();
        return text.length() > 500 ? text.substring(0, 500) : text;
    }

    @Override
    public void close() {
        Instant now = clock.instant();
        pending.forEach(id -> state.scheduler.changed(id, now));
        pending.clear();
    }
}

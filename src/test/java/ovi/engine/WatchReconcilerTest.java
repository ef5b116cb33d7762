package ovi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import ovi.aws.ec2.Ec2Kind;
import ovi.model.Decision;
import ovi.model.Declaration;
import ovi.model.DesiredResource;
import ovi.model.Diff;
import ovi.model.Intent;
import ovi.model.Observation;
import ovi.model.Outcome;
import ovi.model.Scope;
import ovi.model.Tags;
import org.junit.jupiter.api.Test;

class WatchReconcilerTest {
    static final DesiredResource A = new DesiredResource("a", Ec2Kind.TYPE, "us-east-1", Map.of("size", "s"), Map.of());
    static final DesiredResource B = new DesiredResource("b", Ec2Kind.TYPE, "us-east-1", Map.of("size", "s"), Map.of());

    /** The store's part, in memory. */
    static final class Kept implements WatchStore {
        final Map<String, Scheduler.Backoff> backoffs = new HashMap<>();
        final List<Watcher> watchers = new ArrayList<>();

        @Override
        public Map<String, Scheduler.Backoff> backoffs(String owner) {
            return Map.copyOf(backoffs);
        }

        @Override
        public void backoff(String owner, String id, Scheduler.Backoff backoff) {
            backoffs.put(id, backoff);
        }

        @Override
        public void cleared(String owner, String id) {
            backoffs.remove(id);
        }

        @Override
        public void watcher(Watcher state) {
            watchers.add(state);
        }

        @Override
        public List<Watcher> watchers() {
            return watchers;
        }
    }

    final Kept store = new Kept();
    Instant now = Instant.parse("2026-12-01T00:00:00Z");
    final WatchReconciler.State state = new WatchReconciler.State(new Scheduler(new Scheduler.Settings(
            Duration.ofHours(1), Duration.ofSeconds(30), Duration.ofMinutes(10), 0.2), () -> 0.0));

    static Declaration config(DesiredResource... desired) {
        return new Declaration(Path.of("ovi.yaml"), "team", List.of(), Set.of(), List.of(desired),
                new TreeSet<>(Set.of("us-east-1")), List.of());
    }

    static Decisions creates(DesiredResource... ds) {
        List<Decision> list = new ArrayList<>();
        for (DesiredResource d : ds) {
            list.add(Decision.create(new Diff.Missing(d, "missing")));
        }
        return new Decisions(list);
    }

    static ObservationBatch batch(Observation... os) {
        return new ObservationBatch(List.of(os), Map.of(), Set.of(Scope.of(Ec2Kind.TYPE, "us-east-1")));
    }

    /** One tick: what was selected, and each selected decision's id acted on with {@code outcome}. */
    List<String> tick(Declaration config, List<ObservedChange> changes, Decisions decided, Outcome outcome) {
        WatchReconciler r = new WatchReconciler(state, store, "team", Clock.fixed(now, ZoneOffset.UTC), m -> { });
        try {
            Decisions chosen = r.select(config, batch(), changes, decided);
            List<Applier.Result> results = new ArrayList<>();
            chosen.list().forEach(d -> results.add(new Applier.Result(Intent.of(d, "run"), outcome)));
            r.acted(results);
            return chosen.list().stream().map(Decision::id).toList();
        } finally {
            r.close();
        }
    }

    @Test
    void theFirstTickActsOnEverythingThenOnlyOnWhatChangedOrIsDue() {
        Outcome ok = new Outcome.Executed("i-1", "req", "created");
        assertEquals(List.of("a", "b"), tick(config(A, B), List.of(), creates(A, B), ok));
        now = now.plusSeconds(10);
        // what the creates made is looked at once more: here they did not stick, so they are made again
        assertEquals(List.of("a", "b"), tick(config(A, B), List.of(), creates(A, B), ok), "confirmed after acting");
        now = now.plusSeconds(10);
        assertEquals(List.of(), tick(config(A, B), List.of(), new Decisions(List.of()), ok), "in step");
        now = now.plusSeconds(10);
        Outcome note = new Outcome.Notified("only told");
        assertEquals(List.of(), tick(config(A, B), List.of(), creates(A, B), note), "nothing changed, nothing due");
        Observation seenA = new Observation(Ec2Kind.TYPE, "us-east-1", "i-1", Map.of("size", "l"),
                Map.of(Tags.MANAGED, "true", Tags.OWNER, "team", Tags.ID, "a"));
        ObservedChange changed = ObservedChange.classify("k", seenA, seenA, A);
        now = now.plusSeconds(10);
        assertEquals(List.of("a"), tick(config(A, B), List.of(changed), creates(A, B), note));
        DesiredResource bigger = new DesiredResource("b", Ec2Kind.TYPE, "us-east-1", Map.of("size", "l"), Map.of());
        now = now.plusSeconds(10);
        assertEquals(List.of("b"), tick(config(A, bigger), List.of(), creates(A, bigger), note), "b's config changed");
        now = now.plus(Duration.ofHours(1));
        assertEquals(List.of("a", "b"), tick(config(A, bigger), List.of(), creates(A, bigger), note), "the resync");
    }

    @Test
    void aFailingActionBacksOffInTheStoreWhileOthersProceedAndASuccessClearsIt() {
        Outcome failed = new Outcome.Failed("invalid: no such image", null);
        WatchReconciler.State s = state;
        tick(config(A), List.of(), creates(A), failed);
        assertEquals(1, store.backoffs.get("a").attempts());
        now = now.plusSeconds(29);
        assertEquals(List.of("b"), tick(config(A, B), List.of(), creates(A, B), failed), "a waits; b is new");
        now = now.plusSeconds(1);
        assertEquals(List.of("a"), tick(config(A, B), List.of(), creates(A, B), new Outcome.Executed("i", "r", "ok")));
        assertTrue(!store.backoffs.containsKey("a"), "cleared");
        assertEquals(1, s.scheduler().backoffs().size(), "b is still backing off");
    }

    @Test
    void aBackoffKeptByAnEarlierWatchIsWaitedOutAfterARestart() {
        store.backoffs.put("a", new Scheduler.Backoff(5, now.plusSeconds(60), "failed before"));
        assertEquals(List.of("b"), tick(config(A, B), List.of(), creates(A, B), new Outcome.Executed("i", "r", "ok")));
        now = now.plusSeconds(60);
        tick(config(A, B), List.of(), creates(A), new Outcome.Failed("still", null));
        assertEquals(6, store.backoffs.get("a").attempts(), "the count goes on");
    }

    @Test
    void whatIsDueWhileAScopeWentUnseenIsLookedAtAgainNextTick() {
        tick(config(A), List.of(), creates(A), new Outcome.Executed("i", "r", "ok"));
        now = now.plusSeconds(1);
        WatchReconciler r = new WatchReconciler(state, store, "team", Clock.fixed(now, ZoneOffset.UTC), m -> { });
        ObservationBatch blind = new ObservationBatch(List.of(), Map.of(Scope.of(Ec2Kind.TYPE, "us-east-1"), "throttled"),
                Set.of(Scope.of(Ec2Kind.TYPE, "us-east-1")));
        assertEquals(0, r.select(config(A), blind, List.of(), new Decisions(List.of())).list().size());
        r.close();
        now = now.plusSeconds(1);
        assertEquals(List.of("a"), tick(config(A), List.of(), creates(A), new Outcome.Executed("i", "r", "ok")),
                "still due: its create did not stick");
    }

    @Test
    void aClaimHeldElsewhereIsLookedAtAgainWithoutBackingOff() {
        tick(config(A), List.of(), creates(A), new Outcome.Skipped(Outcome.SkipReason.CLAIM_HELD, "held"));
        assertTrue(store.backoffs.isEmpty());
        now = now.plusSeconds(30);
        assertEquals(List.of("a"), tick(config(A), List.of(), creates(A), new Outcome.Executed("i", "r", "ok")));
    }

    @Test
    void whatWasSelectedButNeverSettledIsDueAgain() {
        WatchReconciler r = new WatchReconciler(state, store, "team", Clock.fixed(now, ZoneOffset.UTC), m -> { });
        assertEquals(1, r.select(config(A), batch(), List.of(), creates(A)).list().size());
        r.close(); // a guard stopped the run: acted is never called
        assertEquals(List.of("a"), tick(config(A), List.of(), creates(A), new Outcome.Executed("i", "r", "ok")));
    }
}

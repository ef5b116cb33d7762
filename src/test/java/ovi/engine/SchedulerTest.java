package ovi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchedulerTest {
    static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    static final Scheduler.Settings SETTINGS = new Scheduler.Settings(Duration.ofHours(1), Duration.ofSeconds(30),
            Duration.ofMinutes(10), 0.2);

    /** No jitter drawn: each wait is its whole length. */
    static Scheduler scheduler() {
        return new Scheduler(SETTINGS, () -> 0.0);
    }

    @Test
    void dueResourcesComeOffTheQueueEarliestFirstAndOnlyOnce() {
        Scheduler s = scheduler();
        s.retryAt("c", T0.plusSeconds(30));
        s.retryAt("a", T0.plusSeconds(10));
        s.retryAt("b", T0.plusSeconds(20));
        s.retryAt("later", T0.plusSeconds(100));
        assertEquals(List.of(), s.takeDue(T0));
        assertEquals(List.of("a", "b", "c"), s.takeDue(T0.plusSeconds(30)));
        assertEquals(List.of(), s.takeDue(T0.plusSeconds(30)), "taken once");
        assertEquals(T0.plusSeconds(100), s.nextDue());
        assertEquals(1, s.scheduled());
    }

    @Test
    void aRescheduledResourceIsDueOnlyAtItsNewTime() {
        Scheduler s = scheduler();
        s.retryAt("a", T0.plusSeconds(10));
        s.changed("a", T0.plusSeconds(5));
        assertEquals(List.of("a"), s.takeDue(T0.plusSeconds(5)));
        assertEquals(List.of(), s.takeDue(T0.plusSeconds(10)), "the older entry is stale");
        assertNull(s.nextDue());
    }

    @Test
    void backoffDoublesFromTheBaseUpToTheCap() {
        Scheduler s = scheduler();
        assertEquals(Duration.ofSeconds(30), s.backoffDelay(1));
        assertEquals(Duration.ofSeconds(60), s.backoffDelay(2));
        assertEquals(Duration.ofSeconds(240), s.backoffDelay(4));
        assertEquals(Duration.ofMinutes(10), s.backoffDelay(6));
        assertEquals(Duration.ofMinutes(10), s.backoffDelay(1000), "no overflow past the cap");
    }

    @Test
    void jitterTakesAtMostItsFractionOffEachWait() {
        Scheduler most = new Scheduler(SETTINGS, () -> 0.999999);
        assertEquals(24, most.backoffDelay(1).toSeconds(), "30s less up to a fifth");
        assertTrue(most.backoffDelay(100).compareTo(Duration.ofMinutes(8)) >= 0);
        assertTrue(most.backoffDelay(100).compareTo(Duration.ofMinutes(10)) <= 0);
        Scheduler half = new Scheduler(SETTINGS, () -> 0.5);
        assertEquals(Duration.ofSeconds(27), half.backoffDelay(1));
    }

    @Test
    void aFailingResourceBacksOffAndASuccessClearsIt() {
        Scheduler s = scheduler();
        Scheduler.Backoff first = s.failed("x", T0, "throttled: slow down");
        assertEquals(1, first.attempts());
        assertEquals(T0.plusSeconds(30), first.until());
        assertFalse(s.mayAct("x", T0.plusSeconds(29)));
        // a change while backing off does not bring it forward
        s.changed("x", T0.plusSeconds(1));
        assertEquals(List.of(), s.takeDue(T0.plusSeconds(29)));
        assertEquals(List.of("x"), s.takeDue(T0.plusSeconds(30)));
        assertTrue(s.mayAct("x", T0.plusSeconds(30)));
        Scheduler.Backoff second = s.failed("x", T0.plusSeconds(30), "again");
        assertEquals(2, second.attempts());
        assertEquals(T0.plusSeconds(90), second.until());
        assertTrue(s.succeeded("x", T0.plusSeconds(90)), "it had a backoff");
        assertTrue(s.backoffs().isEmpty());
        assertEquals(T0.plusSeconds(90).plus(Duration.ofHours(1)), s.nextDue(), "next at its resync");
        assertEquals(1, s.failed("x", T0.plusSeconds(100), "new").attempts(), "counting starts again");
    }

    @Test
    void resyncIsDueEveryPeriodAndSpreadByTheJitter() {
        Scheduler s = new Scheduler(SETTINGS, new java.util.Random(7)::nextDouble);
        for (int i = 0; i < 100; i++) {
            s.resyncLater("r" + i, T0);
        }
        assertEquals(100, s.scheduled());
        assertEquals(List.of(), s.takeDue(T0.plus(Duration.ofMinutes(47))), "none before the period less a fifth");
        List<String> due = s.takeDue(T0.plus(Duration.ofHours(1)));
        assertEquals(100, due.size(), "all by the period");
        assertTrue(s.nextDue() == null);
        s.resyncLater("r0", T0);
        s.resyncLater("r0", T0.plusSeconds(999));
        assertEquals(1, s.scheduled(), "a known resource keeps its time");
    }

    @Test
    void restoredBackoffsAreWaitedOut() {
        Scheduler s = scheduler();
        s.restore(Map.of("x", new Scheduler.Backoff(3, T0.plusSeconds(60), "failed before the restart")));
        assertFalse(s.unknown("x"));
        assertFalse(s.mayAct("x", T0));
        assertEquals(List.of(), s.takeDue(T0));
        assertEquals(List.of("x"), s.takeDue(T0.plusSeconds(60)));
        assertEquals(4, s.failed("x", T0.plusSeconds(60), "still").attempts());
    }

    @Test
    void settingsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new Scheduler.Settings(Duration.ZERO, Duration.ofSeconds(1),
                Duration.ofSeconds(1), 0));
        assertThrows(IllegalArgumentException.class, () -> new Scheduler.Settings(Duration.ofHours(1),
                Duration.ofSeconds(10), Duration.ofSeconds(1), 0));
        assertThrows(IllegalArgumentException.class, () -> new Scheduler.Settings(Duration.ofHours(1),
                Duration.ofSeconds(1), Duration.ofSeconds(1), 1.5));
    }
}

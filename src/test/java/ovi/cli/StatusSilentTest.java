package ovi.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import ovi.engine.WatchStore.Watcher;
import org.junit.jupiter.api.Test;

class StatusSilentTest {
    static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");

    static Watcher watcher(String state, Instant lastTick, Instant nextDue) {
        return new Watcher("host-1", "team", state, NOW.minus(Duration.ofHours(5)), lastTick, nextDue, 10, 3, 0);
    }

    @Test
    void aRunningWatcherThatHasNotTickedSinceWorkCameDueLongAgoIsSilent() {
        assertTrue(StatusCommand.silent(watcher("running", NOW.minus(Duration.ofHours(2)),
                NOW.minus(Duration.ofMinutes(90))), NOW));
    }

    @Test
    void aWatcherWithinItsMarginStoppedOrWithNothingDueIsNot() {
        // due a minute ago: the tick may be under way
        assertFalse(StatusCommand.silent(watcher("running", NOW.minus(Duration.ofMinutes(5)),
                NOW.minus(Duration.ofMinutes(1))), NOW));
        // ticked after its due time: alive
        assertFalse(StatusCommand.silent(watcher("running", NOW.minus(Duration.ofMinutes(20)),
                NOW.minus(Duration.ofMinutes(30))), NOW));
        assertFalse(StatusCommand.silent(watcher("stopped", NOW.minus(Duration.ofHours(2)),
                NOW.minus(Duration.ofMinutes(90))), NOW));
        assertFalse(StatusCommand.silent(watcher("running", NOW.minus(Duration.ofHours(2)), null), NOW));
    }
}

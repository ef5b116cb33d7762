package ovi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When /healthz says the watch is unhealthy, on a clock the test moves. */
class WatchServerTest {
    @TempDir
    Path dir;

    /** A clock that stands still until moved. */
    static final class Hands extends Clock {
        Instant now = Instant.parse("2026-12-02T12:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void move(Duration d) {
            now = now.plus(d);
        }
    }

    @Test
    void healthyWhileRunsCompleteAndUnhealthyWhenTheyStopOrHang() throws Exception {
        Hands clock = new Hands();
        try (WatchServer s = WatchServer.onLoopback(clock, Duration.ofMinutes(3), dir.resolve("run.prom"))) {
            assertNull(s.unhealthy(), "starting, within --max-age");
            s.runStarted();
            clock.move(Duration.ofSeconds(20));
            s.runEnded(2); // changes present: a completed run
            assertNull(s.unhealthy());

            clock.move(Duration.ofMinutes(1));
            s.runStarted();
            clock.move(Duration.ofMinutes(4));
            assertTrue(s.unhealthy().startsWith("run 2 started 4m ago and has not ended (--max-age 3m)"), s.unhealthy());
            s.runEnded(1); // an error: not a completed run
            assertTrue(s.unhealthy().startsWith("the last completed run ended 5m ago (--max-age 3m)"), s.unhealthy());

            s.runStarted();
            s.runEnded(0);
            assertNull(s.unhealthy(), "a completed run heals it");
            s.runStarted();
            s.runEnded(65);
            assertEquals("the last run found the config invalid (exit 65): fix it; the watch reads it again each run",
                    s.unhealthy());
        }
    }

    @Test
    void neverCompletingSinceTheStartIsUnhealthyOnceMaxAgeHasPassed() throws Exception {
        Hands clock = new Hands();
        try (WatchServer s = WatchServer.onLoopback(clock, Duration.ofMinutes(1), dir.resolve("run.prom"))) {
            s.runStarted();
            s.runEnded(1);
            assertNull(s.unhealthy());
            clock.move(Duration.ofSeconds(61));
            assertTrue(s.unhealthy().startsWith("no run has completed in the 1m1s since the watch started"),
                    s.unhealthy());
        }
    }
}

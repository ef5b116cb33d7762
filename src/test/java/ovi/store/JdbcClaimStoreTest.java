package ovi.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import ovi.model.Claim;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Claims in a real H2 file database, with a clock the test moves. */
class JdbcClaimStoreTest {
    @TempDir
    Path dir;

    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-22T03:00:00Z"));
    final Clock clock = new Clock() {
        public ZoneOffset getZone() { return ZoneOffset.UTC; }
        public Clock withZone(java.time.ZoneId z) { return this; }
        public Instant instant() { return now.get(); }
    };

    @Test
    void aLiveClaimIsExclusiveAndAnExpiredOneIsTakenOverWithAHigherFence() throws Exception {
        try (var store = JdbcObservationStore.openH2(dir); var c1 = store.openConnection(); var c2 = store.openConnection()) {
            var a = new JdbcClaimStore(c1, clock);
            var b = new JdbcClaimStore(c2, clock);
            Claim first = a.tryClaim("team/ec2/web-0", "host-a", Duration.ofMinutes(5)).orElseThrow();
            assertTrue(b.tryClaim("team/ec2/web-0", "host-b", Duration.ofMinutes(5)).isEmpty(), "held by host-a");

            now.set(now.get().plus(Duration.ofMinutes(4)));
            assertTrue(b.tryClaim("team/ec2/web-0", "host-b", Duration.ofMinutes(5)).isEmpty(), "not before the TTL");

            now.set(now.get().plus(Duration.ofMinutes(2)));
            Claim taken = b.tryClaim("team/ec2/web-0", "host-b", Duration.ofMinutes(5)).orElseThrow();
            assertTrue(taken.fence() > first.fence());
            assertFalse(a.holds(first), "the fence check tells host-a it lost the claim");
            assertTrue(b.holds(taken));
            a.release(first);
            assertTrue(b.holds(taken), "a stale holder's release does not end the new claim");
        }
    }

    @Test
    void releaseEndsTheClaimAndTheNextClaimStillGetsAHigherFence() throws Exception {
        try (var store = JdbcObservationStore.openH2(dir); var c = store.openConnection()) {
            var claims = new JdbcClaimStore(c, clock);
            Claim one = claims.tryClaim("r", "h1", Duration.ofMinutes(5)).orElseThrow();
            assertEquals(1, claims.live().size());
            claims.release(one);
            assertEquals(0, claims.live().size());
            Claim two = claims.tryClaim("r", "h2", Duration.ofMinutes(5)).orElseThrow();
            assertEquals(one.fence() + 1, two.fence());
        }
    }

    @Test
    void theSameHolderRenewsWithTheSameFence() throws Exception {
        try (var store = JdbcObservationStore.openH2(dir); var c = store.openConnection()) {
            var claims = new JdbcClaimStore(c, clock);
            Claim one = claims.tryClaim("r", "h1", Duration.ofMinutes(5)).orElseThrow();
            now.set(now.get().plus(Duration.ofMinutes(3)));
            Claim renewed = claims.tryClaim("r", "h1", Duration.ofMinutes(5)).orElseThrow();
            assertEquals(one.fence(), renewed.fence());
            assertTrue(renewed.expiresAt().isAfter(one.expiresAt()));
        }
    }
}

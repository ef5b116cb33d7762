package ovi.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import ovi.model.Claim;
import ovi.model.WalEntry;
import org.junit.jupiter.api.Test;

class HealthTest {
    private static final Instant T = Instant.parse("2026-11-21T03:10:00Z");
    private static final Duration DAY = Duration.ofHours(24);
    private final Health health = new Health();
    private long seq;

    private WalEntry add(Instant time, String run, String type, String resource, String message, Map<String, Object> data) {
        WalEntry e = new WalEntry(++seq, time, run, type, resource, "create", message, data, "", "");
        health.accept(e);
        return e;
    }

    @Test
    void aHealthyLogHasALastRunThatIsAlsoTheLastSuccess() {
        add(T, "r1", "observed", "ec2/us-east-1", "2 resources", Map.of("revision", 1, "count", 2));
        add(T.plusSeconds(1), "r1", "decided", "web-0", "declared but not found", Map.of());

        Health.Report r = health.report(Optional.empty(), List.of(), T.plusSeconds(60), DAY);

        assertTrue(r.healthy(), r.problems()::toString);
        assertEquals("r1", r.lastRun().runId());
        assertEquals(r.lastRun(), r.lastSuccess());
        assertEquals(0, r.consecutiveFailures());
        assertEquals(1, r.runs());
    }

    @Test
    void failuresInARowSinceTheLastSuccessAreAStreak() {
        add(T, "r1", "observed", "ec2/us-east-1", "0 resources", Map.of());
        add(T.plusSeconds(60), "r2", "failed", "web-0", "boom", Map.of("error", "boom"));
        add(T.plusSeconds(120), "r3", "observed", "rds/us-east-1", "not observed: denied", Map.of("error", "denied"));
        add(T.plusSeconds(180), "r4", "refused", "account/1", "not allowed", Map.of());

        Health.Report r = health.report(Optional.empty(), List.of(), T.plusSeconds(200), DAY);

        assertEquals("r4", r.lastRun().runId());
        assertEquals("r1", r.lastSuccess().runId());
        assertEquals(3, r.consecutiveFailures());
        assertEquals(List.of("3 consecutive failed runs"), r.problems());
        assertEquals(List.of("account/1: not allowed"), r.lastRun().errors());
    }

    @Test
    void noSuccessAtAllOrNoneRecentEnoughIsUnhealthy() {
        assertEquals(List.of("no successful run recorded"),
                health.report(Optional.empty(), List.of(), T, DAY).problems());
        assertNull(health.report(Optional.empty(), List.of(), T, DAY).lastRun());

        add(T, "r1", "observed", "ec2/us-east-1", "0 resources", Map.of());
        assertEquals(List.of("the last successful run ended at " + T + ", more than 2h ago"),
                health.report(Optional.empty(), List.of(), T.plus(Duration.ofHours(3)), Duration.ofHours(2)).problems());
    }

    @Test
    void anActionInDoubtIsAProblemUntilALaterRunSettlesIt() {
        add(T, "r1", "observed", "ec2/us-east-1", "0 resources", Map.of());
        WalEntry open = add(T.plusSeconds(1), "r1", "executing", "web-0", "create ec2 web-0 in us-east-1",
                Map.of("type", "ec2", "region", "us-east-1", "holder", "host-1#00", "fence", 1));

        Health.Report r = health.report(Optional.empty(), List.of(), T.plusSeconds(60), DAY);
        assertEquals(List.of(open), r.inDoubt());
        assertEquals(List.of("1 action in doubt"), r.problems());

        add(T.plusSeconds(300), "r2", "executed", "web-0", "after a crash: it took effect",
                Map.of("resolvesSeq", open.seq(), "inDoubtRunId", "r1"));
        assertTrue(health.report(Optional.empty(), List.of(), T.plusSeconds(400), DAY).healthy());
    }

    @Test
    void aCrashedActionFoundNotToHaveTakenEffectIsAFailureOfTheCrashedRunNotOfTheRunThatFoundOut() {
        add(T, "r1", "observed", "ec2/us-east-1", "0 resources", Map.of());
        WalEntry open = add(T.plusSeconds(1), "r1", "executing", "web-0", "create ec2 web-0 in us-east-1", Map.of());
        add(T.plusSeconds(300), "r2", "observed", "ec2/us-east-1", "0 resources", Map.of());
        add(T.plusSeconds(301), "r2", "failed", "web-0", "after a crash: no instance found",
                Map.of("resolvesSeq", open.seq(), "inDoubtRunId", "r1", "error", "after a crash: no instance found"));

        Health.Report r = health.report(Optional.empty(), List.of(), T.plusSeconds(400), DAY);

        assertEquals("r2", r.lastSuccess().runId());
        assertEquals(List.of(), r.lastRun().errors());
        assertTrue(r.healthy(), r.problems()::toString);
    }

    @Test
    void aLogThatEndsBeforeTheHeadTheStoreRecordedHasLostEntries() {
        add(T, "r1", "observed", "ec2/us-east-1", "0 resources", Map.of());
        Health.Report r = health.report(Optional.of(new WalHeads.Head(5, "h5", T)), List.of(), T.plusSeconds(1), DAY);
        assertEquals(List.of("the WAL has lost entries: it ends at seq 1 but entries up to seq 5 were written; see "
                + "'ovi wal verify'"), r.problems());
        assertTrue(health.report(Optional.of(new WalHeads.Head(1, "h1", T)), List.of(), T.plusSeconds(1), DAY).healthy());
    }

    @Test
    void liveClaimsAreReportedButAreNoProblem() {
        add(T, "r1", "observed", "ec2/us-east-1", "0 resources", Map.of());
        Claim c = new Claim("team-web/ec2/web-0", "host-1#00", 2, T, T.plusSeconds(300));
        Health.Report r = health.report(Optional.empty(), List.of(c), T.plusSeconds(1), DAY);
        assertEquals(List.of(c), r.claims());
        assertTrue(r.healthy(), r.problems()::toString);
    }

    @Test
    void durationsForPeople() {
        assertEquals("4.2s", Health.human(Duration.ofMillis(4200)));
        assertEquals("41s", Health.human(Duration.ofSeconds(41)));
        assertEquals("5m 3s", Health.human(Duration.ofSeconds(303)));
        assertEquals("2h 5m", Health.human(Duration.ofMinutes(125)));
        assertEquals("3d 4h", Health.human(Duration.ofHours(76)));
        assertEquals("1d", Health.human(Duration.ofHours(24)));
    }
}

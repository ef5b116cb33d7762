package ovi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ovi.aws.ec2.Ec2Kind;
import ovi.model.Change;
import ovi.model.Decision;
import ovi.model.DesiredResource;
import ovi.model.Diff;
import ovi.model.NotifyTarget;
import ovi.model.Observation;
import ovi.model.Scope;
import ovi.model.WalEntry;
import org.junit.jupiter.api.Test;

/** Which findings are sent, to whom and when again; the channels themselves are tested against real receivers. */
class NotificationsTest {
    static final Scope EAST = Scope.of(Ec2Kind.TYPE, "us-east-1");
    static final NotifyTarget HOOK = new NotifyTarget(NotifyTarget.Channel.WEBHOOK, "http://127.0.0.1:1/hook", null,
            null, "SECRET", Set.of("drift"), Duration.ofHours(24), Duration.ofSeconds(1), "notify[0]");

    Instant now = Instant.parse("2026-12-01T10:00:00Z");
    final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
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
    };
    final Map<String, Map<String, Notifications.Sent>> memory = new HashMap<>();
    final List<String> delivered = new ArrayList<>();
    final ApplierTest.FakeWal wal = new ApplierTest.FakeWal();
    /** Targets whose receiver is down. */
    final Set<String> down = new java.util.HashSet<>();

    final Notifications.Memory store = new Notifications.Memory() {
        @Override
        public Map<String, Notifications.Sent> sent(String target) {
            return Map.copyOf(memory.getOrDefault(target, Map.of()));
        }

        @Override
        public void remember(String target, Notifications.Sent sent) {
            memory.computeIfAbsent(target, k -> new HashMap<>()).put(sent.key(), sent);
        }

        @Override
        public void forget(String target, String key) {
            memory.getOrDefault(target, new HashMap<>()).remove(key);
        }
    };

    Notifications notifications() {
        return new Notifications(store, (target, event, deadline) -> {
            if (down.contains(target.key())) {
                throw new Notifications.Undelivered("HTTP 500", 4);
            }
            delivered.add(event.type() + " " + event.subject());
            return 1;
        }, wal, clock, Duration.ofMinutes(1), m -> { });
    }

    static Observation instance(String cloudId, String size, boolean managed) {
        Map<String, String> tags = managed ? Map.of("ovi:managed", "true", "ovi:owner", "team", "ovi:id", "web-0") : Map.of();
        return new Observation(Ec2Kind.TYPE, "us-east-1", cloudId, Map.of("size", size, "image", "ami-1"), tags);
    }

    static Decision unmanaged(String cloudId) {
        return Decision.notify(new Diff.Unmanaged(instance(cloudId, "t3.micro", false), "not ovi's"), "never touched");
    }

    static Decision drifted(String currentSize) {
        DesiredResource web = new DesiredResource("web-0", Ec2Kind.TYPE, "us-east-1", Map.of("size", "t3.micro"),
                Map.of());
        return Decision.update(new Diff.Drifted(web, instance("i-web", currentSize, true),
                List.of(new Change("size", currentSize, "t3.micro")), "size differs"));
    }

    Notifications.Run run(String id, Set<Scope> failed, Decision... decisions) {
        Map<Scope, String> failures = new HashMap<>();
        failed.forEach(s -> failures.put(s, "throttled"));
        ObservationBatch batch = new ObservationBatch(List.of(), failures, Set.of(EAST));
        Plan plan = new Plan(id, 1, "team", "123456789012", batch, List.of(), new Decisions(List.of(decisions)));
        return new Notifications.Run(id, "team", "123456789012", plan, null);
    }

    Notifications.Report send(Notifications.Run run) {
        return notifications().send(List.of(HOOK), run);
    }

    @Test
    void aFindingIsSentOnceAndNotAgainWhileItStaysTheSame() {
        send(run("r1", Set.of(), unmanaged("i-0abc"), drifted("t3.large")));
        assertEquals(List.of("dev.ovi.drift.unmanaged i-0abc", "dev.ovi.drift.drifted web-0"), delivered);
        now = now.plus(Duration.ofHours(1));
        Notifications.Report second = send(run("r2", Set.of(), unmanaged("i-0abc"), drifted("t3.large")));
        assertEquals(2, delivered.size(), "nothing new: " + delivered);
        assertEquals(0, second.sent());
        assertEquals(List.of("notified", "notified"), wal.types());
    }

    @Test
    void aChangedFindingIsSentAgain() {
        send(run("r1", Set.of(), drifted("t3.large")));
        send(run("r2", Set.of(), drifted("t3.xlarge")));
        assertEquals(List.of("dev.ovi.drift.drifted web-0", "dev.ovi.drift.drifted web-0"), delivered);
    }

    @Test
    void anUnresolvedFindingIsSentAgainAfterRenotifyAndNotBefore() {
        send(run("r1", Set.of(), unmanaged("i-0abc")));
        now = now.plus(Duration.ofHours(24)).minusSeconds(1);
        send(run("r2", Set.of(), unmanaged("i-0abc")));
        assertEquals(1, delivered.size());
        now = now.plusSeconds(1);
        send(run("r3", Set.of(), unmanaged("i-0abc")));
        assertEquals(2, delivered.size());
        // the renotify counts from the last sending
        now = now.plus(Duration.ofHours(23));
        send(run("r4", Set.of(), unmanaged("i-0abc")));
        assertEquals(2, delivered.size());
    }

    @Test
    void aFindingThatGoesAwayIsSentOnceAsResolved() {
        send(run("r1", Set.of(), unmanaged("i-0abc")));
        send(run("r2", Set.of()));
        send(run("r3", Set.of()));
        assertEquals(List.of("dev.ovi.drift.unmanaged i-0abc", "dev.ovi.drift.resolved i-0abc"), delivered);
        assertTrue(memory.get(HOOK.key()).isEmpty());
    }

    @Test
    void aFindingInAScopeNotObservedIsNotResolved() {
        send(run("r1", Set.of(), unmanaged("i-0abc")));
        send(run("r2", Set.of(EAST)));
        assertEquals(List.of("dev.ovi.drift.unmanaged i-0abc"), delivered);
        send(run("r3", Set.of()));
        assertEquals("dev.ovi.drift.resolved i-0abc", delivered.get(1));
    }

    @Test
    void anUndeliveredFindingIsNotRememberedAndTheRestOfTheTargetsEventsAreNotTried() {
        down.add(HOOK.key());
        Notifications.Report r = send(run("r1", Set.of(), unmanaged("i-1"), unmanaged("i-2"), unmanaged("i-3")));
        assertEquals(3, r.failed());
        assertEquals("HTTP 500", r.why().values().iterator().next());
        assertEquals(List.of("notify-failed", "notify-failed"), wal.types(), "one for the attempt, one for the rest");
        WalEntry rest = wal.entries.get(1);
        assertTrue(rest.message().startsWith("2 more event(s)"), rest.message());
        down.clear();
        send(run("r2", Set.of(), unmanaged("i-1"), unmanaged("i-2"), unmanaged("i-3")));
        assertEquals(3, delivered.size(), "all sent by the next run: " + delivered);
    }

    @Test
    void eachTargetHasItsOwnMemory() {
        NotifyTarget other = new NotifyTarget(NotifyTarget.Channel.WEBHOOK, "http://127.0.0.1:2/hook", null, null,
                "SECRET", Set.of("drift"), Duration.ofHours(24), Duration.ofSeconds(1), "notify[1]");
        notifications().send(List.of(HOOK), run("r1", Set.of(), unmanaged("i-0abc")));
        notifications().send(List.of(HOOK, other), run("r2", Set.of(), unmanaged("i-0abc")));
        assertEquals(2, delivered.size(), "the new target is sent what the first already had: " + delivered);
    }

    @Test
    void dueSaysWhyOrNothing() {
        Instant t = Instant.parse("2026-12-01T00:00:00Z");
        Notifications.Sent last = new Notifications.Sent("k", "web-0", "ec2", "us-east-1", "drifted", "h1", t);
        Duration day = Duration.ofDays(1);
        assertEquals("new", Notifications.due(null, "drifted", "h1", t, day).orElseThrow());
        assertEquals("changed", Notifications.due(last, "drifted", "h2", t, day).orElseThrow());
        assertEquals("changed", Notifications.due(last, "unwanted", "h1", t, day).orElseThrow());
        assertTrue(Notifications.due(last, "drifted", "h1", t.plus(day).minusMillis(1), day).isEmpty());
        assertEquals("still unresolved", Notifications.due(last, "drifted", "h1", t.plus(day), day).orElseThrow());
    }

    @Test
    void theHashOfAFindingDoesNotDependOnTheOrderOfItsChanges() {
        Change a = new Change("size", "t3.large", "t3.micro");
        Change b = new Change("image", "ami-1", "ami-2");
        assertEquals(Notifications.hash("drifted", List.of(a, b)), Notifications.hash("drifted", List.of(b, a)));
        assertTrue(!Notifications.hash("drifted", List.of(a)).equals(Notifications.hash("drifted", List.of(a, b))));
    }

    @Test
    void nothingIsTriedOnceTheRunsTimeoutHasPassedAndItIsSentByTheNextRun() {
        Notifications.Run late = new Notifications.Run("r1", "team", "123456789012", run("r1", Set.of(),
                unmanaged("i-1"), unmanaged("i-2")).plan(), null, now.minusSeconds(1));
        Notifications.Report r = send(late);
        assertEquals(List.of(), delivered);
        assertEquals(2, r.failed());
        assertTrue(wal.entries.get(0).message().contains("the run's --timeout passed"), wal.entries.get(0).message());
        send(run("r2", Set.of(), unmanaged("i-1"), unmanaged("i-2")));
        assertEquals(2, delivered.size());
    }

    @Test
    void aLongValueIsClippedInTheEventButHashedInFull() {
        String big = "x".repeat(10_000);
        String clipped = Notifications.clip(big);
        assertTrue(clipped.length() < 2100 && clipped.endsWith("(10000 characters in all)"), clipped.substring(2040));
        assertEquals("short", Notifications.clip("short"));
        assertTrue(!Notifications.hash("drifted", List.of(new Change("userData", big, "a")))
                .equals(Notifications.hash("drifted", List.of(new Change("userData", big + "y", "a")))));
    }
}

package ovi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import ovi.aws.ec2.Ec2Kind;
import ovi.model.Action;
import ovi.model.Change;
import ovi.model.Claim;
import ovi.model.DesiredResource;
import ovi.model.Intent;
import ovi.model.Observation;
import ovi.model.Outcome;
import ovi.model.ResourceType;
import ovi.model.WalEntry;
import org.junit.jupiter.api.Test;

class ApplierTest {
    static final String OWNER = "team-web";
    static final DesiredResource WEB0 = new DesiredResource("web-0", Ec2Kind.TYPE, "us-east-1",
            Map.of("size", "t3.micro", "image", "ami-1"), Map.of("team", "web"));

    final FakeWal wal = new FakeWal();
    final FakeClaims claims = new FakeClaims();
    final Map<String, List<Observation>> world = new HashMap<>();
    final List<String> calls = new ArrayList<>();
    Outcome next = new Outcome.Executed("i-new", "req-1", "created i-new");

    final ActionExecutor executor = (intent, owner, fence) -> {
        fence.check();
        calls.add(intent.action() + " " + intent.id() + " synced=" + wal.syncedThrough);
        return next;
    };
    final ResourceLookup lookup = target -> world.getOrDefault(target.oviId(), List.of());

    Applier applier(int maxDeletes, boolean skipDestructive) {
        return new Applier(executor, lookup, claims, wal, new Applier.Options("me", Duration.ofMinutes(5), maxDeletes,
                50, skipDestructive, 2, id -> id.equals("legacy-0")), m -> { });
    }

    static Observation ec2(String id, String cloudId, String size, Map<String, String> extraTags) {
        Map<String, String> tags = new HashMap<>(Map.of("ovi:managed", "true", "ovi:owner", OWNER, "ovi:id", id,
                "team", "web"));
        tags.putAll(extraTags);
        return new Observation(Ec2Kind.TYPE, "us-east-1", cloudId, Map.of("size", size, "image", "ami-1"), tags);
    }

    static Intent create() {
        return new Intent(Action.CREATE, "missing", "web-0", Ec2Kind.TYPE, "us-east-1", null, null, WEB0, List.of(),
                "declared but not found", "run-1");
    }

    static Intent update(Observation seen) {
        return new Intent(Action.UPDATE, "drifted", "web-0", Ec2Kind.TYPE, "us-east-1", seen.cloudId(),
                seen.contentHash(), WEB0, List.of(new Change("size", seen.attribute("size"), "t3.micro")), "drift",
                "run-1");
    }

    static Intent delete(String id, Observation seen) {
        return new Intent(Action.DELETE, "unwanted", id, Ec2Kind.TYPE, "us-east-1", seen.cloudId(),
                seen.contentHash(), null, List.of(), "not declared", "run-1");
    }

    @Test
    void aCreateIsClaimedRecordedAndSyncedBeforeTheCallThenReleased() {
        Applier.Report r = applier(5, false).apply("run-2", OWNER, List.of(create()));

        assertEquals("executed", r.results().get(0).outcome().kind());
        assertEquals(List.of("claimed", "executing", "executed", "released"), wal.types());
        WalEntry executing = wal.entries.get(1);
        assertEquals(create().clientToken(OWNER), executing.data().get("clientToken"));
        assertTrue(String.valueOf(executing.data().get("holder")).matches("me#[0-9a-f]{16}"),
                "the holder is the instance name and a nonce of the run: " + executing.data());
        assertEquals(List.of("create web-0 synced=2"), calls, "the executing entry is synced before the call");
        assertEquals("req-1", wal.entries.get(2).data().get("requestId"));
        assertTrue(claims.current(Claim.key(OWNER, Ec2Kind.TYPE, "web-0")).orElseThrow()
                .expiresAt().isBefore(Instant.now().plusSeconds(1)), "released");
        assertEquals(ExitCode.OK, r.exitCode());
    }

    @Test
    void progressNamesTheResourceEachLineIsAbout() {
        List<String> lines = new ArrayList<>();
        Progress progress = new Progress() {
            @Override
            public void accept(String message) {
                lines.add("- " + message);
            }

            @Override
            public void about(String resourceId, String message) {
                lines.add(resourceId + " " + message);
            }
        };
        new Applier(executor, lookup, claims, wal, new Applier.Options("me", Duration.ofMinutes(5), 5, 50, false, 2,
                id -> false), progress).apply("run-2", OWNER, List.of(create()));

        assertEquals(List.of("web-0 create ec2 web-0 ...", "web-0 create web-0: done (i-new)"), lines);
    }

    @Test
    void aWatchToldToStopStartsNothingMoreAndClaimsNothing() {
        Applier.Report r = new Applier(executor, lookup, claims, wal, new Applier.Options("me", Duration.ofMinutes(5), 5,
                50, false, 2, id -> false, null, () -> true), m -> { }).apply("run-2", OWNER, List.of(create()));

        Outcome.Skipped s = (Outcome.Skipped) r.results().get(0).outcome();
        assertEquals(Outcome.SkipReason.DEADLINE, s.reason());
        assertTrue(s.message().contains("the watch is stopping"), s::message);
        assertEquals(List.of(), calls);
        assertEquals(List.of("skipped"), wal.types());
        assertTrue(claims.live().isEmpty(), "no claim taken");
    }

    @Test
    void aLiveClaimOfAnotherInstanceSkipsTheResource() {
        claims.tryClaim(Claim.key(OWNER, Ec2Kind.TYPE, "web-0"), "other", Duration.ofMinutes(5));

        Applier.Report r = applier(5, false).apply("run-2", OWNER, List.of(create()));

        Outcome.Skipped s = (Outcome.Skipped) r.results().get(0).outcome();
        assertEquals(Outcome.SkipReason.CLAIM_HELD, s.reason());
        assertTrue(s.message().contains("other"));
        assertEquals(List.of(), calls);
        assertEquals(List.of("skipped"), wal.types());
        assertEquals("claim-held", wal.entries.get(0).data().get("reason"));
        assertEquals(ExitCode.OK, r.exitCode(), "held elsewhere is benign");
    }

    @Test
    void aCreateWhoseResourceNowExistsIsConvergedNotRepeated() {
        world.put("web-0", List.of(ec2("web-0", "i-1", "t3.micro", Map.of())));
        Applier.Report r = applier(5, false).apply("run-2", OWNER, List.of(create()));
        assertEquals(Outcome.SkipReason.CONVERGED, ((Outcome.Skipped) r.results().get(0).outcome()).reason());
        assertEquals(List.of(), calls);
        assertEquals(List.of("claimed", "skipped", "released"), wal.types());
    }

    @Test
    void anUpdateOnAResourceThatChangedSinceThePlanIsStale() {
        Observation seen = ec2("web-0", "i-1", "t3.small", Map.of());
        world.put("web-0", List.of(ec2("web-0", "i-1", "t3.small", Map.of("ovi:blessed", "true"))));
        Applier.Report r = applier(5, false).apply("run-2", OWNER, List.of(update(seen)));
        assertEquals(Outcome.SkipReason.STALE, ((Outcome.Skipped) r.results().get(0).outcome()).reason());
        assertEquals(List.of(), calls);
        assertEquals(ExitCode.PARTIAL, r.exitCode(), "a refused resource needs a new plan");
    }

    @Test
    void anUpdateWhoseResourceNowDiffersOnlyInAFieldAwsCannotChangeInPlaceIsConverged() {
        // given a kind with a fixed field, and a resource another run has fixed all else of since the plan
        ResourceType vault = ResourceType.regional("vault", "vault", List.of(
                ovi.model.Field.compared("size", ovi.model.Field.text()),
                ovi.model.Field.fixed("zone", ovi.model.Field.text())), java.util.Set.of(Action.UPDATE));
        DesiredResource want = new DesiredResource("v-0", vault, "us-east-1", Map.of("size", "big", "zone", "a"),
                Map.of());
        Map<String, String> tags = Map.of("ovi:managed", "true", "ovi:owner", OWNER, "ovi:id", "v-0");
        Observation seen = new Observation(vault, "us-east-1", "v-1", Map.of("size", "small", "zone", "b"), tags);
        world.put("v-0", List.of(new Observation(vault, "us-east-1", "v-1", Map.of("size", "big", "zone", "b"), tags)));
        Intent update = new Intent(Action.UPDATE, "drifted", "v-0", vault, "us-east-1", "v-1", seen.contentHash(), want,
                List.of(new Change("size", "small", "big"), new Change("zone", "b", "a")), "drift", "run-1");
        // when
        Applier.Report r = applier(5, false).apply("run-2", OWNER, List.of(update));
        // then: the zone is only ever reported, so nothing is left for this update to do
        assertEquals(Outcome.SkipReason.CONVERGED, ((Outcome.Skipped) r.results().get(0).outcome()).reason(),
                r.results().get(0).outcome()::toString);
        assertEquals(List.of(), calls);
        assertEquals(ExitCode.OK, r.exitCode());
    }

    @Test
    void anUnchangedResourceIsActedOn() {
        Observation seen = ec2("web-0", "i-1", "t3.small", Map.of());
        world.put("web-0", List.of(seen));
        applier(5, false).apply("run-2", OWNER, List.of(update(seen)));
        assertEquals(List.of("update web-0 synced=2"), calls);
    }

    @Test
    void tooManyDeletesStopTheRunBeforeAnythingIsClaimed() {
        List<Intent> intents = new ArrayList<>();
        for (int n = 0; n < 3; n++) {
            Observation o = ec2("old-" + n, "i-" + n, "t3.micro", Map.of());
            world.put("old-" + n, List.of(o));
            intents.add(delete("old-" + n, o));
        }
        OviException e = assertThrows(OviException.class, () -> applier(2, false).apply("run-2", OWNER, intents));
        assertEquals(ExitCode.ERROR, e.exitCode());
        assertTrue(e.getMessage().contains("--max-deletes 2"));
        assertEquals(List.of("skipped", "skipped", "skipped"), wal.types());
        assertEquals(List.of(), calls);
        assertTrue(claims.rows.isEmpty(), "nothing claimed");

        Applier.Report skipped = applier(2, true).apply("run-3", OWNER, intents);
        assertEquals(3, skipped.summary().get("skipped"));
        assertEquals(List.of(), calls);
    }

    @Test
    void aResourceBlessedSinceThePlanIsNeverDeleted() {
        Observation o = ec2("legacy-0", "i-9", "t3.micro", Map.of());
        world.put("legacy-0", List.of(o));
        Applier.Report r = applier(5, false).apply("run-2", OWNER, List.of(delete("legacy-0", o)));
        assertEquals(Outcome.SkipReason.GUARD, ((Outcome.Skipped) r.results().get(0).outcome()).reason());
        assertEquals(List.of(), calls);
    }

    @Test
    void aFailureIsRecordedWithTheRequestIdAndMakesTheRunPartial() {
        next = new Outcome.Failed("AWS error: InvalidAMIID.NotFound", "req-9");
        Applier.Report r = applier(5, false).apply("run-2", OWNER, List.of(create()));
        assertEquals(ExitCode.PARTIAL, r.exitCode());
        WalEntry failed = wal.entries.get(2);
        assertEquals("failed", failed.type());
        assertEquals("req-9", failed.data().get("requestId"));
        assertEquals("AWS error: InvalidAMIID.NotFound", failed.message());
        assertEquals("released", wal.entries.get(3).type(), "released even after a failure");
    }

    @Test
    void aClaimTakenOverBeforeTheCallStopsTheAction() {
        ActionExecutor slow = (intent, owner, fence) -> {
            // another instance takes over (the TTL lapsed) before our call
            String key = Claim.key(OWNER, Ec2Kind.TYPE, "web-0");
            claims.rows.put(key, new Claim(key, "thief", 99, Instant.now(), Instant.now().plusSeconds(60)));
            fence.check();
            calls.add("called anyway");
            return next;
        };
        Applier a = new Applier(slow, lookup, claims, wal, new Applier.Options("me", Duration.ofMinutes(5), 5, 50,
                false, 1, id -> false), m -> { });
        Applier.Report r = a.apply("run-2", OWNER, List.of(create()));
        assertEquals("failed", r.results().get(0).outcome().kind());
        assertEquals(List.of(), calls, "no AWS call after the fence check failed");
    }

    @Test
    void twoRunsGivenTheSameInstanceNameNeverHoldOneClaimTogether() throws Exception {
        // given: a run named "me" is in the middle of creating web-0 (its executor is blocked)
        java.util.concurrent.CountDownLatch inCall = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch finish = new java.util.concurrent.CountDownLatch(1);
        ActionExecutor blocking = (intent, owner, fence) -> {
            fence.check();
            calls.add("first run creates " + intent.id());
            inCall.countDown();
            try {
                finish.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return next;
        };
        Applier first = new Applier(blocking, lookup, claims, wal, new Applier.Options("me", Duration.ofMinutes(5), 5,
                50, false, 1, id -> false), m -> { });
        java.util.concurrent.CompletableFuture<Applier.Report> running =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> first.apply("run-1", OWNER, List.of(create())));
        assertTrue(inCall.await(10, java.util.concurrent.TimeUnit.SECONDS), "the first run reached its AWS call");

        // when: a second run with the same --instance-id applies the same decision
        Applier.Report second = applier(5, false).apply("run-2", OWNER, List.of(create()));
        finish.countDown();

        // then: it does not act: the claim belongs to the first run, not to the name
        Outcome.Skipped s = (Outcome.Skipped) second.results().get(0).outcome();
        assertEquals(Outcome.SkipReason.CLAIM_HELD, s.reason(), second::toString);
        assertEquals("executed", running.get(10, java.util.concurrent.TimeUnit.SECONDS).results().get(0).outcome().kind());
        assertEquals(List.of("first run creates web-0"), calls, "exactly one create");
        assertTrue(!first.holder().equals(applier(5, false).holder()) && first.holder().startsWith("me#"));
    }

    static final class FakeWal implements AuditLog {
        final List<WalEntry> entries = new ArrayList<>();
        int syncedThrough;

        @Override
        public synchronized List<WalEntry> append(List<Draft> drafts) {
            List<WalEntry> out = new ArrayList<>();
            for (Draft d : drafts) {
                WalEntry e = new WalEntry(entries.size() + 1, Instant.now(), d.runId(), d.type(), d.resource(),
                        d.action(), d.message(), d.data(), "", "");
                entries.add(e);
                out.add(e);
            }
            return out;
        }

        @Override
        public synchronized void sync() {
            syncedThrough = entries.size();
        }

        List<String> types() {
            return entries.stream().map(WalEntry::type).toList();
        }

        @Override
        public void close() {
        }
    }

    /** The ClaimStore contract over a map, for the engine's logic; JdbcClaimStore is tested on H2. */
    static final class FakeClaims implements ClaimStore {
        final Map<String, Claim> rows = new HashMap<>();

        @Override
        public synchronized Optional<Claim> tryClaim(String resource, String holder, Duration ttl) {
            Instant now = Instant.now();
            Claim c = rows.get(resource);
            if (c != null && c.liveAt(now) && !c.holder().equals(holder)) {
                return Optional.empty();
            }
            boolean mine = c != null && c.liveAt(now);
            Claim n = new Claim(resource, holder, c == null ? 1 : mine ? c.fence() : c.fence() + 1, now, now.plus(ttl));
            rows.put(resource, n);
            return Optional.of(n);
        }

        @Override
        public synchronized boolean holds(Claim claim) {
            Claim c = rows.get(claim.resource());
            return c != null && c.holder().equals(claim.holder()) && c.fence() == claim.fence()
                    && c.liveAt(Instant.now());
        }

        @Override
        public synchronized void release(Claim claim) {
            if (holds(claim)) {
                rows.put(claim.resource(), new Claim(claim.resource(), claim.holder(), claim.fence(),
                        claim.claimedAt(), Instant.now()));
            }
        }

        @Override
        public synchronized Optional<Claim> current(String resource) {
            return Optional.ofNullable(rows.get(resource));
        }

        @Override
        public synchronized List<Claim> live() {
            return rows.values().stream().filter(c -> c.liveAt(Instant.now())).toList();
        }
    }
}

package ovi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import ovi.config.ConfigLoader;
import ovi.config.OviConfig;
import ovi.model.Intent;
import ovi.model.Observation;
import ovi.model.Outcome;
import ovi.model.Scope;
import ovi.model.WalEntry;
import org.junit.jupiter.api.Test;

/** The order and the rules of an apply, over fakes of every port. */
class ApplyUseCaseTest {
    static final String ACCOUNT = "123456789012";

    /** One instance declared in two regions: four scopes (ec2, rds in each region, and s3), nothing existing yet. */
    static OviConfig config(int count) throws Exception {
        return ConfigLoader.parse("""
                version: v1
                provider: aws
                region: us-east-1
                owner: team-web
                accounts: ["123456789012"]
                resources:
                  - type: ec2
                    name: web
                    count: %d
                    size: t3.micro
                    image: ami-0123456789abcdef0
                  - type: ec2
                    name: eu
                    count: 0
                    region: eu-west-1
                    size: t3.micro
                    image: ami-0123456789abcdef0
                """.formatted(count), Path.of("ovi.yaml"));
    }

    /** What each port was asked, in order. */
    final List<String> events = new ArrayList<>();
    final ApplierTest.FakeWal wal = new ApplierTest.FakeWal();
    final ApplierTest.FakeClaims claims = new ApplierTest.FakeClaims();
    final Fakes.Observer observer = new Fakes.Observer(events, ACCOUNT);
    final List<WalEntry> inDoubt = new ArrayList<>();
    boolean lookupFails;

    final ActionExecutor executor = (intent, owner, fence) -> {
        fence.check();
        events.add(intent.action().key() + " " + intent.id());
        return new Outcome.Executed("i-new", "req-1", "created i-new");
    };
    final ResourceLookup lookup = target -> {
        events.add("look up " + target.oviId());
        if (lookupFails) {
            throw new IllegalStateException("cannot reach AWS");
        }
        return List.of();
    };

    ApplyUseCase useCase() {
        return new ApplyUseCase(observer, new Fakes.Store(events), wal, () -> {
            events.add("read in-doubt");
            return List.copyOf(inDoubt);
        }, claims, executor, lookup, m -> { });
    }

    static ApplyUseCase.Options options(int maxChanges) {
        return new ApplyUseCase.Options("me", Duration.ofMinutes(5), 5, maxChanges, false, false, 2);
    }

    /** Records what was shown, in the event order. */
    final ApplyUseCase.Presenter show = new ApplyUseCase.Presenter() {
        @Override
        public void planned(Plan plan) {
            events.add("show plan");
        }

        @Override
        public void saved(ApplyUseCase.SavedPlan plan) {
            events.add("show saved plan");
        }
    };

    BooleanSupplier answer(boolean yes) {
        return () -> {
            events.add("confirm");
            return yes;
        };
    }

    ApplyUseCase.Report apply(OviConfig config, ApplyUseCase.SavedPlan saved, int maxChanges, boolean yes) {
        return useCase().apply(config.declaration(), "r-now", Instant.now(), saved, options(maxChanges), show, answer(yes));
    }

    @Test
    void theAccountIsCheckedFirstThenRecoveryThenThePlanThenConfirmationThenActing() throws Exception {
        ApplyUseCase.Report r = apply(config(1), null, 50, true);

        assertEquals(List.of("account", "read in-doubt", "account", "observe", "record", "show plan", "confirm",
                "look up web-0", "create web-0"), events);
        assertEquals(ExitCode.OK, r.exitCode(), r::toString);
        assertEquals("r-now", r.planRunId());
        assertEquals(ACCOUNT, r.account());
        assertEquals("executed", r.applied().results().get(0).outcome().kind());
    }

    @Test
    void anAccountTheConfigDoesNotAllowStopsTheRunBeforeRecoveryOrAnyLookUp() throws Exception {
        observer.account = "999999999999";

        OviException e = assertThrows(OviException.class, () -> apply(config(1), null, 50, true));

        assertEquals(ExitCode.ERROR, e.exitCode());
        assertTrue(e.getMessage().contains("not listed under accounts"), e.getMessage());
        assertEquals(List.of("account"), events, "no recovery, no observation, no claim");
        assertEquals(List.of(ovi.model.WalRecord.Kind.REFUSED.key()), wal.types());
    }

    @Test
    void anActionStillInDoubtAfterLookingAgainStopsTheRunBeforeItPlans() throws Exception {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("type", "ec2");
        data.put("region", "us-east-1");
        inDoubt.add(new WalEntry(7, Instant.EPOCH, "r-crashed", "executing", "web-0", "create", "", data, "", ""));
        lookupFails = true;

        OviException e = assertThrows(OviException.class, () -> apply(config(1), null, 50, true));

        assertEquals(ExitCode.ERROR, e.exitCode());
        assertTrue(e.getMessage().startsWith("still in doubt after looking again"), e.getMessage());
        assertFalse(events.contains("observe"), events::toString);
        assertFalse(events.contains("create web-0"), events::toString);
    }

    @Test
    void nothingObservableIsRefusedBeforeAnythingIsShownOrDone() throws Exception {
        OviConfig config = config(1);
        Engine.scopes(config.declaration()).forEach(s -> observer.failures.put(s, "access denied"));

        OviException e = assertThrows(OviException.class, () -> apply(config, null, 50, true));

        assertEquals(ExitCode.ERROR, e.exitCode());
        assertEquals("nothing could be observed, so nothing was done; first error: access denied", e.getMessage());
        assertFalse(events.contains("show plan") || events.contains("confirm"), events::toString);
    }

    @Test
    void anUnobservedScopeMakesAnOtherwiseCompleteApplyPartial() throws Exception {
        OviConfig config = config(1);
        Scope rdsEu = Engine.scopes(config.declaration()).stream().filter(s -> s.toString().equals("rds/eu-west-1")).findFirst()
                .orElseThrow();
        observer.failures.put(rdsEu, "throttled");

        ApplyUseCase.Report r = apply(config, null, 50, true);

        assertEquals(ExitCode.PARTIAL, r.exitCode());
        assertEquals(Map.of(rdsEu, "throttled"), r.unobserved());
        assertEquals(ExitCode.OK, r.applied().exitCode(), "every action itself was executed");
        assertTrue(events.contains("create web-0"), events::toString);
    }

    @Test
    void theGuardsTripBeforeTheConfirmationIsAsked() throws Exception {
        OviException e = assertThrows(OviException.class, () -> apply(config(2), null, 1, true));

        assertTrue(e.getMessage().startsWith("refusing to apply: 2 changes exceed --max-changes 1"), e.getMessage());
        assertFalse(events.contains("confirm"), events::toString);
        assertEquals(List.of("skipped", "skipped"), wal.types().subList(wal.types().size() - 2, wal.types().size()));
    }

    @Test
    void aDeclinedConfirmationCancelsBeforeAnythingIsClaimed() throws Exception {
        OviException e = assertThrows(OviException.class, () -> apply(config(1), null, 50, false));

        assertEquals("apply cancelled; nothing was done", e.getMessage());
        assertEquals(ExitCode.ERROR, e.exitCode());
        assertFalse(wal.types().contains("claimed"), wal.types()::toString);
        assertTrue(claims.rows.isEmpty());
    }

    @Test
    void nobodyIsAskedWhenNothingWouldChange() throws Exception {
        ApplyUseCase.Report r = apply(config(0), null, 50, false);

        assertFalse(events.contains("confirm"), events::toString);
        assertEquals(ExitCode.OK, r.exitCode());
        assertTrue(r.applied().results().isEmpty());
    }

    @Test
    void aSavedPlanIsActedOnAsSavedWithoutObservingAgain() throws Exception {
        OviConfig config = config(1);
        List<Intent> intents = savedIntents(config);
        events.clear();

        ApplyUseCase.Report r = apply(config, new ApplyUseCase.SavedPlan(Path.of("plan.json"), "r-planned", 1,
                "team-web", ACCOUNT, intents), 50, true);

        assertEquals(List.of("account", "read in-doubt", "show saved plan", "confirm", "look up web-0", "create web-0"),
                events);
        assertEquals("r-planned", r.planRunId(), "the saved plan's run is the one acted on");
        assertEquals(ExitCode.OK, r.exitCode());
    }

    @Test
    void aSavedPlanOfAnotherAccountIsAnInvalidPlanFileAndNothingIsDone() throws Exception {
        OviConfig config = config(1);
        List<Intent> intents = savedIntents(config);
        events.clear();

        OviException e = assertThrows(OviException.class, () -> apply(config, new ApplyUseCase.SavedPlan(
                Path.of("plan.json"), "r-planned", 1, "team-web", "210987654321", intents), 50, true));

        assertEquals(ExitCode.DATA, e.exitCode());
        assertEquals("invalid plan file plan.json: it was made for account 210987654321, but these credentials act "
                + "in account 123456789012; nothing was done", e.getMessage());
        assertEquals(List.of("account", "read in-doubt"), events, "checked after recovery, before anything is shown");
    }

    @Test
    void anUnobservedScopeTurnsOnlyACompleteApplyIntoAPartialOne() throws Exception {
        Applier.Report failed = new Applier.Report("r", "me#1", List.of(new Applier.Result(null,
                new Outcome.Failed("boom", null))));
        Applier.Report done = new Applier.Report("r", "me#1", List.of());
        Map<Scope, String> none = Map.of();
        Map<Scope, String> one = Map.of(Engine.scopes(config(1).declaration()).iterator().next(), "throttled");

        assertEquals(ExitCode.OK, ApplyUseCase.exitCode(done, none));
        assertEquals(ExitCode.PARTIAL, ApplyUseCase.exitCode(done, one));
        assertEquals(ExitCode.PARTIAL, ApplyUseCase.exitCode(failed, none));
        assertEquals(ExitCode.PARTIAL, ApplyUseCase.exitCode(failed, one));
    }

    /** The intents a plan of {@code config} made now would save, as 'ovi plan --out' does. */
    private List<Intent> savedIntents(OviConfig config) {
        Plan plan = new Engine(observer, new Fakes.Store(events), new SimpleDriftComparator(),
                new SafeDecisionMaker(false, false), new ApplierTest.FakeWal(), m -> { }).plan(config.declaration(), "r-planned");
        return plan.decisions().list().stream().map(d -> Intent.of(d, plan.runId())).toList();
    }

    /** Fakes of the observing ports, shared with {@link PlanUseCaseTest}. */
    static final class Fakes {
        private Fakes() {
        }

        /** Sees nothing but what it is told; the scopes in {@code failures} fail. */
        static final class Observer implements ResourceObserver {
            final List<String> events;
            final Map<Scope, String> failures = new LinkedHashMap<>();
            String account;
            long calls = 42;

            Observer(List<String> events, String account) {
                this.events = events;
                this.account = account;
            }

            @Override
            public ObservationBatch observe(Set<Scope> scopes) {
                events.add("observe");
                Map<Scope, String> failed = new LinkedHashMap<>(failures);
                failed.keySet().retainAll(scopes);
                return new ObservationBatch(List.of(), failed, scopes);
            }

            @Override
            public String account() {
                events.add("account");
                return account;
            }

            @Override
            public long apiCalls() {
                return calls;
            }
        }

        /** Counts revisions and keeps nothing. */
        static final class Store implements ObservationStore {
            final List<String> events;
            long revision;

            Store(List<String> events) {
                this.events = events;
            }

            @Override
            public Revision record(String runId, Set<Scope> observedScopes, Collection<Observation> observations) {
                events.add("record");
                return new Revision(++revision, observations.size());
            }

            @Override
            public List<StoredVersion> history(String id) {
                return List.of();
            }

            @Override
            public void close() {
            }
        }
    }
}

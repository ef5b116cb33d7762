package ovi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import ovi.config.OviConfig;
import ovi.model.Scope;
import org.junit.jupiter.api.Test;

/** What a plan run records, saves and exits with, over fakes of every port. */
class PlanUseCaseTest {
    final List<String> events = new ArrayList<>();
    final List<String> progress = new ArrayList<>();
    final ApplierTest.FakeWal wal = new ApplierTest.FakeWal();
    final ApplyUseCaseTest.Fakes.Observer observer = new ApplyUseCaseTest.Fakes.Observer(events, ApplyUseCaseTest.ACCOUNT);

    PlanUseCase.Report plan(OviConfig config, boolean detailed, Path saveTo, Duration retention) {
        return new PlanUseCase(observer, new ApplyUseCaseTest.Fakes.Store(events), wal, (p, file) -> events.add(
                "save " + p.runId() + " to " + file), keep -> {
                    events.add("prune " + keep);
                    return "removed nothing";
                }, progress::add).plan(config.declaration(), "r-plan", Instant.now(), new PlanUseCase.Options(false, false, detailed,
                saveTo, retention));
    }

    void failOneScope(OviConfig config) {
        Scope first = Engine.scopes(config.declaration()).iterator().next();
        observer.failures.put(first, "throttled");
    }

    @Test
    void withoutDetailedExitCodeAPlanExitsZeroWhateverItShows() throws Exception {
        OviConfig config = ApplyUseCaseTest.config(1);
        failOneScope(config);

        PlanUseCase.Report r = plan(config, false, null, null);

        assertEquals(ExitCode.OK, r.exitCode());
        assertTrue(r.plan().decisions().hasChanges());
        assertEquals(1, r.unobserved().size());
    }

    @Test
    void detailedExitCodeSaysTwoForChangesAndZeroForNone() throws Exception {
        assertEquals(ExitCode.CHANGES, plan(ApplyUseCaseTest.config(1), true, null, null).exitCode());
        assertEquals(ExitCode.OK, plan(ApplyUseCaseTest.config(0), true, null, null).exitCode());
    }

    @Test
    void detailedExitCodeSaysOneForAnUnobservedScopeEvenWithChanges() throws Exception {
        OviConfig config = ApplyUseCaseTest.config(1);
        failOneScope(config);

        PlanUseCase.Report r = plan(config, true, null, null);

        assertEquals(ExitCode.ERROR, r.exitCode(), "'no changes' is never said about what was not seen");
        assertTrue(r.plan().decisions().hasChanges());
    }

    @Test
    void thePlanIsRecordedThenSavedThenTheWalPrunedWhenAsked() throws Exception {
        PlanUseCase.Report r = plan(ApplyUseCaseTest.config(1), false, Path.of("plan.json"), Duration.ofDays(30));

        assertEquals(List.of("account", "observe", "record", "save r-plan to plan.json", "prune PT720H"), events);
        assertEquals(42, r.awsCalls());
        // one observed entry per scope (every kind in every region the config names), then the decision
        List<String> expected = new java.util.ArrayList<>(java.util.Collections.nCopies(
                Engine.scopes(ApplyUseCaseTest.config(1).declaration()).size(), "observed"));
        expected.add("decided");
        assertEquals(expected, wal.types());
        assertEquals(List.of("made 42 AWS calls", "saved the plan to plan.json", "removed nothing"),
                progress.subList(progress.size() - 3, progress.size()));
    }

    @Test
    void nothingIsSavedNorPrunedUnlessAsked() throws Exception {
        plan(ApplyUseCaseTest.config(1), true, null, null);

        assertEquals(List.of("account", "observe", "record"), events);
    }

    @Test
    void anAccountTheConfigDoesNotAllowIsRefusedBeforeObserving() throws Exception {
        observer.account = "999999999999";

        OviException e = assertThrows(OviException.class, () -> plan(ApplyUseCaseTest.config(1), true, null, null));

        assertEquals(ExitCode.ERROR, e.exitCode());
        assertEquals(List.of("account"), events);
    }
}

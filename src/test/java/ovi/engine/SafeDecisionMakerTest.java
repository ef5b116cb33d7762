package ovi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import ovi.aws.ec2.Ec2Kind;
import ovi.model.Action;
import ovi.model.Change;
import ovi.model.DesiredResource;
import ovi.model.Diff;
import ovi.model.Observation;
import ovi.model.ResourceType;
import ovi.model.Scope;
import org.junit.jupiter.api.Test;

class SafeDecisionMakerTest {
    static final DesiredResource WEB = new DesiredResource("web-0", Ec2Kind.TYPE, "us-east-1", Map.of("size", "t3.micro"), Map.of());
    static final Observation I1 = new Observation(Ec2Kind.TYPE, "us-east-1", "i-1", Map.of("size", "t3.large"), Map.of());
    static final Observation FAR = new Observation(Ec2Kind.TYPE, "eu-west-1", "i-2", Map.of(), Map.of());

    static Diff.Unwanted unwanted(Observation o, boolean blessed) {
        return new Diff.Unwanted(o, "old-0", blessed, "managed by ovi but no longer declared");
    }

    static List<Action> actions(Decisions d) {
        return d.list().stream().map(ovi.model.Decision::action).toList();
    }

    @Test
    void eachKindGetsItsAction() {
        var diffs = List.<Diff>of(new Diff.Missing(WEB, "m"),
                new Diff.Drifted(WEB, I1, List.of(new Change("size", "t3.large", "t3.micro")), "d"),
                unwanted(I1, false), new Diff.Unmanaged(I1, "u"));
        assertEquals(List.of(Action.CREATE, Action.UPDATE, Action.DELETE, Action.NOTIFY),
                actions(new SafeDecisionMaker(false, false).decide(diffs, Set.of(), 5)));
    }

    @Test
    void unwantedBlessedResourceIsOnlyNotified() {
        var d = new SafeDecisionMaker(false, false).decide(List.of(unwanted(I1, true)), Set.of(), 5);
        assertEquals(List.of(Action.NOTIFY), actions(d));
        assertTrue(d.list().get(0).reason().contains("blessed"));
    }

    @Test
    void skipDestructiveNotifiesInsteadOfDeleting() {
        var d = new SafeDecisionMaker(true, false).decide(List.of(unwanted(I1, false)), Set.of(), 5);
        assertEquals(List.of(Action.NOTIFY), actions(d));
    }

    @Test
    void nothingIsDecidedInAnUnobservedScope() {
        var far = new DesiredResource("far-0", Ec2Kind.TYPE, "eu-west-1", Map.of(), Map.of());
        var d = new SafeDecisionMaker(false, false).decide(List.of(new Diff.Missing(far, "m"), new Diff.Missing(WEB, "m")),
                Set.of(Scope.of(Ec2Kind.TYPE, "eu-west-1")), 0);
        assertEquals(List.of("web-0"), d.list().stream().map(ovi.model.Decision::id).toList());
    }

    @Test
    void deletingEveryManagedResourceIsRefusedUnlessAllowed() {
        var diffs = List.<Diff>of(unwanted(I1, false), unwanted(FAR, false));
        var e = assertThrows(OviException.class, () -> new SafeDecisionMaker(false, false).decide(diffs, Set.of(), 2));
        assertEquals(ExitCode.ERROR, e.exitCode());
        assertEquals(2, new SafeDecisionMaker(false, true).decide(diffs, Set.of(), 2).summary().get(Action.DELETE));
        assertEquals(2, new SafeDecisionMaker(false, false).decide(diffs, Set.of(), 3).summary().get(Action.DELETE),
                "deleting some of them is not refused");
    }

    @Test
    void anActionTheKindCannotCarryOutIsPlannedAsANotifyThatSaysSo() {
        // given a kind that can be listed and created but has no updater or deleter
        ResourceType readOnly = ResourceType.regional("keep", "vault", List.of(), Set.of(Action.CREATE));
        Observation vault = new Observation(readOnly, "us-east-1", "v-1", Map.of(), Map.of());
        var missing = new Diff.Missing(new DesiredResource("v-0", readOnly, "us-east-1", Map.of(), Map.of()), "m");
        var drifted = new Diff.Drifted(new DesiredResource("v-1", readOnly, "us-east-1", Map.of(), Map.of("team", "a")),
                vault, List.of(new Change("tags.team", "b", "a")), "differs");
        // when
        Decisions d = new SafeDecisionMaker(false, true).decide(List.of(missing, drifted, unwanted(vault, false)),
                Set.of(), 1);
        // then
        assertEquals(List.of(Action.CREATE, Action.NOTIFY, Action.NOTIFY), actions(d));
        assertTrue(d.list().get(1).reason().contains("ovi cannot update vaults (keep)"), d.list().get(1).reason());
        assertTrue(d.list().get(2).reason().contains("ovi cannot delete vaults (keep)"), d.list().get(2).reason());
        assertTrue(d.list().get(2).reason().startsWith("managed by ovi but no longer declared"), d.list().get(2).reason());
    }

    @Test
    void anUnwantedResourceWhoseDeletionProtectionIsOnIsNotifiedWithWhatLetsItGo() {
        // given a kind whose resources AWS will not delete while their 'guard' field is true
        ResourceType guarded = ResourceType.regional("guarded", "database", List.of(
                ovi.model.Field.compared("guard", ovi.model.Field.bool()).orElse((owner, id) -> "true")),
                Set.of(Action.CREATE, Action.DELETE)).deletionProtectedBy("guard");
        Observation on = new Observation(guarded, "us-east-1", "db-1", Map.of("guard", "true"), Map.of());
        Observation off = new Observation(guarded, "us-east-1", "db-2", Map.of("guard", "false"), Map.of());
        Observation unknown = new Observation(guarded, "us-east-1", "db-3", Map.of(), Map.of());
        // when
        Decisions d = new SafeDecisionMaker(false, false).decide(List.of(unwanted(on, false), unwanted(off, false),
                unwanted(unknown, false)), Set.of(), 5);
        // then
        assertEquals(List.of(Action.NOTIFY, Action.DELETE, Action.DELETE), actions(d));
        assertEquals("managed by ovi but no longer declared; deletion protection is on for db-1: declare it with "
                + "guard: false and apply, then remove it from the config", d.list().get(0).reason());
        assertEquals("blessed: protected from deletion", new SafeDecisionMaker(false, false)
                .decide(List.of(unwanted(on, true)), Set.of(), 5).list().get(0).reason(), "blessed says so first");
    }

    @Test
    void onlyAComparedFieldCanGuardDeletion() {
        var e = assertThrows(IllegalArgumentException.class, () -> ResourceType.regional("guarded", "database",
                List.of(ovi.model.Field.createOnly("guard", ovi.model.Field.bool())), Set.of(Action.DELETE))
                .deletionProtectedBy("guard"));
        assertTrue(e.getMessage().contains("guard is none"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ResourceType.regional("guarded", "database", List.of(),
                Set.of(Action.DELETE)).deletionProtectedBy("missing"));
    }
}

package ovi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import ovi.model.Action;
import ovi.model.Change;
import ovi.model.Decision;
import ovi.model.DesiredResource;
import ovi.model.Diff;
import ovi.model.Field;
import ovi.model.Intent;
import ovi.model.Observation;
import ovi.model.Outcome;
import ovi.model.Reference;
import ovi.model.ResourceType;
import org.junit.jupiter.api.Test;

/** References between resources: compared as the cloud ids they stand for, ordered, and followed by apply. */
class DependencyOrderTest {
    static final String OWNER = "team-web";
    static final ResourceType GROUP = ResourceType.regional("tgroup", "group", List.of(
            Field.compared("ports", Field.setOf(Field.text())).optional()),
            Set.of(Action.CREATE, Action.UPDATE, Action.DELETE));
    static final ResourceType BOX = ResourceType.regional("tbox", "box", List.of(
            Field.compared("groups", Field.setOf(Field.reference(Pattern.compile("g-[0-9a-f]+"), "a group id")))
                    .refersTo("tgroup")),
            Set.of(Action.CREATE, Action.UPDATE, Action.DELETE));

    static DesiredResource box(String id, String... groups) {
        return new DesiredResource(id, BOX, "us-east-1", Map.of("groups", Field.setValue(List.of(groups))), Map.of());
    }

    static DesiredResource group(String id, String... ports) {
        return new DesiredResource(id, GROUP, "us-east-1", Map.of("ports", Field.setValue(List.of(ports))), Map.of());
    }

    static Observation seen(ResourceType type, String id, String cloudId, Map<String, String> attributes) {
        return new Observation(type, "us-east-1", cloudId, attributes,
                Map.of("ovi:managed", "true", "ovi:owner", OWNER, "ovi:id", id));
    }

    static Decisions decide(List<DesiredResource> desired, List<Observation> observed) {
        List<Diff> diffs = new SimpleDriftComparator().compare(OWNER, desired, observed, id -> false);
        return Ordering.order(new SafeDecisionMaker(false, true).decide(diffs, Set.of(), observed.size()));
    }

    @Test
    void aReferenceToAnExistingResourceComparesAsItsCloudId() {
        List<Diff> diffs = new SimpleDriftComparator().compare(OWNER,
                List.of(box("web-0", Reference.token("sg-0"), "g-9"), group("sg-0", "22")),
                List.of(seen(BOX, "web-0", "b-1", Map.of("groups", "g-1\ng-9")), seen(GROUP, "sg-0", "g-1",
                        Map.of("ports", "22"))), id -> false);
        assertEquals(List.of(), diffs, "web-0 uses sg-0's cloud id g-1 and g-9: as declared");
    }

    @Test
    void aSetFieldChangesElementByElementAndAReferenceNotCreatedYetIsKnownAfterCreate() {
        List<Diff> diffs = new SimpleDriftComparator().compare(OWNER,
                List.of(box("web-0", Reference.token("sg-0"), "g-9"), group("sg-0", "22")),
                List.of(seen(BOX, "web-0", "b-1", Map.of("groups", "g-7\ng-9"))), id -> false);
        Diff drifted = diffs.stream().filter(d -> d.kind().equals("drifted")).findFirst().orElseThrow();
        assertEquals(List.of(new Change("groups", "g-7", null), new Change("groups", null, "@{sg-0}")),
                drifted.changes(), "the group added by hand goes, the one not created yet comes");
        assertEquals("[sg-0 (known after create), g-9]", BOX.field("groups").orElseThrow().show("@{sg-0}\ng-9"));
    }

    @Test
    void aCreateComesAfterTheCreateOfWhatItNamesAndADeleteAfterWhatStillUsesIt() {
        // given: web-0 and its new group; old-0 is no longer declared and box-9, also going, uses it
        Decisions d = decide(List.of(box("web-0", Reference.token("sg-0")), group("sg-0", "443")),
                List.of(seen(GROUP, "old-0", "g-5", Map.of("ports", "22")),
                        seen(BOX, "box-9", "b-9", Map.of("groups", "g-5"))));

        List<String> order = d.list().stream().map(x -> x.action().key() + " " + x.id()).toList();
        assertTrue(order.indexOf("create sg-0") < order.indexOf("create web-0"), order.toString());
        assertTrue(order.indexOf("delete box-9") < order.indexOf("delete old-0"), order.toString());
        Map<String, Set<String>> after = new HashMap<>();
        d.list().forEach(x -> after.put(x.id(), x.after()));
        assertEquals(Set.of("sg-0"), after.get("web-0"));
        assertEquals(Set.of("box-9"), after.get("old-0"));
        assertEquals(Set.of(), after.get("sg-0"));
    }

    @Test
    void aCycleThroughWhatExistsIsBrokenRatherThanLeftToWaitForever() {
        Decisions d = decide(List.of(), List.of(seen(BOX, "a-0", "b-1", Map.of("groups", "b-2")),
                seen(BOX, "b-0", "b-2", Map.of("groups", "b-1"))));
        assertEquals(2, d.list().size());
        Decision first = d.list().get(0);
        assertEquals(Set.of(), first.after(), "the first waits for nothing");
        assertEquals(Set.of(first.id()), d.list().get(1).after());
    }

    // apply

    final ApplierTest.FakeWal wal = new ApplierTest.FakeWal();
    final ApplierTest.FakeClaims claims = new ApplierTest.FakeClaims();
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    final Map<String, Outcome> outcomes = new HashMap<>();

    Applier.Report apply(List<Intent> intents) {
        ActionExecutor executor = (intent, owner, fence) -> {
            fence.check();
            calls.add(intent.action().key() + " " + intent.id() + " " + intent.desired().attributes());
            return outcomes.getOrDefault(intent.id(), new Outcome.Executed("g-new", "req", "created"));
        };
        return new Applier(executor, target -> List.of(), claims, wal, new Applier.Options("me", Duration.ofMinutes(1),
                5, 50, false, 4, id -> false), m -> { }).apply("run-2", OWNER, intents);
    }

    static List<Intent> plan() {
        return decide(List.of(box("web-0", Reference.token("sg-0")), group("sg-0", "443")), List.of()).list()
                .stream().map(d -> Intent.of(d, "run-1")).toList();
    }

    @Test
    void applyCreatesTheGroupFirstAndHandsItsNewCloudIdToWhatNamesIt() {
        Applier.Report r = apply(plan());

        assertEquals(List.of("create sg-0 {ports=443}", "create web-0 {groups=g-new}"), calls);
        assertEquals(ExitCode.OK, r.exitCode());
    }

    @Test
    void whenTheGroupCannotBeCreatedWhatNamesItIsSkippedSayingWhy() {
        outcomes.put("sg-0", new Outcome.Failed("InvalidParameterValue: no", "req"));

        Applier.Report r = apply(plan());

        assertEquals(List.of("create sg-0 {ports=443}"), calls, "web-0 is never attempted");
        Outcome.Skipped web = (Outcome.Skipped) r.results().stream().filter(x -> x.intent().id().equals("web-0"))
                .findFirst().orElseThrow().outcome();
        assertEquals(Outcome.SkipReason.DEPENDENCY, web.reason());
        assertTrue(web.message().contains("create of sg-0, which failed: InvalidParameterValue"), web.message());
        assertEquals(ExitCode.PARTIAL, r.exitCode());
        assertEquals("dependency", wal.entries.get(wal.entries.size() - 1).data().get("reason"));
    }
}

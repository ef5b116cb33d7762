package ovi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import ovi.aws.ec2.Ec2Kind;
import ovi.model.Action;
import ovi.model.Change;
import ovi.model.Decision;
import ovi.model.DesiredResource;
import ovi.model.Diff;
import ovi.model.Intent;
import ovi.model.Observation;
import org.junit.jupiter.api.Test;

/** How a declaration with {@code adopt: <cloud id>} is matched to what exists, and what is decided. */
class AdoptDecisionTest {
    static final String OWNER = "team-web";

    static DesiredResource declared(String id, String adopt) {
        return new DesiredResource(id, Ec2Kind.TYPE, "us-east-1", Map.of("size", "t3.micro", "image", "ami-1"),
                Map.of(), new TreeSet<>(), adopt);
    }

    static Observation instance(String cloudId, String size, Map<String, String> tags) {
        return new Observation(Ec2Kind.TYPE, "us-east-1", cloudId, Map.of("size", size, "image", "ami-1"), tags);
    }

    static List<Decision> decide(boolean adopt, List<DesiredResource> desired, List<Observation> observed) {
        var diffs = new SimpleDriftComparator().compare(OWNER, desired, observed, x -> false, List.of()).diffs();
        return new SafeDecisionMaker(false, false, adopt).decide(diffs, Set.of(), 1).list();
    }

    @Test
    void anUntaggedResourceNamedByAdoptIsAdoptedWithOvisThreeTagsOnly() {
        var d = decide(true, List.of(declared("web-0", "i-1")), List.of(instance("i-1", "t3.micro", Map.of("Name", "web"))));
        assertEquals(1, d.size());
        assertEquals(Action.ADOPT, d.get(0).action());
        assertEquals(List.of(new Change("tags.ovi:managed", null, "true"), new Change("tags.ovi:owner", null, OWNER),
                new Change("tags.ovi:id", null, "web-0")), d.get(0).diff().changes());
        Intent i = Intent.of(d.get(0), "r-1");
        assertEquals("i-1", i.cloudId());
    }

    @Test
    void withoutTheOptionItIsOnlyNotified() {
        var d = decide(false, List.of(declared("web-0", "i-1")), List.of(instance("i-1", "t3.micro", Map.of())));
        assertEquals(Action.NOTIFY, d.get(0).action());
        assertTrue(d.get(0).reason().contains("--adopt"), d.get(0).reason());
    }

    @Test
    void driftBesidesIsSaidAndLeftToTheNextPlan() {
        var d = decide(true, List.of(declared("web-0", "i-1")), List.of(instance("i-1", "t3.large", Map.of())));
        assertEquals(Action.ADOPT, d.get(0).action());
        assertEquals(List.of("size"), ((Diff.Unadopted) d.get(0).diff()).drift().stream().map(Change::field).toList());
        assertEquals(3, d.get(0).diff().changes().size());
    }

    @Test
    void anotherOwnersResourceIsNeverAdoptedNorIsANewOneCreated() {
        var theirs = instance("i-1", "t3.micro", Map.of("ovi:managed", "true", "ovi:owner", "team-x", "ovi:id", "web-0"));
        var d = decide(true, List.of(declared("web-0", "i-1")), List.of(theirs));
        assertTrue(d.stream().noneMatch(x -> x.action().changes()), d.toString());
        assertTrue(d.stream().anyMatch(x -> x.reason().contains("never adopted")), d.toString());
    }

    @Test
    void aResourceWithAStrayOviTagIsNotAdopted() {
        var d = decide(true, List.of(declared("web-0", "i-1")), List.of(instance("i-1", "t3.micro",
                Map.of("ovi:owner", "team-x"))));
        assertTrue(d.stream().noneMatch(x -> x.action().changes()), d.toString());
    }

    @Test
    void aResourceMerelySharingTheNameTagIsNotClaimed() {
        // the declaration adopts i-1; i-2 has the same Name and is nobody's: it stays unmanaged
        var d = decide(true, List.of(declared("web-0", "i-1")), List.of(instance("i-1", "t3.micro", Map.of("Name", "web")),
                instance("i-2", "t3.micro", Map.of("Name", "web"))));
        assertEquals(Action.ADOPT, d.stream().filter(x -> "i-1".equals(x.cloudId())).findFirst().orElseThrow().action());
        assertEquals(Action.NOTIFY, d.stream().filter(x -> "i-2".equals(x.cloudId())).findFirst().orElseThrow().action());
    }

    @Test
    void anAdoptTargetThatIsGoneIsNotifiedNeverCreated() {
        var d = decide(true, List.of(declared("web-0", "i-1")), List.of());
        assertEquals(Action.NOTIFY, d.get(0).action());
        assertTrue(d.get(0).reason().contains("not found"), d.get(0).reason());
    }

    @Test
    void onceAdoptedItMatchesByItsIdAndTheAdoptKeyIsMoot() {
        var d = decide(true, List.of(declared("web-0", "i-1")), List.of(instance("i-1", "t3.micro",
                Map.of("ovi:managed", "true", "ovi:owner", OWNER, "ovi:id", "web-0"))));
        assertEquals(List.of(), d);
    }

    @Test
    void anAdoptIntentCarriesNothingButOvisTags() {
        DesiredResource r = declared("web-0", "i-1");
        assertThrows(IllegalArgumentException.class, () -> new Intent(Action.ADOPT, "unadopted", "web-0", Ec2Kind.TYPE,
                "us-east-1", "i-1", "h", r, List.of(new Change("size", "t3.micro", "t3.large")), "x", "r-1"));
        assertThrows(IllegalArgumentException.class, () -> new Intent(Action.ADOPT, "unadopted", "web-0", Ec2Kind.TYPE,
                "us-east-1", "i-1", "h", r, List.of(new Change("tags.team", null, "x")), "x", "r-1"));
    }
}

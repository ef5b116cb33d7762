package ovi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Set;
import ovi.aws.ec2.Ec2Kind;
import ovi.model.DesiredResource;
import ovi.model.Observation;
import ovi.model.Tags;
import org.junit.jupiter.api.Test;

class ObservedChangeTest {
    static final Map<String, String> TAGS = Map.of(Tags.MANAGED, "true", Tags.OWNER, "team", Tags.ID, "web");
    static final DesiredResource WEB = new DesiredResource("web", Ec2Kind.TYPE, "us-east-1",
            Map.of("size", "small"), Map.of());

    static Observation seen(String size, String state, Map<String, String> tags) {
        return new Observation(Ec2Kind.TYPE, "us-east-1", "i-1", Map.of("size", size, "state", state), tags);
    }

    @Test
    void newAndGoneResourcesAreCreatedAndDeleted() {
        Observation o = seen("small", "running", TAGS);
        assertEquals(ObservedChange.Kind.CREATED, ObservedChange.classify("k", null, o, WEB).kind());
        assertEquals(ObservedChange.Kind.DELETED, ObservedChange.classify("k", o, null, WEB).kind());
        assertThrows(IllegalArgumentException.class, () -> ObservedChange.classify("k", null, null, WEB));
    }

    @Test
    void aDeclaredFieldOrATagChangedIsAnUpdate() {
        Observation before = seen("small", "running", TAGS);
        assertEquals(ObservedChange.Kind.UPDATED,
                ObservedChange.classify("k", before, seen("large", "running", TAGS), WEB).kind());
        Map<String, String> more = new java.util.HashMap<>(TAGS);
        more.put("team", "b");
        assertEquals(ObservedChange.Kind.UPDATED,
                ObservedChange.classify("k", before, seen("small", "running", more), WEB).kind());
    }

    @Test
    void onlyWhatTheConfigDoesNotDeclareChangedIsAStatusUpdate() {
        Observation before = seen("small", "running", TAGS);
        assertEquals(ObservedChange.Kind.STATUS_UPDATED,
                ObservedChange.classify("k", before, seen("small", "stopped", TAGS), WEB).kind());
        assertEquals(ObservedChange.Kind.STATUS_UPDATED,
                ObservedChange.classify("k", before, seen("large", "running", TAGS), null).kind(),
                "nothing of an undeclared resource is declared");
    }

    @Test
    void aManagedResourceGoesByItsOviIdAnyOtherByItsCloudId() {
        assertEquals(Set.of("web"), ObservedChange.classify("k", null, seen("s", "r", TAGS), WEB).ids());
        assertEquals(Set.of("i-1"), ObservedChange.classify("k", null, seen("s", "r", Map.of()), null).ids());
        assertEquals(Set.of("web", "i-1"), ObservedChange.classify("k", seen("s", "r", TAGS), seen("s", "r", Map.of()),
                WEB).ids(), "its tags were taken off");
    }
}

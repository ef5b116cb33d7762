package ovi.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import ovi.aws.ec2.Ec2Kind;
import ovi.engine.ObservationStore.StoredVersion;
import ovi.engine.ObservationStore;
import ovi.engine.OviException;
import ovi.model.Observation;
import ovi.model.ResourceType;
import ovi.store.History.FieldChange;
import ovi.store.History.Step;
import org.junit.jupiter.api.Test;

class HistoryTest {
    private static final Instant T = Instant.parse("2026-11-20T10:00:01Z");

    private static Observation web0(String size, Map<String, String> tags) {
        return new Observation(Ec2Kind.TYPE, "us-east-1", "i-0abc", Map.of("size", size, "image", "ami-1"), tags);
    }

    private static StoredVersion v(String key, long revision, Observation o) {
        return new StoredVersion(key, revision, "r" + revision, T.plusSeconds(revision), o == null ? null
                : o.contentHash(), o);
    }

    @Test
    void eachRevisionSaysWhatChangedSinceTheOneBefore() {
        String key = "ec2:us-east-1:i-0abc";
        List<History.Resource> h = History.of(List.of(
                v(key, 1, web0("t3.micro", Map.of())),
                v(key, 14, web0("t3.small", Map.of("team", "web"))),
                v(key, 20, null),
                v(key, 25, web0("t3.small", Map.of()))));

        List<History.Revision> r = h.get(0).revisions();
        assertEquals(key, h.get(0).key());
        assertEquals(List.of(Step.FIRST_SEEN, Step.CHANGED, Step.GONE, Step.BACK),
                r.stream().map(History.Revision::step).toList());
        assertEquals(List.of(new FieldChange("image", null, "ami-1"), new FieldChange("size", null, "t3.micro")),
                r.get(0).changes(), "everything is new when first seen");
        assertEquals(List.of(new FieldChange("size", "t3.micro", "t3.small"), new FieldChange("tags.team", null, "web")),
                r.get(1).changes());
        assertEquals(List.of(), r.get(2).changes());
        assertEquals(List.of(new FieldChange("image", null, "ami-1"), new FieldChange("size", null, "t3.small")),
                r.get(3).changes(), "back after gone: everything is new again");
    }

    @Test
    void oneIdNamingTwoStoredResourcesGivesTwoHistoriesInKeyOrder() {
        List<History.Resource> h = History.of(List.of(v("ec2:us-east-1:i-2", 3, web0("t3.micro", Map.of())),
                v("ec2:us-east-1:i-1", 1, web0("t3.micro", Map.of())), v("ec2:us-east-1:i-1", 2, null)));
        assertEquals(List.of("ec2:us-east-1:i-1", "ec2:us-east-1:i-2"), h.stream().map(History.Resource::key).toList());
        assertEquals(2, h.get(0).revisions().size());
    }

    @Test
    void anIdTheStoreDoesNotKnowIsAFailureNamingTheStore() {
        ObservationStore empty = org.mockito.Mockito.mock(ObservationStore.class);
        org.mockito.Mockito.when(empty.history("web-9")).thenReturn(List.of());
        OviException e = assertThrows(OviException.class, () -> History.of(empty, "web-9", "/srv/ovi/.ovi"));
        assertEquals("no resource with ovi id or cloud id 'web-9' in the store at /srv/ovi/.ovi", e.getMessage());
    }
}

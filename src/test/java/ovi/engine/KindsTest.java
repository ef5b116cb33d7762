package ovi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import ovi.model.Action;
import ovi.model.Observation;
import ovi.model.Outcome;
import ovi.model.ResourceType;
import org.junit.jupiter.api.Test;

class KindsTest {
    static final ResourceType DELETABLE = ResourceType.regional("thing", "thing", List.of(), Set.of(Action.DELETE));

    /** A kind with a deleter part and nothing else, whatever its type says. */
    static ResourceKind kind(ResourceType type) {
        return new ResourceKind() {
            public ResourceType type() {
                return type;
            }

            public List<Observation> list(String region) {
                return List.of();
            }

            public List<Observation> find(ResourceLookup.Target target) {
                return List.of();
            }

            public Optional<Deleter> deleter() {
                return Optional.of((intent, owner, fence) -> new Outcome.Executed("x", null, "deleted"));
            }
        };
    }

    @Test
    void aKindIsFoundByItsType() {
        ResourceKind k = kind(DELETABLE);
        assertEquals(k, new Kinds(List.of(k)).of(DELETABLE));
    }

    @Test
    void aKindWhoseTypeClaimsAPartItLacksIsRefusedAtStartUp() {
        ResourceType claimsCreate = ResourceType.regional("thing", "thing", List.of(), Set.of(Action.CREATE, Action.DELETE));
        var e = assertThrows(IllegalStateException.class, () -> new Kinds(List.of(kind(claimsCreate))));
        assertTrue(e.getMessage().contains("says it can create, but has no part for it"), e.getMessage());
    }

    @Test
    void aKindWithAPartItsTypeDoesNotDeclareIsRefusedToo() {
        ResourceType readOnly = ResourceType.regional("thing", "thing", List.of(), Set.of());
        var e = assertThrows(IllegalStateException.class, () -> new Kinds(List.of(kind(readOnly))));
        assertTrue(e.getMessage().contains("says it cannot delete, but has part for it"), e.getMessage());
    }

    @Test
    void twoKindsOfOneTypeAreRefused() {
        var e = assertThrows(IllegalStateException.class, () -> new Kinds(List.of(kind(DELETABLE), kind(DELETABLE))));
        assertTrue(e.getMessage().contains("two resource kinds"), e.getMessage());
    }

    @Test
    void anUnregisteredTypeIsAClearError() {
        var e = assertThrows(IllegalStateException.class, () -> new Kinds(List.of()).of(DELETABLE));
        assertTrue(e.getMessage().contains("no resource kind 'thing'"), e.getMessage());
    }
}

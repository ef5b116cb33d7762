package ovi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import ovi.model.Action;
import ovi.model.DesiredResource;
import ovi.model.Field;
import ovi.model.ResourceType;
import org.junit.jupiter.api.Test;

class FieldDefaultsTest {
    static final ResourceType QUEUE = ResourceType.regional("queue", "queue", List.of(
            Field.identity("queue", Field.text()).orElse(Field::ownerDashId)), Set.of(Action.CREATE));

    @Test
    void eachResourceOfAnEntryGetsTheDefaultOfItsOwnId() {
        OviConfig config = new OviConfig(null, "aws", "us-east-1", "team", List.of(), Set.of(), List.of(
                new ResourceSpec("jobs", QUEUE, 2, "us-east-1", Map.of(), Map.of()),
                new ResourceSpec("named", QUEUE, 1, "us-east-1", Map.of("queue", "given"), Map.of())));
        assertEquals(List.of("team-jobs-0", "team-jobs-1", "given"),
                config.desired().stream().map(DesiredResource::cloudId).toList());
    }
}

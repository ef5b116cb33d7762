package ovi.aws.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import ovi.config.ConfigLoader;
import ovi.model.Action;
import ovi.model.DesiredResource;
import ovi.model.Intent;
import ovi.model.Observation;
import org.junit.jupiter.api.Test;

/** What a table's create, cut off between CreateTable and its settings' calls, still has to do. */
class DynamoDbUnfinishedTest {
    static DesiredResource table(String settings) throws Exception {
        return ConfigLoader.parse("""
                version: v1
                provider: aws
                region: us-east-1
                owner: team-shop
                resources:
                  - type: dynamodb
                    name: orders
                    keys: [id:S]
                """ + settings, Path.of("ovi.yaml")).desired().get(0);
    }

    static final String BOTH = """
                pointInTimeRecovery: true
                ttl: expires
            """;

    static Intent create(DesiredResource d) {
        return new Intent(Action.CREATE, "missing", "orders-0", DynamoDbKind.TYPE, "us-east-1", null, null, d,
                List.of(), "declared, not found", "plan-1");
    }

    /** The table as the observer reads ovi's own: point-in-time recovery always said, TTL only when on. */
    static Observation found(boolean pitr, String ttl) {
        Map<String, String> attrs = new HashMap<>(Map.of("keys", "id:S", "billing", "on-demand", "streams", "off",
                "pointInTimeRecovery", Boolean.toString(pitr)));
        if (ttl != null) {
            attrs.put("ttl", ttl);
        }
        return new Observation(DynamoDbKind.TYPE, "us-east-1", "team-shop-orders-0", attrs, Map.of("ovi:managed",
                "true", "ovi:owner", "team-shop", "ovi:id", "orders-0"));
    }

    final DynamoDbTables kind = new DynamoDbTables(null);

    @Test
    void aTableCutOffAfterCreateTableLacksItsSettings() throws Exception {
        assertEquals(List.of("pointInTimeRecovery is false, not true", "ttl is absent, not expires"),
                kind.unfinished(create(table(BOTH)), Map.of(), found(false, null)));
    }

    @Test
    void aTableCutOffBeforeItsTtlLacksOnlyThat() throws Exception {
        assertEquals(List.of("ttl is absent, not expires"), kind.unfinished(create(table(BOTH)), Map.of(),
                found(true, null)));
        assertEquals(List.of("ttl"), DynamoDbTables.toSet(table(BOTH), found(true, null)));
        assertEquals(List.of("ttl is other, not expires"), kind.unfinished(create(table(BOTH)), Map.of(),
                found(true, "other")));
    }

    @Test
    void aTableJustMadeNeedsOnlyTheSettingsItDoesNotHaveByDefault() throws Exception {
        assertEquals(List.of("pointInTimeRecovery", "ttl"), DynamoDbTables.toSet(table(BOTH), null));
        assertEquals(List.of(), DynamoDbTables.toSet(table("    pointInTimeRecovery: false\n"), null),
                "a new table has point-in-time recovery off: no call to turn it off");
        assertEquals(List.of(), DynamoDbTables.toSet(table(""), null));
    }

    @Test
    void aTableWithItsSettingsOrNoneDeclaredIsFinished() throws Exception {
        assertEquals(List.of(), kind.unfinished(create(table(BOTH)), Map.of(), found(true, "expires")));
        assertEquals(List.of(), kind.unfinished(create(table("")), Map.of(), found(false, null)));
    }
}

package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/** The DynamoDB kind against moto: keys, billing, point-in-time recovery and TTL, drift by hand, fix. */
class DynamoDbIT {
    static final String CONFIG = """
            version: v1
            provider: aws
            region: us-east-1
            owner: team-data
            resources:
              - type: dynamodb
                name: orders
                keys: [customer:S, placed:N]
                pointInTimeRecovery: true
                ttl: expires
                streams: new-image
                tags: {team: data}
              - type: dynamodb
                name: counters
                table: team-data-counters
                keys: [id:S]
                billing: {read: 5, write: 2}
            """;

    @TempDir
    Path dir;
    Path config;
    Path state;
    DynamoDbClient db;

    @BeforeEach
    void setUp() throws Exception {
        Moto.reset();
        config = dir.resolve("ovi.yaml");
        state = dir.resolve("state");
        Files.writeString(config, CONFIG);
        db = Moto.client(DynamoDbClient.builder());
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    Cli.Result run(String verb, String... extra) {
        return Cli.json(verb, config, state, extra);
    }

    TableDescription table(String name) {
        return db.describeTable(b -> b.tableName(name)).table();
    }

    Map<String, String> tags(String name) {
        Map<String, String> out = new HashMap<>();
        db.listTagsOfResource(b -> b.resourceArn(table(name).tableArn())).tags().forEach(t -> out.put(t.key(), t.value()));
        return out;
    }

    static List<String> changes(JsonNode plan) {
        List<String> out = new ArrayList<>();
        plan.get("diffs").forEach(d -> d.get("changes").forEach(c -> out.add(d.get("id").asText() + " "
                + c.get("field").asText() + ": " + c.get("current").asText() + " -> " + c.get("desired").asText())));
        return out;
    }

    @Test
    void tablesAreCreatedAsDeclaredAndTheirDriftIsFixed() {
        Cli.Result applied = run("apply");
        assertEquals(0, applied.code(), applied::toString);
        TableDescription orders = table("team-data-orders-0");
        assertEquals(BillingMode.PAY_PER_REQUEST, orders.billingModeSummary().billingMode(), "on-demand by default");
        assertEquals("orders-0", tags("team-data-orders-0").get("ovi:id"));
        assertEquals("ENABLED", db.describeContinuousBackups(b -> b.tableName("team-data-orders-0"))
                .continuousBackupsDescription().pointInTimeRecoveryDescription().pointInTimeRecoveryStatusAsString());
        assertEquals("expires", db.describeTimeToLive(b -> b.tableName("team-data-orders-0")).timeToLiveDescription()
                .attributeName());
        assertEquals(5L, table("team-data-counters").provisionedThroughput().readCapacityUnits());
        Cli.Result converged = run("plan", "--detailed-exitcode");
        assertEquals(0, converged.code(), "tables just created are as declared: " + converged);

        // by hand: point-in-time recovery off, capacity raised
        db.updateContinuousBackups(b -> b.tableName("team-data-orders-0")
                .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(false)));
        db.updateTable(b -> b.tableName("team-data-counters").provisionedThroughput(p -> p.readCapacityUnits(50L)
                .writeCapacityUnits(2L)));

        Cli.Result drifted = run("plan", "--detailed-exitcode");
        assertEquals(2, drifted.code(), drifted::toString);
        assertEquals(List.of("counters-0 billing: provisioned:50/2 -> provisioned:5/2",
                "orders-0 pointInTimeRecovery: false -> true"), changes(drifted.json()).stream().sorted().toList());

        Cli.Result fixed = run("apply");
        assertEquals(0, fixed.code(), fixed::toString);
        assertEquals(5L, table("team-data-counters").provisionedThroughput().readCapacityUnits());
        assertEquals(0, run("plan", "--detailed-exitcode").code(), "fixed");
    }

    @Test
    void changedKeysAreReportedAndTheTableIsNeverDropped() throws Exception {
        assertEquals(0, run("apply").code());
        Files.writeString(config, CONFIG.replace("keys: [id:S]", "keys: [id:N]"));

        Cli.Result plan = run("plan");
        JsonNode decision = null;
        for (JsonNode d : plan.json().get("decisions")) {
            if (d.get("id").asText().equals("counters-0")) {
                decision = d;
            }
        }
        assertEquals("notify", decision.get("action").asText(), "keys cannot change in place: " + plan);
        assertTrue(decision.get("reason").asText().contains("keys id:S -> id:N cannot change in place; ovi never "
                + "replaces a table"), plan::toString);
        Cli.Result r = run("apply");
        assertEquals(0, r.code(), "only reported: " + r);
        assertEquals("id", table("team-data-counters").keySchema().get(0).attributeName(), "the table is still there");
        assertEquals("S", table("team-data-counters").attributeDefinitions().get(0).attributeTypeAsString());
    }

    /**
     * A stream switched off by hand is drift; a stream declared on a table without one is switched on. (moto
     * refuses to switch a stream on again once it was on, where AWS gives the table a new stream, so the
     * put-back of a stream switched off is not run here.)
     */
    @Test
    void aStreamSwitchedOffByHandIsDriftAndADeclaredOneIsSwitchedOn() throws Exception {
        assertEquals(0, run("apply").code());
        assertEquals("NEW_IMAGE", table("team-data-orders-0").streamSpecification().streamViewTypeAsString());
        assertEquals(0, run("plan", "--detailed-exitcode").code(), "created with its stream");
        db.updateTable(b -> b.tableName("team-data-orders-0").streamSpecification(s -> s.streamEnabled(false)));

        Cli.Result drifted = run("plan", "--detailed-exitcode");
        assertEquals(2, drifted.code(), drifted::toString);
        JsonNode c = drifted.json().get("diffs").get(0).get("changes").get(0);
        assertEquals("streams off -> new-image", c.get("field").asText() + " " + c.get("current").asText() + " -> "
                + c.get("desired").asText(), drifted::toString);

        // a table made without a stream gets the one declared now
        Files.writeString(config, CONFIG.replace("streams: new-image", "streams: off")
                .replace("billing: {read: 5, write: 2}", "billing: {read: 5, write: 2}\n    streams: keys-only"));
        Cli.Result on = run("apply");
        assertEquals(0, on.code(), on::toString);
        assertEquals("KEYS_ONLY", table("team-data-counters").streamSpecification().streamViewTypeAsString());
        assertEquals(0, run("plan", "--detailed-exitcode").code(), "both as declared now");
    }

    @Test
    void badKeysAndBillingAreConfigErrorsAtTheirLine() throws Exception {
        Files.writeString(config, CONFIG.replace("keys: [id:S]", "keys: [id:X]").replace("{read: 5, write: 2}", "lots"));
        Cli.Result r = run("plan");
        assertEquals(65, r.code(), r::toString);
        assertTrue(r.err().contains("resources[1].keys: a key is its attribute name and type S, N or B, such as id:S, "
                + "not 'id:X'"), r::toString);
        assertTrue(r.err().contains("resources[1].billing: billing is on-demand, or the provisioned capacity"), r::toString);
    }
}

package ovi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ovi.aws.ec2.Ec2Kind;
import ovi.engine.Decisions;
import ovi.engine.ObservationBatch;
import ovi.engine.Plan;
import ovi.model.Change;
import ovi.model.Decision;
import ovi.model.DesiredResource;
import ovi.model.Diff;
import ovi.model.Observation;
import ovi.model.Scope;
import org.junit.jupiter.api.Test;

class PlanTextTest {
    static final Scope EAST = Scope.of(Ec2Kind.TYPE, "us-east-1");

    static Decision drifted() {
        DesiredResource web = new DesiredResource("web-0", Ec2Kind.TYPE, "us-east-1", Map.of("size", "t3.micro"),
                Map.of());
        Observation seen = new Observation(Ec2Kind.TYPE, "us-east-1", "i-web", Map.of("size", "t3.large", "image",
                "ami-1"), Map.of("ovi:managed", "true", "ovi:owner", "team", "ovi:id", "web-0"));
        return Decision.update(new Diff.Drifted(web, seen, List.of(new Change("size", "t3.large", "t3.micro")),
                "size differs"));
    }

    static String text(Decisions decisions) {
        Plan plan = new Plan("r1", 1, "team", "123456789012", new ObservationBatch(List.of(), Map.of(), Set.of(EAST)),
                List.of(), decisions);
        StringWriter out = new StringWriter();
        PlanText.print(plan, new PrintWriter(out, true), false);
        return out.toString();
    }

    @Test
    void aTickThatHoldsBackAChangeDoesNotSayAwsMatchesTheConfig() {
        String held = text(new Decisions(List.of(), List.of(drifted())));
        assertTrue(held.contains("No changes this tick: 1 held back (backing off or not due yet: update web-0)"), held);
        assertTrue(!held.contains("AWS matches the config"), held);
        String none = text(new Decisions(List.of()));
        assertTrue(none.contains("No changes: AWS matches the config (0 to notify)."), none);
    }

    @Test
    void theJsonSummaryCountsWhatWasHeldBack() throws Exception {
        Plan plan = new Plan("r1", 1, "team", "123456789012", new ObservationBatch(List.of(), Map.of(), Set.of(EAST)),
                List.of(), new Decisions(List.of(), List.of(drifted())));
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(PlanJson.toJson(plan));
        assertEquals(1, json.get("summary").get("heldBack").asInt(), json.toString());
    }
}

package ovi.aws.sns;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import ovi.config.ConfigLoader;
import ovi.model.Action;
import ovi.model.DesiredResource;
import ovi.model.Field;
import ovi.model.Intent;
import ovi.model.Observation;
import org.junit.jupiter.api.Test;

/** What a topic's create, cut off between CreateTopic and its Subscribe calls, still has to do. */
class SnsUnfinishedTest {
    static final String QUEUE = "arn:aws:sqs:us-east-1:123456789012:pager-copy";

    static DesiredResource topic(String subscriptions) throws Exception {
        return ConfigLoader.parse("""
                version: v1
                provider: aws
                region: us-east-1
                owner: team-ops
                resources:
                  - type: sns
                    name: alerts
                """ + subscriptions, Path.of("ovi.yaml")).desired().get(0);
    }

    static final String TWO = """
                subscriptions:
                  - {protocol: email, endpoint: oncall@example.com}
                  - {protocol: sqs, endpoint: "%s"}
            """.formatted(QUEUE);

    static Intent create(DesiredResource d) {
        return new Intent(Action.CREATE, "missing", "alerts-0", SnsKind.TYPE, "us-east-1", null, null, d, List.of(),
                "declared, not found", "plan-1");
    }

    /** The topic as the observer reads it: subscriptions as {@code <protocol> <endpoint>} from SNS. */
    static Observation found(String... subscriptions) {
        return new Observation(SnsKind.TYPE, "us-east-1", "team-ops-alerts-0", Map.of("subscriptions",
                Field.setValue(List.of(subscriptions)), "encryption", "none"), Map.of("ovi:managed", "true",
                "ovi:owner", "team-ops", "ovi:id", "alerts-0"));
    }

    final SnsTopics kind = new SnsTopics(null);

    @Test
    void aTopicCutOffAfterCreateTopicLacksEverySubscription() throws Exception {
        assertEquals(List.of("subscriptions lacks email oncall@example.com", "subscriptions lacks sqs " + QUEUE),
                kind.unfinished(create(topic(TWO)), Map.of(), found()));
    }

    @Test
    void aTopicCutOffBetweenTwoSubscribesLacksOnlyTheSecond() throws Exception {
        Observation half = found("email oncall@example.com");
        assertEquals(List.of("subscriptions lacks sqs " + QUEUE), kind.unfinished(create(topic(TWO)), Map.of(), half));
        assertEquals(List.of("sqs " + QUEUE), SnsTopics.toSubscribe(topic(TWO),
                Field.elements(half.attribute("subscriptions"))));
    }

    @Test
    void aTopicWithItsSubscriptionsOrNoneDeclaredIsFinished() throws Exception {
        assertEquals(List.of(), kind.unfinished(create(topic(TWO)), Map.of(), found("sqs " + QUEUE,
                "email oncall@example.com")));
        assertEquals(List.of(), kind.unfinished(create(topic("")), Map.of(), found()));
    }
}

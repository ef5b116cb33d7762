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
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.Tag;
import software.amazon.awssdk.services.sns.model.Topic;

/** The SNS kind against moto: create, drift made by hand, fix, clean plan, delete, never another team's. */
class SnsIT {
    static final String CONFIG = """
            version: v1
            provider: aws
            region: us-east-1
            owner: team-ops
            resources:
              - type: sns
                name: alerts
                displayName: Ops alerts
                tags: {team: ops}
              - type: sns
                name: audit
                topic: team-ops-audit-trail
            """;

    @TempDir
    Path dir;
    Path config;
    Path state;
    SnsClient sns;

    @BeforeEach
    void setUp() throws Exception {
        Moto.reset();
        config = dir.resolve("ovi.yaml");
        state = dir.resolve("state");
        Files.writeString(config, CONFIG);
        sns = Moto.client(SnsClient.builder());
    }

    @AfterEach
    void tearDown() {
        sns.close();
    }

    Cli.Result run(String verb, String... extra) {
        return Cli.json(verb, config, state, extra);
    }

    String arn(String name) {
        return sns.listTopics().topics().stream().map(Topic::topicArn).filter(a -> a.endsWith(":" + name)).findFirst()
                .orElseThrow(() -> new AssertionError("no topic " + name));
    }

    Map<String, String> tags(String name) {
        Map<String, String> out = new HashMap<>();
        sns.listTagsForResource(b -> b.resourceArn(arn(name))).tags().forEach(t -> out.put(t.key(), t.value()));
        return out;
    }

    /** The plan's decisions, but for the notify of the default VPC's default security group, which every plan has. */
    static List<String> actions(JsonNode plan) {
        String defaultGroup = "notify " + Moto.defaultSecurityGroup(Moto.REGION);
        List<String> out = new ArrayList<>();
        plan.get("decisions").forEach(d -> out.add(d.get("action").asText() + " " + d.get("id").asText()));
        out.remove(defaultGroup);
        return out.stream().sorted().toList();
    }

    @Test
    void topicsAreCreatedTaggedAndTheirDriftIsFixed() {
        Cli.Result first = run("plan");
        assertEquals(List.of("create alerts-0", "create audit-0"), actions(first.json()), first::toString);
        Cli.Result applied = run("apply");
        assertEquals(0, applied.code(), applied::toString);
        assertEquals("Ops alerts", sns.getTopicAttributes(b -> b.topicArn(arn("team-ops-alerts-0"))).attributes()
                .get("DisplayName"));
        assertEquals("alerts-0", tags("team-ops-alerts-0").get("ovi:id"));
        assertEquals("team-ops", tags("team-ops-audit-trail").get("ovi:owner"));
        assertEquals(0, run("plan", "--detailed-exitcode").code(), "converged");

        sns.setTopicAttributes(b -> b.topicArn(arn("team-ops-alerts-0")).attributeName("DisplayName")
                .attributeValue("renamed by hand"));
        sns.tagResource(b -> b.resourceArn(arn("team-ops-alerts-0")).tags(Tag.builder().key("team").value("x").build()));
        Cli.Result drifted = run("plan", "--detailed-exitcode");
        assertEquals(2, drifted.code(), drifted::toString);
        List<String> changes = new ArrayList<>();
        drifted.json().get("diffs").get(0).get("changes").forEach(c -> changes.add(c.get("field").asText() + ": "
                + c.get("current").asText() + " -> " + c.get("desired").asText()));
        assertEquals(List.of("displayName: renamed by hand -> Ops alerts", "tags.team: x -> ops"), changes);

        assertEquals(0, run("apply").code());
        assertEquals("Ops alerts", sns.getTopicAttributes(b -> b.topicArn(arn("team-ops-alerts-0"))).attributes()
                .get("DisplayName"));
        assertEquals("ops", tags("team-ops-alerts-0").get("team"));
        assertEquals(0, run("plan", "--detailed-exitcode").code(), "fixed");
    }

    @Test
    void aTopicNoLongerDeclaredIsDeletedAndAnotherTeamsIsOnlyReported() throws Exception {
        assertEquals(0, run("apply").code());
        sns.createTopic(b -> b.name("payments-events").tags(Tag.builder().key("team").value("payments").build()));
        Files.writeString(config, CONFIG.substring(0, CONFIG.indexOf("  - type: sns\n    name: audit")));

        Cli.Result plan = run("plan");
        assertTrue(actions(plan.json()).containsAll(List.of("delete audit-0", "notify payments-events")), plan::toString);
        assertEquals(0, run("apply").code());
        assertEquals(List.of("payments-events", "team-ops-alerts-0"), sns.listTopics().topics().stream()
                .map(t -> t.topicArn().substring(t.topicArn().lastIndexOf(':') + 1)).sorted().toList());
    }

    static final String SUBSCRIBED = """
            version: v1
            provider: aws
            region: us-east-1
            owner: team-alerts
            resources:
              - type: sns
                name: pager
                encryption: kms
                subscriptions:
                  - {protocol: email, endpoint: oncall@example.com}
                  - {protocol: sqs, endpoint: "arn:aws:sqs:us-east-1:123456789012:pager-copy"}
            """;

    java.util.Set<String> subscriptions(String topicArn) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        sns.listSubscriptionsByTopic(b -> b.topicArn(topicArn)).subscriptions()
                .forEach(x -> out.add(x.protocol() + " " + x.endpoint()));
        return out;
    }

    /** Subscriptions compared as a set: one added by hand is removed, one removed by hand comes back. */
    @Test
    void subscriptionsAndEncryptionAreKeptAsDeclared() throws Exception {
        Files.writeString(config, SUBSCRIBED);
        Cli.Result applied = run("apply");
        assertEquals(0, applied.code(), applied::toString);
        String arn = sns.listTopics().topics().stream().map(t -> t.topicArn())
                .filter(a -> a.endsWith(":team-alerts-pager-0")).findFirst().orElseThrow();
        assertEquals("alias/aws/sns", sns.getTopicAttributes(b -> b.topicArn(arn)).attributes().get("KmsMasterKeyId"));
        assertEquals(java.util.Set.of("email oncall@example.com", "sqs arn:aws:sqs:us-east-1:123456789012:pager-copy"),
                subscriptions(arn));
        assertEquals(0, run("plan", "--detailed-exitcode").code(), "as declared once made");

        // when someone adds a subscription, removes one and turns encryption off by hand
        sns.subscribe(b -> b.topicArn(arn).protocol("email").endpoint("intruder@example.com"));
        String copy = sns.listSubscriptionsByTopic(b -> b.topicArn(arn)).subscriptions().stream()
                .filter(x -> x.protocol().equals("sqs")).findFirst().orElseThrow().subscriptionArn();
        sns.unsubscribe(b -> b.subscriptionArn(copy));
        sns.setTopicAttributes(b -> b.topicArn(arn).attributeName("KmsMasterKeyId").attributeValue(""));

        Cli.Result drifted = run("plan", "--detailed-exitcode");
        assertEquals(2, drifted.code(), drifted::toString);
        List<String> changes = new ArrayList<>();
        drifted.json().get("diffs").get(0).get("changes").forEach(c -> changes.add(c.get("field").asText() + ": "
                + c.get("current").asText() + " -> " + c.get("desired").asText()));
        assertEquals(List.of("encryption: none -> kms:alias/aws/sns", "subscriptions: email intruder@example.com -> null",
                "subscriptions: null -> sqs arn:aws:sqs:us-east-1:123456789012:pager-copy"), changes, drifted::toString);

        Cli.Result fixed = run("apply");
        assertEquals(0, fixed.code(), fixed::toString);
        assertEquals(java.util.Set.of("email oncall@example.com", "sqs arn:aws:sqs:us-east-1:123456789012:pager-copy"),
                subscriptions(arn));
        assertEquals(0, run("plan", "--detailed-exitcode").code(), "put back");
    }

    @Test
    void aSubscriptionWithoutItsEndpointIsAConfigErrorAtItsLine() throws Exception {
        Files.writeString(config, SUBSCRIBED.replace("{protocol: email, endpoint: oncall@example.com}",
                "{protocol: pigeon, endpoint: roof}"));
        Cli.Result r = run("plan");
        assertEquals(65, r.code(), r::toString);
        assertTrue(r.err().contains("ovi.yaml:10:7: resources[0].subscriptions: item 1: protocol is one of http, https"),
                r::toString);
    }
}

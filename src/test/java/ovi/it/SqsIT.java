package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The SQS kind, the first added after kinds got a home of their own (one package, one registration line,
 * its SDK module), end to end against moto: create, drift made by hand, fix, clean plan, delete.
 */
class SqsIT {
    static final String CONFIG = """
            version: v1
            provider: aws
            region: us-east-1
            owner: team-jobs
            resources:
              - type: sqs
                name: work
                count: 2
                visibilityTimeout: 1m30s
                retention: 4d
                tags: {team: jobs}
              - type: sqs
                name: events
                queue: team-jobs-events
                delay: 10s
            """;

    @TempDir
    Path dir;
    Path config;
    Path state;
    SqsClient sqs;

    @BeforeEach
    void setUp() throws Exception {
        Moto.reset();
        config = dir.resolve("ovi.yaml");
        state = dir.resolve("state");
        Files.writeString(config, CONFIG);
        sqs = Moto.client(SqsClient.builder());
    }

    @AfterEach
    void tearDown() {
        sqs.close();
    }

    Cli.Result plan(String... extra) {
        List<String> args = new ArrayList<>(List.of("plan", "-c", config.toString(), "--state-dir", state.toString(),
                "-q", "-o", "json"));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    Cli.Result apply() {
        return Cli.run("apply", "-c", config.toString(), "--state-dir", state.toString(), "--auto-approve", "-q",
                "-o", "json");
    }

    Map<QueueAttributeName, String> attributes(String name) {
        String url = sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
        return sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.ALL)).attributes();
    }

    Map<String, String> tags(String name) {
        String url = sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
        return sqs.listQueueTags(b -> b.queueUrl(url)).tags();
    }

    /** The plan's decisions, but for the notify of the default VPC's default security group, which every plan has. */
    static List<String> actions(JsonNode plan) {
        String defaultGroup = "notify " + Moto.defaultSecurityGroup(Moto.REGION);
        List<String> out = new ArrayList<>();
        plan.get("decisions").forEach(d -> out.add(d.get("action").asText() + " " + d.get("id").asText()));
        out.remove(defaultGroup);
        return out;
    }

    @Test
    void queuesAreCreatedWithTheirSettingsAndTagsAndDriftIsFixed() throws Exception {
        // given nothing: three queues to create, named <owner>-<id> unless the config names them
        Cli.Result first = plan();
        assertEquals(0, first.code(), first::toString);
        assertEquals(List.of("create events-0", "create work-0", "create work-1"), actions(first.json()).stream().sorted()
                .toList(), first::toString);

        Cli.Result applied = apply();
        assertEquals(0, applied.code(), applied::toString);
        assertEquals("90", attributes("team-jobs-work-0").get(QueueAttributeName.VISIBILITY_TIMEOUT));
        assertEquals("345600", attributes("team-jobs-work-1").get(QueueAttributeName.MESSAGE_RETENTION_PERIOD));
        assertEquals("10", attributes("team-jobs-events").get(QueueAttributeName.DELAY_SECONDS));
        Map<String, String> tags = tags("team-jobs-work-1");
        assertEquals("true", tags.get("ovi:managed"));
        assertEquals("team-jobs", tags.get("ovi:owner"));
        assertEquals("work-1", tags.get("ovi:id"));
        assertEquals("jobs", tags.get("team"));

        Cli.Result converged = plan("--detailed-exitcode");
        assertEquals(0, converged.code(), "a queue just created is as declared: " + converged);

        // when someone changes a setting and a tag by hand
        String url = sqs.getQueueUrl(b -> b.queueName("team-jobs-work-0")).queueUrl();
        sqs.setQueueAttributes(b -> b.queueUrl(url).attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "5")));
        sqs.tagQueue(b -> b.queueUrl(url).tags(Map.of("team", "someone-else")));

        // then the plan says exactly what drifted, field by field
        Cli.Result drifted = plan("--detailed-exitcode");
        assertEquals(2, drifted.code(), drifted::toString);
        assertEquals(List.of("update work-0"), actions(drifted.json()), drifted::toString);
        JsonNode d = drifted.json().get("diffs").get(0);
        assertEquals("drifted", d.get("kind").asText(), drifted::toString);
        assertFalse(drifted.json().get("decisions").get(0).get("disruptive").asBoolean(), "a queue setting changes in place");
        List<String> changes = new ArrayList<>();
        d.get("changes").forEach(c -> changes.add(c.get("field").asText() + ": " + c.get("current").asText() + " -> "
                + c.get("desired").asText()));
        assertEquals(List.of("visibilityTimeout: 5 -> 90", "tags.team: someone-else -> jobs"), changes,
                "JSON gives the canonical values, whole seconds");
        Cli.Result text = Cli.run("plan", "-c", config.toString(), "--state-dir", state.toString(), "-q");
        assertTrue(text.out().contains("visibilityTimeout: 5s -> 1m30s"), "text shows durations as written: " + text);

        // and apply puts it back, after which the plan is clean
        Cli.Result fixed = apply();
        assertEquals(0, fixed.code(), fixed::toString);
        assertEquals("90", attributes("team-jobs-work-0").get(QueueAttributeName.VISIBILITY_TIMEOUT));
        assertEquals("jobs", tags("team-jobs-work-0").get("team"));
        assertEquals(0, plan("--detailed-exitcode").code());
    }

    @Test
    void aQueueNoLongerDeclaredIsDeletedAndAnotherTeamsIsNeverTouched() throws Exception {
        assertEquals(0, apply().code());
        sqs.createQueue(b -> b.queueName("not-ours").tags(Map.of("team", "payments")));
        Files.writeString(config, CONFIG.replace("count: 2", "count: 1"));

        Cli.Result plan = plan();
        assertEquals(0, plan.code(), plan::toString);
        List<String> actions = actions(plan.json());
        assertTrue(actions.contains("delete work-1"), actions::toString);
        assertTrue(actions.contains("notify not-ours"), actions::toString);

        Cli.Result applied = apply();
        assertEquals(0, applied.code(), applied::toString);
        List<String> left = sqs.listQueues().queueUrls().stream().map(u -> u.substring(u.lastIndexOf('/') + 1)).sorted()
                .toList();
        assertEquals(List.of("not-ours", "team-jobs-events", "team-jobs-work-0"), left);
    }

    @Test
    void badSettingsAreConfigErrorsAtTheirLine() throws Exception {
        Files.writeString(config, CONFIG.replace("retention: 4d", "retention: 15d").replace("delay: 10s", "delay: soon"));
        Cli.Result r = plan();
        assertEquals(65, r.code(), r::toString);
        assertTrue(r.err().contains("ovi.yaml:10:16: resources[0].retention: '15d' is out of range: whole seconds from "
                + "1m to 2w"), r::toString);
        assertTrue(r.err().contains("ovi.yaml:15:12: resources[1].delay: 'soon' is not a duration such as 500ms"),
                r::toString);
        assertFalse(Files.exists(state.resolve("wal")), "an invalid config writes nothing");
    }

    /**
     * A JSON service answering with an HTML page, or with nothing at all and status 200 (which the SDK reads
     * as "no queues"), is as unobserved as a query one: nothing is created there.
     */
    @Test
    void aListQueuesReplyThatIsNotItsDocumentLeavesTheRegionUnobservedAndCreatesNothing() throws Exception {
        var faults = List.of(Map.entry("an empty body", FaultProxy.body(200, "application/x-amz-json-1.0", "")),
                Map.entry("an HTML page", FaultProxy.html()));
        for (var fault : faults) {
            try (FaultProxy proxy = FaultProxy.start()) {
                proxy.on("sqs:ListQueues", -1, fault.getValue());
                Cli.Result r = Cli.run("apply", "-c", config.toString(), "--state-dir", state.toString(), "--endpoint-url",
                        proxy.endpoint().toString(), "--auto-approve", "-q", "-o", "json");
                assertEquals(3, r.code(), "a region not observed makes the apply incomplete: " + r);
                List<String> unobserved = new ArrayList<>();
                r.json().get("unobserved").forEach(u -> unobserved.add(u.get("type").asText() + "/"
                        + u.get("region").asText() + ": " + u.get("error").asText()));
                assertEquals(1, unobserved.size(), unobserved::toString);
                assertTrue(unobserved.get(0).startsWith("sqs/us-east-1: ") && unobserved.get(0).contains(fault.getKey()),
                        unobserved::toString);
            }
            assertEquals(List.of(), sqs.listQueues().queueUrls(), "no queue created in a region that only looked empty");
        }
    }

    static final String DEAD_LETTER = """
            version: v1
            provider: aws
            region: us-east-1
            owner: team-jobs
            resources:
              - type: sqs
                name: work
                maxMessageSize: 64Ki
                encryption: {kms: alias/jobs}
                deadLetter: {queue: parked, maxReceives: 5}
              - type: sqs
                name: parked
                fifo: false
              - type: sqs
                name: ordered
                fifo: true
            """;

    /**
     * A queue whose dead-letter target is another declared queue: the target is created first (the WAL
     * says so), the redrive policy names its ARN, and a policy, size or encryption changed by hand is put back.
     */
    @Test
    void aDeadLetterQueueDeclaredBesideItIsCreatedFirstAndItsSettingsAreKept() throws Exception {
        Files.writeString(config, DEAD_LETTER);
        Cli.Result first = plan();
        assertEquals(0, first.code(), first::toString);
        List<String> order = actions(first.json());
        assertTrue(order.indexOf("create parked-0") < order.indexOf("create work-0"), order::toString);
        JsonNode work = null;
        for (JsonNode d : first.json().get("decisions")) {
            if (d.get("id").asText().equals("work-0")) {
                work = d;
            }
        }
        assertEquals("[\"parked-0\"]", work.get("after").toString(), first::toString);

        Cli.Result applied = apply();
        assertEquals(0, applied.code(), applied::toString);
        Map<QueueAttributeName, String> a = attributes("team-jobs-work-0");
        assertEquals("65536", a.get(QueueAttributeName.MAXIMUM_MESSAGE_SIZE));
        assertEquals("alias/jobs", a.get(QueueAttributeName.KMS_MASTER_KEY_ID));
        assertTrue(a.get(QueueAttributeName.REDRIVE_POLICY).contains(":team-jobs-parked-0"), a::toString);
        assertTrue(a.get(QueueAttributeName.REDRIVE_POLICY).contains("5"), a::toString);
        assertEquals("true", attributes("team-jobs-ordered-0.fifo").get(QueueAttributeName.FIFO_QUEUE),
                "a FIFO queue's default name ends in .fifo");
        assertEquals("true", attributes("team-jobs-parked-0").get(QueueAttributeName.SQS_MANAGED_SSE_ENABLED),
                "encryption with SQS's own keys unless the config says otherwise");
        Cli.Result wal = Cli.run("wal", "show", "--state-dir", state.toString(), "--type", "executed", "-o", "json");
        assertEquals(0, wal.code(), wal::toString);
        List<String> executed = new ArrayList<>();
        wal.json().get("entries").forEach(e -> executed.add(e.get("resource").asText()));
        assertTrue(executed.indexOf("parked-0") >= 0 && executed.indexOf("parked-0") < executed.indexOf("work-0"),
                "the WAL shows the dead-letter queue made first: " + executed);
        assertEquals(0, plan("--detailed-exitcode").code(), "as declared once made");

        // when someone changes the policy, the size and the encryption by hand
        String url = sqs.getQueueUrl(b -> b.queueName("team-jobs-work-0")).queueUrl();
        String parkedArn = attributes("team-jobs-parked-0").get(QueueAttributeName.QUEUE_ARN);
        sqs.setQueueAttributes(b -> b.queueUrl(url).attributes(Map.of(
                QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + parkedArn + "\",\"maxReceiveCount\":50}",
                QueueAttributeName.MAXIMUM_MESSAGE_SIZE, "2048",
                QueueAttributeName.KMS_MASTER_KEY_ID, "alias/other")));
        Cli.Result drifted = plan("--detailed-exitcode");
        assertEquals(2, drifted.code(), drifted::toString);
        List<String> changes = new ArrayList<>();
        drifted.json().get("diffs").get(0).get("changes").forEach(c -> changes.add(c.get("field").asText() + ": "
                + c.get("current").asText() + " -> " + c.get("desired").asText()));
        assertEquals(List.of("maxMessageSize: 2048 -> 65536", "encryption: kms:alias/other -> kms:alias/jobs",
                "deadLetter: team-jobs-parked-0 50 -> team-jobs-parked-0 5"), changes, drifted::toString);
        Cli.Result text = Cli.run("plan", "-c", config.toString(), "--state-dir", state.toString(), "-q");
        assertTrue(text.out().contains("deadLetter: team-jobs-parked-0 after 50 receives -> team-jobs-parked-0 after 5 "
                + "receives"), text::toString);

        Cli.Result fixed = apply();
        assertEquals(0, fixed.code(), fixed::toString);
        assertEquals(0, plan("--detailed-exitcode").code(), "put back by apply");

        // a queue cannot become FIFO: reported, not made
        Files.writeString(config, DEAD_LETTER.replace("fifo: false", "fifo: true\n    queue: team-jobs-parked-0"));
        Cli.Result fifo = plan();
        assertEquals(0, fifo.code(), fifo::toString);
        assertTrue(actions(fifo.json()).contains("notify parked-0"), fifo::toString);
    }

    @Test
    void aDeadLetterTargetThatIsNotDeclaredIsAConfigError() throws Exception {
        Files.writeString(config, DEAD_LETTER.replace("queue: parked,", "queue: parkd,"));
        Cli.Result r = plan();
        assertEquals(65, r.code(), r::toString);
        assertTrue(r.err().contains("ovi.yaml:10:17: resources[0].deadLetter: ") && r.err().contains("'parkd' is not a declared resource"), r::toString);
    }

    /** A dead-letter queue AWS refuses to create: the queue that names it is not attempted, and says why. */
    @Test
    void whenTheDeadLetterQueueCannotBeMadeTheQueueNamingItIsSkippedSayingWhich() throws Exception {
        Files.writeString(config, DEAD_LETTER);
        try (FaultProxy proxy = FaultProxy.start()) {
            proxy.when(r -> r.operation().equals("sqs:CreateQueue") && r.body().contains("team-jobs-parked-0"), -1,
                    FaultProxy.body(400, "application/x-amz-json-1.0",
                            "{\"__type\":\"com.amazonaws.sqs#InvalidAttributeValue\",\"message\":\"refused\"}"));
            Cli.Result r = Cli.run("apply", "-c", config.toString(), "--state-dir", state.toString(), "--endpoint-url",
                    proxy.endpoint().toString(), "--auto-approve", "-q", "-o", "json");
            assertEquals(3, r.code(), r::toString);
            Map<String, JsonNode> outcomes = new java.util.HashMap<>();
            r.json().get("outcomes").forEach(o -> outcomes.put(o.get("id").asText(), o));
            assertEquals("failed", outcomes.get("parked-0").get("outcome").asText(), r::toString);
            assertEquals("skipped", outcomes.get("work-0").get("outcome").asText(), r::toString);
            assertEquals("dependency", outcomes.get("work-0").get("reason").asText(), r::toString);
            assertTrue(outcomes.get("work-0").get("message").asText().contains("waits for the create of parked-0, which "
                    + "failed"), r::toString);
            assertEquals("executed", outcomes.get("ordered-0").get("outcome").asText(), "independent of it: " + r);
            assertTrue(proxy.requests().stream().noneMatch(q -> q.operation().equals("sqs:CreateQueue")
                    && q.body().contains("team-jobs-work-0")), "work-0 was never attempted");
        }
        List<String> left = sqs.listQueues().queueUrls().stream().map(u -> u.substring(u.lastIndexOf('/') + 1)).toList();
        assertEquals(List.of("team-jobs-ordered-0.fifo"), left);
    }
}

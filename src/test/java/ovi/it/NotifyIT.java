package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Notifications end to end: a webhook receiver on loopback started here (CloudEvents, signature, once per
 * finding, resolved, retry, dead receivers), and an SNS topic on moto read back through an SQS queue.
 */
class NotifyIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SECRET_ENV = "OVI_IT_WEBHOOK_SECRET";

    static final String HEADER = """
            version: v1
            provider: aws
            region: us-east-1
            owner: team-notify
            resources:
              - type: sqs
                name: jobs
            """;

    @TempDir
    Path dir;
    Path config;
    Path state;
    HttpServer server;
    /** Every request the receiver got, in order. */
    final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    /** The statuses to answer with, in order; 200 once they run out. */
    final ConcurrentLinkedDeque<Integer> statuses = new ConcurrentLinkedDeque<>();

    record Received(Map<String, List<String>> headers, byte[] body, int status) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(e -> e.getValue().get(0))
                    .findFirst().orElse(null);
        }

        JsonNode event() throws IOException {
            return JSON.readTree(body);
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        Moto.reset();
        config = dir.resolve("ovi.yaml");
        state = dir.resolve("state");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", x -> {
            byte[] body = x.getRequestBody().readAllBytes();
            Integer s = statuses.poll();
            int status = s == null ? 200 : s;
            received.add(new Received(Map.copyOf(x.getRequestHeaders()), body, status));
            x.sendResponseHeaders(status, -1);
            x.close();
        });
        // a hanging handler must not hold up the others
        pool = java.util.concurrent.Executors.newCachedThreadPool();
        server.setExecutor(pool);
        server.start();
    }

    java.util.concurrent.ExecutorService pool;

    @AfterEach
    void tearDown() {
        server.stop(0);
        pool.shutdownNow();
    }

    String hook() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    void write(String resources, String notify) throws IOException {
        Files.writeString(config, HEADER + resources + "notify:\n" + notify);
    }

    String webhook(String url, String extra) {
        return "  - webhook: " + url + "\n    secretEnv: " + SECRET_ENV + "\n" + extra;
    }

    Cli.Result run(String verb, String... extra) {
        return Cli.json(verb, config, state, extra);
    }

    List<Received> delivered() {
        synchronized (received) {
            return received.stream().filter(r -> r.status() / 100 == 2).toList();
        }
    }

    List<String> types(List<Received> rs) throws IOException {
        List<String> out = new ArrayList<>();
        for (Received r : rs) {
            out.add(r.event().get("type").asText() + " " + r.event().get("subject").asText());
        }
        return out.stream().sorted().toList();
    }

    static String secret() {
        String s = System.getenv(SECRET_ENV);
        assertNotNull(s, SECRET_ENV + " is set by the pom for the ITs");
        return s;
    }

    /** What a receiver does, as the README says: HMAC-SHA256 of "<timestamp>.<body>" with the secret. */
    static String expectedSignature(String timestamp, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
        return "sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(body));
    }

    @Test
    void eachFindingGoesOnceAsASignedCloudEventAndAPlanSendsOnlyWhenAsked() throws Exception {
        write("", webhook(hook(), ""));
        Cli.Result quiet = run("plan");
        assertEquals(0, quiet.code(), quiet::toString);
        assertEquals(0, received.size(), "a plan without --notify sends nothing");

        Cli.Result first = run("plan", "--notify");
        assertEquals(0, first.code(), first::toString);
        String sg = Moto.defaultSecurityGroup(Moto.REGION);
        assertEquals(List.of("dev.ovi.drift.missing jobs-0", "dev.ovi.drift.unmanaged " + sg), types(delivered()));
        for (Received r : delivered()) {
            assertEquals("application/cloudevents+json", r.header("content-type"));
            String ts = r.header("ovi-timestamp");
            assertNotNull(ts, "a timestamp against replays");
            assertTrue(Math.abs(Instant.now().getEpochSecond() - Long.parseLong(ts)) < 600, ts);
            assertEquals(expectedSignature(ts, r.body()), r.header("ovi-signature"), "the signature verifies");
            assertTrue(!expectedSignature(String.valueOf(Long.parseLong(ts) + 1), r.body()).equals(r.header("ovi-signature")),
                    "another timestamp does not");
            JsonNode e = r.event();
            assertEquals("1.0", e.get("specversion").asText());
            for (String required : List.of("id", "source", "type", "subject", "time", "datacontenttype")) {
                assertTrue(e.hasNonNull(required) && !e.get(required).asText().isEmpty(), required + " in " + e);
            }
            assertTrue(e.get("source").asText().startsWith("urn:ovi:"), e.toString());
            Instant.parse(e.get("time").asText());
            assertEquals("application/json", e.get("datacontenttype").asText());
            assertEquals("team-notify", e.get("data").get("owner").asText());
        }
        JsonNode missing = delivered().stream().map(r -> {
            try {
                return r.event();
            } catch (IOException ex) {
                throw new AssertionError(ex);
            }
        }).filter(e -> e.get("subject").asText().equals("jobs-0")).findFirst().orElseThrow();
        assertEquals("missing", missing.get("data").get("diff").get("kind").asText());
        assertEquals("create", missing.get("data").get("decision").get("action").asText());
        assertEquals("sqs", missing.get("data").get("resource").get("type").asText());

        Cli.Result again = run("plan", "--notify");
        assertEquals(0, again.code(), again::toString);
        assertEquals(2, received.size(), "nothing new, nothing sent");

        Cli.Result wal = Cli.run("wal", "show", "--state-dir", state.toString(), "--type", "notified", "-o", "json");
        assertEquals(0, wal.code(), wal::toString);
        assertEquals(2, wal.json().get("entries").size(), wal::toString);
        assertTrue(wal.json().get("entries").get(0).get("data").get("target").asText().startsWith("webhook:"),
                wal::toString);
        assertTrue(!wal.out().contains(hook()), "the URL is not kept in the WAL");
    }

    @Test
    void aFindingThatGoesAwayIsSentOnceAsResolved() throws Exception {
        write("", webhook(hook(), ""));
        assertEquals(0, run("plan", "--notify").code());
        assertEquals(2, received.size());
        Cli.Result apply = run("apply", "--no-notify");
        assertEquals(0, apply.code(), apply::toString);
        assertEquals(2, received.size(), "--no-notify sends nothing");

        Cli.Result after = run("plan", "--notify");
        assertEquals(0, after.code(), after::toString);
        assertEquals(List.of("dev.ovi.drift.resolved jobs-0"), types(received.subList(2, received.size())));
        JsonNode resolved = received.get(2).event();
        assertEquals("missing", resolved.get("data").get("resolved").get("kind").asText());
        assertEquals(0, run("plan", "--notify").code());
        assertEquals(3, received.size(), "resolved once");
    }

    @Test
    void applySendsAppliedActionsAndAReceiverAnswering500ThenGetsTheEventOnceOnRetry() throws Exception {
        write("", webhook(hook(), "    events: [applied]\n"));
        statuses.add(500);
        Cli.Result apply = run("apply");
        assertEquals(0, apply.code(), apply::toString);
        assertEquals(2, received.size(), "one 500, then the retry");
        assertEquals(500, received.get(0).status());
        assertEquals(List.of("dev.ovi.action.applied jobs-0"), types(delivered()));
        assertEquals(received.get(0).event().get("id"), received.get(1).event().get("id"), "the retry is the same event");
        Cli.Result wal = Cli.run("wal", "show", "--state-dir", state.toString(), "--type", "notified", "-o", "json");
        assertEquals(2, wal.json().get("entries").get(0).get("data").get("attempts").asInt(), wal::toString);
    }

    @Test
    void aDeadReceiverNeverFailsTheRun() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        write("", webhook("http://127.0.0.1:" + closed + "/hook", "    timeout: 1s\n"));
        Cli.Result plan = run("plan", "--notify", "--detailed-exitcode");
        assertEquals(2, plan.code(), "the plan's own exit code: " + plan);
        assertTrue(plan.err().contains("not delivered to webhook http://127.0.0.1:" + closed), plan.err());
        assertTrue(plan.err().contains("the run's exit code is unaffected"), plan.err());
        Cli.Result apply = run("apply");
        assertEquals(0, apply.code(), apply::toString);
        assertTrue(apply.err().contains("not delivered"), apply.err());
        Cli.Result failed = Cli.run("wal", "show", "--state-dir", state.toString(), "--type", "notify-failed", "-o", "json");
        assertTrue(failed.json().get("entries").size() >= 2, failed::toString);

        // a receiver that takes the request and never answers
        CountDownLatch release = new CountDownLatch(1);
        server.createContext("/hang", x -> {
            try {
                release.await(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            x.close();
        });
        try {
            write("", webhook(hook().replace("/hook", "/hang"), "    timeout: 500ms\n"));
            Cli.Result hung = run("plan", "--notify");
            assertEquals(0, hung.code(), hung::toString);
            assertTrue(hung.err().contains("no answer within 500ms"), hung.err());
        } finally {
            release.countDown();
        }
    }

    @Test
    void aRunThatWouldNotifyWithoutItsSecretIsABadConfigAndOneThatWouldNotRuns() throws Exception {
        Files.writeString(config, HEADER + "notify:\n  - webhook: " + hook() + "\n    secretEnv: OVI_IT_NO_SUCH_SECRET\n");
        for (String[] args : List.of(new String[] {"apply"}, new String[] {"plan", "--notify"})) {
            Cli.Result r = run(args[0], java.util.Arrays.copyOfRange(args, 1, args.length));
            assertEquals(65, r.code(), r::toString);
            assertTrue(r.err().contains("ovi.yaml:10:16: notify[0].secretEnv: the environment variable "
                    + "OVI_IT_NO_SUCH_SECRET is not set"), r.err());
        }
        Cli.Result plan = run("plan");
        assertEquals(0, plan.code(), "a plan that sends nothing needs no secret: " + plan);
        assertEquals(0, received.size());
    }

    @Test
    void aTopicByArnAndADeclaredTopicDeliverTheEventsToASubscribedQueue() throws Exception {
        try (SnsClient sns = Moto.client(SnsClient.builder()); SqsClient sqs = Moto.client(SqsClient.builder())) {
            String topic = sns.createTopic(b -> b.name("ops-alerts")).topicArn();
            String inbox = subscribedQueue(sns, sqs, topic, "inbox");
            write("", "  - topic: " + topic + "\n    events: [drift, applied]\n");
            Cli.Result apply = run("apply");
            assertEquals(0, apply.code(), apply::toString);
            List<JsonNode> events = read(sqs, inbox, 4);
            List<String> types = events.stream().map(e -> e.get("type").asText() + " " + e.get("subject").asText()).toList();
            assertTrue(types.contains("dev.ovi.drift.missing jobs-0"), types::toString);
            assertTrue(types.contains("dev.ovi.action.applied jobs-0"), types::toString);
            assertEquals("1.0", events.get(0).get("specversion").asText());

            // a topic the config declares, named by its declared name
            write("  - type: sns\n    name: alerts\n", "  - topic: alerts\n");
            assertEquals(0, run("apply", "--no-notify").code());
            String declared = sns.listTopics().topics().stream().map(t -> t.topicArn())
                    .filter(a -> a.endsWith(":team-notify-alerts-0")).findFirst().orElseThrow();
            String box = subscribedQueue(sns, sqs, declared, "box");
            Files.writeString(config, Files.readString(config).replace("resources:\n", "resources:\n  - type: sqs\n"
                    + "    name: later\n"));
            Cli.Result plan = run("plan", "--notify");
            assertEquals(0, plan.code(), plan::toString);
            List<String> got = read(sqs, box, 1).stream().map(e -> e.get("type").asText() + " " + e.get("subject").asText())
                    .toList();
            assertTrue(got.contains("dev.ovi.drift.missing later-0"), got::toString);
        }
    }

    static String subscribedQueue(SnsClient sns, SqsClient sqs, String topicArn, String name) {
        String url = sqs.createQueue(b -> b.queueName(name)).queueUrl();
        String arn = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(arn)
                .attributes(Map.of("RawMessageDelivery", "true")));
        return url;
    }

    /** At least {@code atLeast} events from the queue, waiting on the queue itself (long polls) up to a deadline. */
    static List<JsonNode> read(SqsClient sqs, String url, int atLeast) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (out.size() < atLeast && Instant.now().isBefore(deadline)) {
            for (Message m : sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
                JsonNode body = JSON.readTree(m.body());
                // without raw delivery SNS wraps the message in an envelope of its own
                out.add(body.has("Message") && body.has("TopicArn") ? JSON.readTree(body.get("Message").asText()) : body);
                sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
            }
        }
        assertTrue(out.size() >= atLeast, "only " + out.size() + " of " + atLeast + " events arrived: " + out);
        return out;
    }
}

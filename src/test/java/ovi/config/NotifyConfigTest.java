package ovi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import ovi.model.NotifyTarget;
import org.junit.jupiter.api.Test;

/** {@code notify:}: topics and webhooks, their events and renotify, and every way to get one wrong. */
class NotifyConfigTest {
    private static final Path FILE = Path.of("ovi.yaml");
    private static final Function<String, String> ENV = Map.of("OVI_WEBHOOK_SECRET", "s3cret")::get;

    /** Twelve lines, so notify: is on line 13 and its first item on line 14. */
    private static final String HEADER = """
            version: v1
            provider: aws
            region: us-east-1
            owner: team-web
            resources:
              - type: sns
                name: alerts
              - type: sqs
                name: jobs
              - type: sns
                name: many
                count: 2
            """;

    @Test
    void aWebhookAndTopicsByArnAndByDeclaredName() throws ConfigException {
        OviConfig c = ConfigLoader.parse(HEADER + """
                notify:
                  - webhook: https://hooks.example.com/ovi?token=abc
                    secretEnv: OVI_WEBHOOK_SECRET
                    events: [drift, failed]
                    renotify: 12h
                    timeout: 2s
                  - topic: arn:aws:sns:eu-west-1:123456789012:ops
                  - topic: alerts
                  - topic: many-1
                    events: [applied]
                """, FILE, ENV);
        List<NotifyTarget> t = c.notifyTargets();
        assertEquals(4, t.size());
        assertEquals(NotifyTarget.Channel.WEBHOOK, t.get(0).channel());
        assertEquals(Set.of("drift", "failed"), t.get(0).events());
        assertEquals(Duration.ofHours(12), t.get(0).renotify());
        assertEquals(Duration.ofSeconds(2), t.get(0).timeout());
        assertEquals("webhook https://hooks.example.com", t.get(0).describe(), "no path or token in messages");
        assertEquals(NotifyTarget.Channel.TOPIC, t.get(1).channel());
        assertEquals("eu-west-1", t.get(1).region());
        assertEquals("sns", t.get(1).type().key());
        assertEquals(Set.of("drift"), t.get(1).events());
        assertEquals(NotifyTarget.RENOTIFY, t.get(1).renotify());
        assertEquals("team-web-alerts-0", t.get(2).address(), "a declared topic is published to by its name");
        assertEquals("us-east-1", t.get(2).region());
        assertEquals("team-web-many-1", t.get(3).address());
        assertNull(t.get(3).secretEnv());
    }

    @Test
    void theSecretVariableIsCheckedOnlyForARunThatWillNotify() throws ConfigException {
        String yaml = HEADER + """
                notify:
                  - webhook: http://127.0.0.1:9000/hook
                    secretEnv: OVI_HOOK_KEY
                """;
        assertEquals(1, ConfigLoader.parse(yaml, FILE).notifyTargets().size());
        assertEquals(List.of("ovi.yaml:15:16: notify[0].secretEnv: the environment variable OVI_HOOK_KEY is not set; it "
                + "holds the secret the webhook's requests are signed with"), lines(yaml, ENV));
        assertEquals(List.of("ovi.yaml:15:16: notify[0].secretEnv: the environment variable OVI_HOOK_KEY is not set "
                + "(it is empty); it holds the secret the webhook's requests are signed with"),
                lines(yaml, Map.of("OVI_HOOK_KEY", "")::get));
    }

    @Test
    void everyMistakeIsAProblemAtItsPlace() {
        List<String> problems = lines(HEADER + """
                notify:
                  - webhook: ftp://files.example.com/drop
                    secretEnv: OVI_WEBHOOK_SECRET
                  - webhook: https://user:pw@hooks.example.com/x
                    secretEnv: OVI_WEBHOOK_SECRET
                  - webhook: https://hooks.example.com/y
                  - webhook: https://hooks.example.com/z
                    secretEnv: OVI_WEBHOOK_SECRET
                    secret: hunter2
                    events: [drift, deleted]
                    renotify: 30s
                    retries: 3
                  - topic: jobs
                  - topic: arn:aws:sqs:us-east-1:123456789012:jobs
                  - topic: nope
                    secretEnv: OVI_WEBHOOK_SECRET
                  - topic: many
                  - {}
                  - webhook: 42
                    secretEnv: OVI_WEBHOOK_SECRET
                    events: drift
                    timeout: 5m
                  - just-a-string
                """, ENV);
        assertEquals(List.of(
                "ovi.yaml:14:14: notify[0].webhook: 'ftp://files.example.com/drop' is not a webhook ovi sends to: a webhook "
                        + "is an http:// or https:// URL, not ftp:",
                "ovi.yaml:16:14: notify[1].webhook: 'https://user:pw@hooks.example.com/x' is not a webhook ovi sends to: it "
                        + "carries a user and password; credentials never go in the config: the webhook is signed with "
                        + "the secret secretEnv names",
                "ovi.yaml:18:5: notify[2].secretEnv: missing required key 'secretEnv'",
                "ovi.yaml:21:5: notify[3].secret: a secret never goes in the config: put it in an environment variable and "
                        + "name that variable in secretEnv",
                "ovi.yaml:24:5: notify[3].retries: unknown key 'retries' in a notify target; allowed keys are topic, "
                        + "webhook, secretEnv, events, renotify, timeout",
                "ovi.yaml:22:21: notify[3].events[1]: expected one of drift, applied, failed, got the string 'deleted'",
                "ovi.yaml:23:15: notify[3].renotify: '30s' is out of range; it must be from 1m to 365d",
                "ovi.yaml:25:12: notify[4].topic: 'jobs' is a queue (sqs); topic is an ARN or the name of a declared sns "
                        + "resource (with count 1)",
                "ovi.yaml:26:12: notify[5].topic: 'arn:aws:sqs:us-east-1:123456789012:jobs' is not the ARN of a topic ovi "
                        + "can publish to; expected arn:aws:<service>:<region>:<account>:<name> of sns",
                "ovi.yaml:28:5: notify[6].secretEnv: secretEnv is for webhooks; a topic is published to with the run's "
                        + "AWS credentials",
                "ovi.yaml:27:12: notify[6].topic: 'nope' is not a declared resource; topic is an ARN or the name of a "
                        + "declared sns resource (with count 1)",
                "ovi.yaml:29:12: notify[7].topic: 'many' is not a declared resource; topic is an ARN or the name of a "
                        + "declared sns resource (with count 1)",
                "ovi.yaml:30:5: notify[8]: a notify target has exactly one of topic (an SNS topic's ARN or a declared "
                        + "topic's name) and webhook (an http or https URL)",
                "ovi.yaml:33:13: notify[9].events: expected a list, got the string 'drift'",
                "ovi.yaml:34:14: notify[9].timeout: '5m' is out of range; it must be from 100ms to 60s",
                "ovi.yaml:31:14: notify[9].webhook: expected a string, got the integer 42",
                "ovi.yaml:35:5: notify[10]: each notify target is a mapping with a topic (an SNS topic's ARN or a declared "
                        + "topic's name) or a webhook (an http or https URL), not the string 'just-a-string'"),
                problems);
    }

    @Test
    void notifyMustBeAListAndTheSameTargetOnce() {
        assertEquals(List.of("ovi.yaml:13:9: notify: expected a list, got the string 'https://x'"),
                lines(HEADER + "notify: https://x\n", ENV));
        assertEquals(List.of("ovi.yaml:15:5: notify[1]: the same topic team-web-alerts-0 is named twice in notify"),
                lines(HEADER + "notify:\n  - topic: alerts\n  - {topic: alerts, events: [failed]}\n", ENV));
    }

    @Test
    void aConfigWithProblemsElsewhereStillHasItsNotifyProblemsReported() {
        List<String> problems = lines(HEADER.replace("owner: team-web", "owner: 'no spaces'") + """
                notify:
                  - webhook: gopher://x
                    secretEnv: OVI_WEBHOOK_SECRET
                """, ENV);
        assertEquals(2, problems.size(), problems::toString);
        assertEquals("ovi.yaml:14:14: notify[0].webhook: 'gopher://x' is not a webhook ovi sends to: a webhook is an "
                + "http:// or https:// URL, not gopher:", problems.get(1));
    }

    private static List<String> lines(String yaml, Function<String, String> env) {
        try {
            OviConfig config = ConfigLoader.parse(yaml, FILE, env, null, null, env);
            return fail("expected problems, but the config loaded: " + config);
        } catch (ConfigException e) {
            return e.getMessage().lines().toList();
        }
    }
}

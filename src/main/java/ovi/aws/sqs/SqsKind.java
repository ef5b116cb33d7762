package ovi.aws.sqs;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import ovi.aws.AwsClients;
import ovi.aws.AwsKind;
import ovi.aws.ReplyCheck;
import ovi.engine.ResourceKind;
import ovi.model.Action;
import ovi.model.Field;
import ovi.model.ResourceType;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * SQS queues: {@code queue}, the name and cloud id (default {@code <owner>-<id>}, with {@code .fifo} for a
 * FIFO queue); {@code fifo}, which AWS cannot change on a queue (reported, never made); the settings
 * {@code visibilityTimeout}, {@code retention} and {@code delay}, durations in ovi's grammar, and {@code
 * maxMessageSize}, compared when declared; {@code encryption} ({@code sqs}, the default, {@code kms} with an
 * optional key, or {@code none}); {@code deadLetter}, another queue (a declared one by its config name) and
 * the receives after which a message moves there. Listed per region; a create of a name that exists with
 * the same settings returns that queue, so a repeated create makes nothing new.
 */
public final class SqsKind implements AwsKind {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,80}");

    /** The declared field and the SQS attribute it is, in seconds. */
    static final Map<String, QueueAttributeName> SETTINGS = Map.of(
            "visibilityTimeout", QueueAttributeName.VISIBILITY_TIMEOUT,
            "retention", QueueAttributeName.MESSAGE_RETENTION_PERIOD,
            "delay", QueueAttributeName.DELAY_SECONDS);

    private static final Pattern FIFO_NAME = Pattern.compile("[A-Za-z0-9_-]{1,75}\\.fifo");
    private static final Pattern QUEUE_ARN = Pattern.compile("arn:aws[a-z-]*:sqs:[a-z0-9-]+:\\d{12}:([A-Za-z0-9_-]{1,75}(\\.fifo)?|[A-Za-z0-9_-]{76,80})");
    static final long MIN_MESSAGE = 1024;
    static final long MAX_MESSAGE = 1024 * 1024;
    private static final java.util.function.BiFunction<String, String, String> STANDARD_NAME =
            Field.ownerDashId("A-Za-z0-9_-", 80);
    private static final java.util.function.BiFunction<String, String, String> FIFO_BASE =
            Field.ownerDashId("A-Za-z0-9_-", 75);

    public static final ResourceType TYPE = ResourceType.regional("sqs", "queue", List.of(
            Field.identity("queue", Field.matching(Pattern.compile(NAME.pattern() + "|" + FIFO_NAME.pattern()),
                    "a queue name of 1 to 80 letters, digits, '-' or '_' (a FIFO queue's ending in .fifo)"))
                    .orElse((owner, id, declared) -> "true".equals(declared.get("fifo"))
                            ? FIFO_BASE.apply(owner, id) + ".fifo" : STANDARD_NAME.apply(owner, id)),
            Field.fixed("fifo", Field.bool()).orElse((owner, id) -> "false"),
            Field.compared("visibilityTimeout", Field.seconds(Duration.ZERO, Duration.ofHours(12))).optional(),
            Field.compared("retention", Field.seconds(Duration.ofMinutes(1), Duration.ofDays(14))).optional(),
            Field.compared("delay", Field.seconds(Duration.ZERO, Duration.ofMinutes(15))).optional(),
            Field.compared("maxMessageSize", SqsKind::messageSize).optional(),
            Field.compared("encryption", SqsKind::encryption).orElse((owner, id) -> "sqs"),
            Field.compared("deadLetter", Field.shown(SqsKind::deadLetter, SqsKind::showDeadLetter)).optional()
                    .refersTo("sqs")),
            Set.of(Action.CREATE, Action.UPDATE, Action.DELETE));

    /** SQS speaks AWS's JSON protocol; the calls that change a queue may answer with no body. */
    public static final ReplyCheck.Rules REPLIES = ReplyCheck.Rules.json(
            Set.of("SetQueueAttributes", "TagQueue", "UntagQueue", "DeleteQueue"), Map.of());

    @Override
    public ResourceType type() {
        return TYPE;
    }

    @Override
    public ResourceKind bind(AwsClients aws) {
        return new SqsQueues(aws);
    }

    /** Bytes, or {@code 256Ki} / {@code 1Mi} (also KiB, MiB), from 1 KiB to 1 MiB, as bytes. */
    private static String messageSize(Field.Value v) {
        long bytes = -1;
        if (v.tree() instanceof Long n) {
            bytes = n;
        } else if (v.string()) {
            java.util.regex.Matcher m = Pattern.compile("(\\d{1,7})(Ki|KiB|Mi|MiB)?").matcher(v.text());
            if (m.matches()) {
                long unit = m.group(2) == null ? 1 : m.group(2).startsWith("K") ? 1024 : 1024 * 1024;
                bytes = Long.parseLong(m.group(1)) * unit;
            }
        }
        if (bytes < MIN_MESSAGE || bytes > MAX_MESSAGE) {
            throw new IllegalArgumentException("expected a size from 1Ki to 1Mi (bytes, or with Ki or Mi, such as 256Ki), "
                    + "got " + v.description());
        }
        return Long.toString(bytes);
    }

    /** {@code sqs} (SSE with SQS's keys), {@code none}, {@code kms} or {@code {kms: <key>}}, as {@code kms:<key>}. */
    private static String encryption(Field.Value v) {
        if ("sqs".equals(v.tree()) || "none".equals(v.tree())) {
            return (String) v.tree();
        }
        String kms = ovi.aws.KmsKeys.read(v.tree(), AWS_KEY);
        if (kms != null) {
            return kms;
        }
        throw new IllegalArgumentException("encryption is sqs, kms, {kms: <key id, ARN or alias>} or none, not "
                + v.description());
    }

    /** The key SQS uses for {@code kms} without one. */
    static final String AWS_KEY = "alias/aws/sqs";

    /**
     * {@code {queue: <name of a declared queue, or a queue ARN>, maxReceives: 1..1000}}, as {@code <queue>
     * <maxReceives>}: a queue by its name (what an ARN ends in), as SQS takes it from the same account and
     * region only.
     */
    private static String deadLetter(Field.Value v) {
        if (!(v.tree() instanceof Map<?, ?> m) || !m.keySet().equals(Set.of("queue", "maxReceives"))) {
            throw new IllegalArgumentException("deadLetter is {queue: <a declared queue or a queue ARN>, maxReceives: "
                    + "<1 to 1000>}, not " + v.description());
        }
        if (!(m.get("maxReceives") instanceof Long n) || n < 1 || n > 1000) {
            throw new IllegalArgumentException("deadLetter.maxReceives must be a whole number from 1 to 1000, not "
                    + Field.Value.of(m.get("maxReceives")).description());
        }
        String target = Field.reference(QUEUE_ARN, "a queue ARN").read(Field.Value.of(m.get("queue")));
        java.util.regex.Matcher arn = QUEUE_ARN.matcher(target);
        return (arn.matches() ? arn.group(1) : target) + " " + m.get("maxReceives");
    }

    /** A canonical dead-letter value as people read it. */
    static String showDeadLetter(String canonical) {
        int sp = canonical.lastIndexOf(' ');
        return sp < 0 ? canonical : canonical.substring(0, sp) + " after " + canonical.substring(sp + 1) + " receives";
    }

    /** The queue's settings as observed, in the canonical forms the fields read. */
    static Map<String, String> observed(Map<QueueAttributeName, String> a) {
        Map<String, String> attrs = new java.util.HashMap<>();
        SETTINGS.forEach((field, name) -> ovi.aws.Observations.putIfPresent(attrs, field, a.get(name)));
        attrs.put("fifo", Boolean.toString("true".equals(a.get(QueueAttributeName.FIFO_QUEUE))));
        ovi.aws.Observations.putIfPresent(attrs, "maxMessageSize", a.get(QueueAttributeName.MAXIMUM_MESSAGE_SIZE));
        String key = a.get(QueueAttributeName.KMS_MASTER_KEY_ID);
        attrs.put("encryption", key != null && !key.isEmpty() ? "kms:" + key
                : "true".equals(a.get(QueueAttributeName.SQS_MANAGED_SSE_ENABLED)) ? "sqs" : "none");
        String redrive = a.get(QueueAttributeName.REDRIVE_POLICY);
        if (redrive != null && !redrive.isEmpty()) {
            java.util.regex.Matcher arn = Pattern.compile("\"deadLetterTargetArn\"\\s*:\\s*\"([^\"]*)\"").matcher(redrive);
            java.util.regex.Matcher max = Pattern.compile("\"maxReceiveCount\"\\s*:\\s*\"?(\\d+)").matcher(redrive);
            if (arn.find() && max.find()) {
                String target = arn.group(1);
                attrs.put("deadLetter", target.substring(target.lastIndexOf(':') + 1) + " " + max.group(1));
            } else {
                attrs.put("deadLetter", redrive); // shown as it is: not what ovi would write
            }
        }
        return attrs;
    }

    /**
     * The SQS attributes that make these declared fields so ({@code fields}: field name -> canonical value);
     * {@code arnOf} gives a dead-letter queue's ARN from its name.
     */
    static Map<QueueAttributeName, String> attributes(Map<String, String> fields,
                                                     java.util.function.Function<String, String> arnOf) {
        Map<QueueAttributeName, String> out = new java.util.HashMap<>();
        fields.forEach((field, value) -> {
            if (value == null) {
                return;
            }
            if (SETTINGS.containsKey(field)) {
                out.put(SETTINGS.get(field), value);
            } else if (field.equals("maxMessageSize")) {
                out.put(QueueAttributeName.MAXIMUM_MESSAGE_SIZE, value);
            } else if (field.equals("encryption")) {
                if (value.startsWith("kms:")) {
                    out.put(QueueAttributeName.KMS_MASTER_KEY_ID, value.substring(4));
                    out.put(QueueAttributeName.SQS_MANAGED_SSE_ENABLED, "false");
                } else {
                    out.put(QueueAttributeName.SQS_MANAGED_SSE_ENABLED, Boolean.toString(value.equals("sqs")));
                }
            } else if (field.equals("deadLetter")) {
                int sp = value.lastIndexOf(' ');
                out.put(QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + arnOf.apply(value.substring(0, sp))
                        + "\",\"maxReceiveCount\":" + value.substring(sp + 1) + "}");
            }
        });
        return out;
    }

    static SqsClient sqs(AwsClients aws, String region) {
        return aws.client("sqs", region, SqsClient::builder, b -> b, REPLIES);
    }
}

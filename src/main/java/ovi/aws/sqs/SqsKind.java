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
 * SQS queues (standard): {@code queue}, the name and cloud id (default {@code <owner>-<id>}), and the
 * settings {@code visibilityTimeout}, {@code retention} and {@code delay}, durations in ovi's grammar,
 * compared when declared. Listed per region; a create of a name that exists with the same settings
 * returns that queue, so a repeated create makes nothing new.
 */
public final class SqsKind implements AwsKind {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,80}");

    /** The declared field and the SQS attribute it is, in seconds. */
    static final Map<String, QueueAttributeName> SETTINGS = Map.of(
            "visibilityTimeout", QueueAttributeName.VISIBILITY_TIMEOUT,
            "retention", QueueAttributeName.MESSAGE_RETENTION_PERIOD,
            "delay", QueueAttributeName.DELAY_SECONDS);

    public static final ResourceType TYPE = ResourceType.regional("sqs", "queue", List.of(
            Field.identity("queue", Field.matching(NAME, "a queue name of 1 to 80 letters, digits, '-' or '_'"))
                    .orElse(Field.ownerDashId("A-Za-z0-9_-", 80)),
            Field.compared("visibilityTimeout", Field.seconds(Duration.ZERO, Duration.ofHours(12))).optional(),
            Field.compared("retention", Field.seconds(Duration.ofMinutes(1), Duration.ofDays(14))).optional(),
            Field.compared("delay", Field.seconds(Duration.ZERO, Duration.ofMinutes(15))).optional()),
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

    static SqsClient sqs(AwsClients aws, String region) {
        return aws.client("sqs", region, SqsClient::builder, b -> b, REPLIES);
    }
}

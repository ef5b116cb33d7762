package ovi.aws.sns;

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
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * SNS topics (standard): {@code topic}, the name and cloud id (default {@code <owner>-<id>}), and
 * {@code displayName}, compared when declared. Listed per region; a create of an existing name returns
 * that topic, so a repeated create makes nothing new.
 */
public final class SnsKind implements AwsKind {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,256}");
    private static final Pattern DISPLAY_NAME = Pattern.compile("[\\p{Print}&&[^\\p{Cntrl}]]{1,100}");

    public static final ResourceType TYPE = ResourceType.regional("sns", "topic", List.of(
            Field.identity("topic", Field.matching(NAME, "a topic name of 1 to 256 letters, digits, '-' or '_'"))
                    .orElse(Field.ownerDashId("A-Za-z0-9_-", 256)),
            Field.compared("displayName", Field.matching(DISPLAY_NAME, "1 to 100 printable characters")).optional()),
            Set.of(Action.CREATE, Action.UPDATE, Action.DELETE));

    /** SNS speaks the query protocol; the lists it observes with are present even when empty. */
    public static final ReplyCheck.Rules REPLIES = ReplyCheck.Rules.query(Map.of(
            "ListTopics", "<Topics", "GetTopicAttributes", "<Attributes", "ListTagsForResource", "<Tags"));

    @Override
    public ResourceType type() {
        return TYPE;
    }

    @Override
    public ResourceKind bind(AwsClients aws) {
        return new SnsTopics(aws);
    }

    static SnsClient sns(AwsClients aws, String region) {
        return aws.client("sns", region, SnsClient::builder, b -> b, REPLIES);
    }
}

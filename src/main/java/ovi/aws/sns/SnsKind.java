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
 * SNS topics (standard): {@code topic}, the name and cloud id (default {@code <owner>-<id>});
 * {@code displayName}; {@code encryption} ({@code kms} with an optional key, or {@code none}); {@code
 * subscriptions}, each a protocol and endpoint, compared as a set. All compared when declared. Listed per
 * region; a create of an existing name returns that topic, so a repeated create makes nothing new.
 */
public final class SnsKind implements AwsKind {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,256}");
    private static final Pattern DISPLAY_NAME = Pattern.compile("[\\p{Print}&&[^\\p{Cntrl}]]{1,100}");

    public static final ResourceType TYPE = ResourceType.regional("sns", "topic", List.of(
            Field.identity("topic", Field.matching(NAME, "a topic name of 1 to 256 letters, digits, '-' or '_'"))
                    .orElse(Field.ownerDashId("A-Za-z0-9_-", 256)),
            Field.compared("displayName", Field.matching(DISPLAY_NAME, "1 to 100 printable characters")).optional(),
            Field.compared("encryption", SnsKind::encryption).optional(),
            Field.compared("subscriptions", Field.setOf(SnsKind::subscription)).optional()),
            Set.of(Action.CREATE, Action.UPDATE, Action.DELETE)).publishable();

    /** SNS speaks the query protocol; the lists it observes with are present even when empty. */
    public static final ReplyCheck.Rules REPLIES = ReplyCheck.Rules.query(Map.of(
            "ListTopics", "<Topics", "GetTopicAttributes", "<Attributes", "ListTagsForResource", "<Tags",
            "ListSubscriptionsByTopic", "<Subscriptions", "Publish", "<MessageId>"));

    static final List<String> PROTOCOLS = List.of("http", "https", "email", "email-json", "sms", "sqs", "application",
            "lambda", "firehose");
    private static final Pattern ENDPOINT = Pattern.compile("\\S{1,2048}");
    /** The key SNS uses for {@code kms} without one. */
    static final String AWS_KEY = "alias/aws/sns";

    /** {@code none}, {@code kms} or {@code {kms: <key>}}, as {@code kms:<key>}. */
    private static String encryption(Field.Value v) {
        if ("none".equals(v.tree())) {
            return "none";
        }
        String kms = ovi.aws.KmsKeys.read(v.tree(), AWS_KEY);
        if (kms != null) {
            return kms;
        }
        throw new IllegalArgumentException("encryption is kms, {kms: <key id, ARN or alias>} or none, not "
                + v.description());
    }

    /** {@code {protocol: https, endpoint: https://...}}, as {@code <protocol> <endpoint>}. */
    private static String subscription(Field.Value v) {
        if (!(v.tree() instanceof Map<?, ?> m) || !m.keySet().equals(Set.of("protocol", "endpoint"))) {
            throw new IllegalArgumentException("a subscription is {protocol: <" + String.join("|", PROTOCOLS)
                    + ">, endpoint: <where it delivers>}, not " + v.description());
        }
        if (!(m.get("protocol") instanceof String p) || !PROTOCOLS.contains(p)) {
            throw new IllegalArgumentException("protocol is one of " + String.join(", ", PROTOCOLS) + ", not "
                    + Field.Value.of(m.get("protocol")).description());
        }
        if (!(m.get("endpoint") instanceof String e) || !ENDPOINT.matcher(e).matches()) {
            throw new IllegalArgumentException("endpoint is where the " + p + " subscription delivers, without spaces, not "
                    + Field.Value.of(m.get("endpoint")).description());
        }
        if ((p.equals("http") || p.equals("https")) && !e.startsWith(p + "://")) {
            throw new IllegalArgumentException("an " + p + " endpoint starts with " + p + "://, not '" + e + "'");
        }
        return p + " " + e;
    }

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

package ovi.aws.dynamodb;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ovi.aws.AwsClients;
import ovi.aws.AwsKind;
import ovi.aws.ReplyCheck;
import ovi.engine.ResourceKind;
import ovi.model.Action;
import ovi.model.Field;
import ovi.model.ResourceType;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB tables: {@code table}, the name and cloud id (default {@code <owner>-<id>}); {@code keys}, the
 * hash key and optional range key with their types ({@code [id:S, created:N]}), which cannot change in
 * place (a change is reported, never made by dropping the table); {@code billing}, {@code on-demand} or
 * the provisioned capacity ({@code {read: 5, write: 5}}); {@code pointInTimeRecovery}; {@code ttl}, the
 * attribute that expires items; {@code streams}, the stream's view ({@code new-image}, {@code old-image},
 * {@code new-and-old-images}, {@code keys-only}) or {@code off}. Listed per region.
 */
public final class DynamoDbKind implements AwsKind {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{3,255}");
    private static final Pattern KEY = Pattern.compile("([A-Za-z0-9_.-]{1,255}):([SNB])");
    private static final Pattern ATTRIBUTE = Pattern.compile("[A-Za-z0-9_.-]{1,255}");
    static final String ON_DEMAND = "on-demand";

    public static final ResourceType TYPE = ResourceType.regional("dynamodb", "table", List.of(
            Field.identity("table", Field.matching(NAME, "a table name of 3 to 255 letters, digits, '_', '-' or '.'"))
                    .orElse(Field.ownerDashId("A-Za-z0-9_.-", 255)),
            Field.fixed("keys", DynamoDbKind::keys),
            Field.compared("billing", DynamoDbKind::billing).orElse((owner, id) -> ON_DEMAND),
            Field.compared("pointInTimeRecovery", Field.bool()).optional(),
            Field.compared("ttl", Field.matching(ATTRIBUTE, "the name of the attribute that holds each item's "
                    + "expiry time")).optional(),
            Field.compared("streams", DynamoDbKind::streams).optional()),
            Set.of(Action.CREATE, Action.UPDATE, Action.DELETE));

    /** DynamoDB speaks AWS's JSON protocol; the list it observes with is present even when empty. */
    public static final ReplyCheck.Rules REPLIES = ReplyCheck.Rules.json(Set.of(),
            Map.of("ListTables", "\"TableNames\"", "DescribeTable", "\"Table\""));

    @Override
    public ResourceType type() {
        return TYPE;
    }

    @Override
    public ResourceKind bind(AwsClients aws) {
        return new DynamoDbTables(aws);
    }

    static DynamoDbClient dynamodb(AwsClients aws, String region) {
        return aws.client("dynamodb", region, DynamoDbClient::builder, b -> b, REPLIES);
    }


    /** {@code [id:S]} or {@code [id:S, created:N]}, as {@code id:S} or {@code id:S,created:N}. */
    private static String keys(Field.Value v) {
        if (!(v.tree() instanceof List<?> list) || list.isEmpty() || list.size() > 2) {
            throw new IllegalArgumentException("keys must be a list of the hash key and an optional range key, such as "
                    + "[id:S, created:N], not " + v.description());
        }
        List<String> keys = new ArrayList<>();
        for (Object k : list) {
            Matcher m = k instanceof String s ? KEY.matcher(s) : null;
            if (m == null || !m.matches()) {
                throw new IllegalArgumentException("a key is its attribute name and type S, N or B, such as id:S, not "
                        + (k instanceof String s ? "'" + s + "'" : String.valueOf(k)));
            }
            keys.add(m.group(1) + ":" + m.group(2));
        }
        if (keys.size() == 2 && keys.get(0).split(":")[0].equals(keys.get(1).split(":")[0])) {
            throw new IllegalArgumentException("the hash key and the range key must be different attributes");
        }
        return String.join(",", keys);
    }

    static final List<String> STREAM_VIEWS = List.of("new-image", "old-image", "new-and-old-images", "keys-only");

    /** A stream view ({@code new-image}...) or {@code off} ({@code false} too). */
    private static String streams(Field.Value v) {
        if (Boolean.FALSE.equals(v.tree()) || "off".equals(v.tree())) {
            return "off";
        }
        if (v.tree() instanceof String s && STREAM_VIEWS.contains(s)) {
            return s;
        }
        throw new IllegalArgumentException("streams is " + String.join(", ", STREAM_VIEWS) + " or off, not "
                + v.description());
    }

    /** The SDK's view type of a canonical {@code streams} value ({@code new-and-old-images} -> NEW_AND_OLD_IMAGES). */
    static String viewType(String streams) {
        return streams.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    }

    /** {@code on-demand}, or {@code {read: N, write: N}} as {@code provisioned:N/N}. */
    private static String billing(Field.Value v) {
        if (ON_DEMAND.equals(v.tree())) {
            return ON_DEMAND;
        }
        if (v.tree() instanceof Map<?, ?> m && m.keySet().equals(Set.of("read", "write"))
                && m.get("read") instanceof Long r && m.get("write") instanceof Long w
                && r >= 1 && w >= 1 && r <= 40_000 && w <= 40_000) {
            return "provisioned:" + r + "/" + w;
        }
        throw new IllegalArgumentException("billing is on-demand, or the provisioned capacity as {read: 5, write: 5} "
                + "(1 to 40000 each), not " + v.description());
    }

    /** The read and write capacity of a {@code provisioned:R/W} value. */
    static long[] capacity(String billing) {
        String[] rw = billing.substring("provisioned:".length()).split("/");
        return new long[] {Long.parseLong(rw[0]), Long.parseLong(rw[1])};
    }
}

package ovi.aws.lambda;

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
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * Lambda functions (zip packages), per region: {@code function}, the name and cloud id (default {@code
 * <owner>-<id>}); {@code runtime} and {@code handler}; {@code memory} (MB) and {@code timeout}, compared when
 * declared; {@code role}, an IAM role ARN or the name of a declared {@code iam-role}, compared by role name;
 * {@code environment}, compared as a whole; {@code code}, a zip beside the config compared by its SHA-256,
 * or an S3 object used at create only. See {@link LambdaFields} for each value's form.
 */
public final class LambdaKind implements AwsKind {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public static final ResourceType TYPE = ResourceType.regional("lambda", "function", List.of(
            Field.identity("function", Field.matching(NAME, "a function name of 1 to 64 letters, digits, '-' or '_'"))
                    .orElse(Field.ownerDashId("A-Za-z0-9_-", 64)),
            Field.compared("runtime", LambdaFields::runtime),
            Field.compared("handler", LambdaFields::handler),
            Field.compared("memory", LambdaFields.MEMORY).optional(),
            Field.compared("timeout", Field.seconds(Duration.ofSeconds(1), Duration.ofMinutes(15))).optional(),
            Field.compared("role", LambdaFields::role).refersTo("iam-role"),
            Field.compared("environment", LambdaFields::environment).optional(),
            Field.compared("code", LambdaFields.CODE)),
            Set.of(Action.CREATE, Action.UPDATE, Action.DELETE));

    /**
     * Lambda speaks REST-JSON: every reply with a body is a JSON object, read by {@link ReplyCheck}'s JSON
     * rules (the protocol's difference from AWS's JSON protocol is in the request, not the reply). DeleteFunction,
     * TagResource and UntagResource answer 204 with no body; the calls ovi observes with must carry their
     * list or object even when it is empty.
     */
    public static final ReplyCheck.Rules REPLIES = ReplyCheck.Rules.json(
            Set.of("DeleteFunction", "TagResource", "UntagResource"),
            Map.of("ListFunctions", "\"Functions\"", "ListTags", "\"Tags\"", "GetFunction", "\"Configuration\"",
                    "GetFunctionConfiguration", "\"FunctionName\"", "CreateFunction", "\"FunctionName\"",
                    "UpdateFunctionConfiguration", "\"FunctionName\"", "UpdateFunctionCode", "\"FunctionName\""));

    /** IAM's GetRole, which turns a role name into the ARN Lambda takes: its reply must name the ARN. */
    static final ReplyCheck.Rules ROLE_REPLIES = ReplyCheck.Rules.query(Map.of("GetRole", "<Arn>"));

    @Override
    public ResourceType type() {
        return TYPE;
    }

    @Override
    public ResourceKind bind(AwsClients aws) {
        return new LambdaFunctions(aws);
    }

    static LambdaClient lambda(AwsClients aws, String region) {
        return aws.client("lambda", region, LambdaClient::builder, b -> b, REPLIES);
    }

    /**
     * An IAM client of this kind's own (cached apart from the iam-role kind's, whose reply rules are for the
     * calls it observes with), for GetRole only.
     */
    static IamClient iam(AwsClients aws) {
        return aws.client("iam-for-lambda", "aws-global", IamClient::builder, b -> b, ROLE_REPLIES);
    }
}

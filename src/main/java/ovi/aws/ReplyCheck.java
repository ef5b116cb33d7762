package ovi.aws;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Refuses a successful (2xx) reply that is not the document its operation returns. The SDK's XML readers
 * are lenient: an HTML page with status 200 (a captive portal, a proxy's error page, a misrouted load
 * balancer) reads as a DescribeInstances with no reservations, and an empty region is the worst thing to
 * believe, since ovi then creates everything again. Such a reply becomes an {@link SdkClientException},
 * so an observation of that scope fails (it is unobserved, nothing is decided there) and an action fails
 * (it is never recorded as done).
 *
 * <p>What a reply must look like is the kind's to say, per client ({@link Rules}): the query protocols
 * (EC2, RDS, STS, IAM, SNS) always answer {@code <OperationResponse ...>}; REST-XML services (S3) name
 * their replies per operation, and some operations legitimately answer with no body. The list operations
 * ovi observes with must also carry their list element, even when empty, so a well-formed reply of the
 * wrong shape is not read as "nothing there" either.
 */
public final class ReplyCheck implements ExecutionInterceptor {
    /** How a service's successful replies are written. */
    public enum Protocol {
        /** EC2, RDS, STS, IAM, SNS: the reply to {@code Op} is always {@code <OpResponse ...>}. */
        QUERY_XML,
        /** S3: replies are named per operation, and some have no body. */
        REST_XML,
        /** DynamoDB, SQS, Lambda: a JSON object, which some operations may leave out. */
        JSON
    }

    /**
     * What the successful replies of one service look like.
     *
     * @param protocol how replies are written
     * @param roots    REST-XML: the root element of each operation's reply; several separated by {@code |}
     *                 where servers that speak the API name one document differently
     * @param bodiless REST-XML and JSON: operations whose reply may have no body at all
     * @param required the text a reply to an operation must contain (its list element, even when empty)
     */
    public record Rules(Protocol protocol, Map<String, String> roots, Set<String> bodiless,
                        Map<String, String> required) {
        public Rules {
            java.util.Objects.requireNonNull(protocol, "protocol");
            roots = Map.copyOf(roots);
            bodiless = Set.copyOf(bodiless);
            required = Map.copyOf(required);
        }

        public static Rules query(Map<String, String> required) {
            return new Rules(Protocol.QUERY_XML, Map.of(), Set.of(), required);
        }

        public static Rules restXml(Map<String, String> roots, Set<String> bodiless, Map<String, String> required) {
            return new Rules(Protocol.REST_XML, roots, bodiless, required);
        }

        public static Rules json(Set<String> bodiless, Map<String, String> required) {
            return new Rules(Protocol.JSON, Map.of(), bodiless, required);
        }
    }

    private final Rules rules;

    public ReplyCheck(Rules rules) {
        this.rules = rules;
    }

    @Override
    public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context,
                                                           ExecutionAttributes attributes) {
        SdkHttpResponse http = context.httpResponse();
        if (!http.isSuccessful()) {
            return context.responseBody(); // AWS errors are read, and classified, by the SDK
        }
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        byte[] body = readAll(context.responseBody().orElse(null));
        String problem = problem(rules, operation, body);
        if (problem != null) {
            throw SdkClientException.create("AWS answered " + operation + " with something that is not its reply ("
                    + problem + "; HTTP " + http.statusCode() + http.firstMatchingHeader("Content-Type")
                    .map(t -> ", " + t).orElse("") + "): " + preview(body));
        }
        return Optional.of(new ByteArrayInputStream(body));
    }

    /** What is wrong with a 2xx reply's body, or null when it is the operation's document. */
    static String problem(Rules rules, String operation, byte[] body) {
        if (rules.protocol() == Protocol.JSON) {
            return jsonProblem(rules, operation, body);
        }
        String root = rootElement(body);
        if (rules.protocol() == Protocol.REST_XML) {
            if (root == null) {
                return rules.bodiless().contains(operation) ? null : "an empty body";
            }
            String want = rules.roots().get(operation);
            if (want != null && !List.of(want.split("\\|")).contains(root)) {
                return root.isEmpty() ? "not XML" : "a <" + root + "> document, not <"
                        + want.replace("|", "> or <") + ">";
            }
            if (want == null && (root.isEmpty() || root.equalsIgnoreCase("html"))) {
                return root.isEmpty() ? "not XML" : "an HTML page";
            }
        } else {
            String want = operation + "Response";
            if (root == null) {
                return "an empty body";
            }
            if (!want.equals(root)) {
                return root.isEmpty() ? "not XML" : "a <" + root + "> document, not <" + want + ">";
            }
        }
        String required = rules.required().get(operation);
        if (required != null && !contains(body, required)) {
            return "no " + required + "> element";
        }
        return null;
    }

    private static String jsonProblem(Rules rules, String operation, byte[] body) {
        String head = new String(body, 0, Math.min(body.length, 4096), StandardCharsets.UTF_8).strip();
        if (head.isEmpty()) {
            return rules.bodiless().contains(operation) ? null : "an empty body";
        }
        if (!head.startsWith("{")) {
            return head.startsWith("<") ? (head.regionMatches(true, 0, "<!doctype html", 0, 14)
                    || head.regionMatches(true, 0, "<html", 0, 5) ? "an HTML page" : "XML, not JSON") : "not JSON";
        }
        String required = rules.required().get(operation);
        if (required != null && !contains(body, required)) {
            return "no " + required + " member";
        }
        return null;
    }

    /**
     * The name of the first element, without its namespace prefix; null for an empty body, "" for one
     * that does not start like an XML document (after an optional declaration, comments and whitespace).
     */
    static String rootElement(byte[] body) {
        String head = new String(body, 0, Math.min(body.length, 4096), StandardCharsets.UTF_8);
        int i = 0;
        if (head.startsWith("\uFEFF")) {
            i = 1;
        }
        while (true) {
            while (i < head.length() && Character.isWhitespace(head.charAt(i))) {
                i++;
            }
            if (i >= head.length()) {
                return body.length == 0 || head.isBlank() ? null : "";
            }
            if (head.startsWith("<?", i) || head.startsWith("<!--", i)) {
                String close = head.startsWith("<?", i) ? "?>" : "-->";
                int end = head.indexOf(close, i);
                if (end < 0) {
                    return "";
                }
                i = end + close.length();
                continue;
            }
            if (head.startsWith("<!", i)) {
                // a DOCTYPE: AWS never sends one; an HTML page does
                return head.regionMatches(true, i, "<!doctype html", 0, 14) ? "html" : "";
            }
            if (head.charAt(i) != '<') {
                return "";
            }
            int start = i + 1;
            int end = start;
            while (end < head.length() && !Character.isWhitespace(head.charAt(end)) && head.charAt(end) != '>'
                    && head.charAt(end) != '/') {
                end++;
            }
            String name = head.substring(start, end);
            int colon = name.indexOf(':');
            return colon < 0 ? name : name.substring(colon + 1);
        }
    }

    private static boolean contains(byte[] body, String ascii) {
        byte[] needle = ascii.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + needle.length <= body.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (body[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** The first line or so of the body, printable, for the error message. */
    private static String preview(byte[] body) {
        if (body.length == 0) {
            return "(no body)";
        }
        String s = new String(body, 0, Math.min(body.length, 120), StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) ? ' ' : c);
        }
        return "'" + out.toString().strip() + (body.length > 120 ? "...'" : "'");
    }

    static byte[] readAll(InputStream in) {
        if (in == null) {
            return new byte[0];
        }
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            // a reply cut short: as unreadable as garbage, and as worth a retry as any network failure
            throw SdkClientException.create("the reply from AWS was cut short: " + e.getMessage(), e);
        }
    }
}

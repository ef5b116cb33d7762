package ovi.aws.iam;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import ovi.aws.AwsClients;
import ovi.aws.AwsKind;
import ovi.aws.ReplyCheck;
import ovi.engine.ResourceKind;
import ovi.model.Action;
import ovi.model.Field;
import ovi.model.ResourceType;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * IAM roles, account-wide: {@code roleName}, the name and cloud id (default {@code <owner>-<id>});
 * {@code trust}, who may assume it (a service principal such as {@code ec2.amazonaws.com}, or a whole
 * policy document), compared as JSON, not as text; {@code managedPolicies}, the ARNs attached, compared as
 * a set (one attached by hand is drift, and apply detaches it); {@code maxSession}, a duration from 1h to
 * 12h; {@code inlinePolicies}, policy name -> document, compared as a set of named JSON documents (a policy
 * added, removed or edited by hand is drift, one change per policy).
 */
public final class IamRoleKind implements AwsKind {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9+=,.@_-]{1,64}");
    private static final Pattern SERVICE = Pattern.compile("[a-z0-9.-]+\\.amazonaws\\.com(\\.cn)?");
    private static final Pattern POLICY_ARN = Pattern.compile("arn:aws[a-z-]*:iam::(aws|\\d{12}):policy/[\\w+=,.@/-]{1,512}");
    static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    public static final ResourceType TYPE = ResourceType.global("iam-role", "role", List.of(
            Field.identity("roleName", Field.matching(NAME, "a role name of 1 to 64 letters, digits or + = , . @ _ -"))
                    .orElse(Field.ownerDashId("A-Za-z0-9+=,.@_-", 64)),
            Field.compared("trust", IamRoleKind::trust),
            Field.compared("managedPolicies", IamRoleKind::policies).orElse((owner, id) -> ""),
            Field.compared("maxSession", Field.seconds(Duration.ofHours(1), Duration.ofHours(12))).optional(),
            Field.compared("inlinePolicies", Field.setOf(Field.shown(IamRoleKind::inlinePolicy,
                    e -> e.substring(0, e.indexOf(' ')))))
                    .orElse((owner, id) -> "")),
            Set.of(Action.CREATE, Action.UPDATE, Action.DELETE));

    /** IAM speaks the query protocol; the lists it observes with are present even when empty. */
    public static final ReplyCheck.Rules REPLIES = ReplyCheck.Rules.query(Map.of(
            "ListRoles", "<Roles", "ListRoleTags", "<Tags", "ListAttachedRolePolicies", "<AttachedPolicies",
            "ListRolePolicies", "<PolicyNames", "GetRolePolicy", "<PolicyDocument"));

    @Override
    public ResourceType type() {
        return TYPE;
    }

    @Override
    public ResourceKind bind(AwsClients aws) {
        return new IamRoles(aws);
    }

    /** IAM is one endpoint for the whole partition. */
    static IamClient iam(AwsClients aws) {
        return aws.client("iam", "aws-global", IamClient::builder, b -> b, REPLIES);
    }


    /** A service principal, or a whole trust policy (as a mapping or JSON text), as canonical JSON. */
    private static String trust(Field.Value v) {
        Object doc = v.tree();
        if (doc instanceof String s && SERVICE.matcher(s).matches()) {
            doc = Map.of("Version", "2012-10-17", "Statement", List.of(Map.of("Effect", "Allow",
                    "Principal", Map.of("Service", s), "Action", "sts:AssumeRole")));
        } else if (doc instanceof String s && s.strip().startsWith("{")) {
            try {
                doc = JSON.readValue(s, Object.class);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("trust is not a JSON policy document: " + e.getOriginalMessage());
            }
        }
        if (!(doc instanceof Map<?, ?> m) || !(m.get("Statement") instanceof List<?>)) {
            throw new IllegalArgumentException("trust is a service principal such as ec2.amazonaws.com, or a policy "
                    + "document with a Statement list, not " + v.description());
        }
        return canonical(JSON.valueToTree(doc));
    }

    private static final Pattern POLICY_NAME = Pattern.compile("[\\w+=,.@-]{1,128}");

    /** One inline policy, {@code name: document} (a mapping or JSON text), as {@code <name> <canonical JSON>}. */
    private static String inlinePolicy(Field.Value v) {
        if (!(v.tree() instanceof Map<?, ?> m) || m.size() != 1 || !(m.keySet().iterator().next() instanceof String name)) {
            throw new IllegalArgumentException("inlinePolicies is a mapping of policy names to documents, not "
                    + v.description());
        }
        if (!POLICY_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a policy name: 1 to 128 letters, digits or + = , . @ _ -");
        }
        Object doc = m.get(name);
        if (doc instanceof String s && s.strip().startsWith("{")) {
            try {
                doc = JSON.readValue(s, Object.class);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("policy " + name + " is not a JSON document: " + e.getOriginalMessage());
            }
        }
        if (!(doc instanceof Map<?, ?> d) || !(d.get("Statement") instanceof List<?> || d.get("Statement") instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("policy " + name + " is a policy document with a Statement, not "
                    + Field.Value.of(doc).description());
        }
        return name + " " + canonical(JSON.valueToTree(doc));
    }

    /** The inline policy of a canonical element: its name and its document. */
    static String[] inline(String element) {
        int sp = element.indexOf(' ');
        return new String[] {element.substring(0, sp), element.substring(sp + 1)};
    }

    /** An inline policy as IAM gives it (URL-encoded JSON), as the element the config reads it as. */
    static String observedInline(String name, String encoded) {
        String doc = observedTrust(encoded);
        return name + " " + (doc == null ? "(unreadable)" : doc);
    }

    private static String policies(Field.Value v) {
        if (!(v.tree() instanceof List<?> list)) {
            throw new IllegalArgumentException("managedPolicies is a list of policy ARNs, not " + v.description());
        }
        TreeSet<String> arns = new TreeSet<>();
        for (Object o : list) {
            if (!(o instanceof String s) || !POLICY_ARN.matcher(s).matches()) {
                throw new IllegalArgumentException("'" + o + "' is not a managed policy ARN such as "
                        + "arn:aws:iam::aws:policy/ReadOnlyAccess");
            }
            arns.add(s);
        }
        return String.join(",", arns);
    }

    /**
     * A policy as ovi compares it: keys sorted, and a list of one value read as that value, which IAM
     * treats alike ({@code "Action": ["sts:AssumeRole"]} is {@code "Action": "sts:AssumeRole"}).
     */
    static String canonical(JsonNode doc) {
        try {
            return JSON.writeValueAsString(JSON.treeToValue(simplify(doc), Object.class));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        }
    }

    private static JsonNode simplify(JsonNode n) {
        if (n.isArray()) {
            if (n.size() == 1 && !n.get(0).isObject()) {
                return simplify(n.get(0));
            }
            var out = JSON.createArrayNode();
            n.forEach(e -> out.add(simplify(e)));
            return out;
        }
        if (n.isObject()) {
            var out = JSON.createObjectNode();
            n.properties().forEach(e -> out.set(e.getKey(), simplify(e.getValue())));
            return out;
        }
        return n;
    }

    /** A trust policy as IAM gives it (URL-encoded JSON) in canonical form; null when it cannot be read. */
    static String observedTrust(String encoded) {
        if (encoded == null) {
            return null;
        }
        try {
            String text = encoded.strip().startsWith("{") ? encoded : URLDecoder.decode(encoded, StandardCharsets.UTF_8);
            return canonical(JSON.readTree(text));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return null; // compared as absent: drift, which apply sets to the declared document
        }
    }
}

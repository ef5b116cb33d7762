package ovi.aws.s3;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import ovi.model.Durations;
import ovi.model.Field;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.LifecycleRuleFilter;
import software.amazon.awssdk.services.s3.model.PublicAccessBlockConfiguration;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionByDefault;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionConfiguration;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionRule;

/**
 * A bucket's security settings as ovi declares and compares them: each has a reader for the config, one
 * canonical text (the attribute compared for drift), a form people read in plans, the canonical text of
 * what S3 answers, and the S3 configuration that puts a declared value. One canonical text per meaning,
 * so a value read back from S3 equals the value declared.
 *
 * <ul>
 *   <li>{@code versioning}: {@code true} or {@code false} (Enabled; Suspended or never versioned).</li>
 *   <li>{@code encryption}: {@code aes256}, {@code kms} (the AWS managed key) or {@code kms:<key>};
 *       observed also {@code none}.</li>
 *   <li>{@code publicAccessBlock}: {@code true} (all four on), {@code false} (all four off, or no
 *       configuration), else the four as {@code blockPublicAcls=true,ignorePublicAcls=false,...}.</li>
 *   <li>{@code lifecycle}: the rules as JSON, sorted by id, durations as whole days ({@code "30d"});
 *       {@code []} for none. What ovi cannot declare (a transition, a disabled rule) is carried in the
 *       observed text, so such a rule is drift and never equals a declared one.</li>
 * </ul>
 */
final class S3Settings {
    static final String VERSIONING = "versioning";
    static final String ENCRYPTION = "encryption";
    static final String PUBLIC_ACCESS_BLOCK = "publicAccessBlock";
    static final String LIFECYCLE = "lifecycle";

    static final String AES256 = "aes256";
    static final String KMS = "kms";
    /** No default encryption configuration: only ever observed (S3 no longer lets a bucket be without one). */
    static final String NONE = "none";
    static final String ALL_ON = "true";
    static final String ALL_OFF = "false";
    static final String NO_RULES = "[]";

    /** The four settings of a public access block, in the order S3 documents them. */
    static final List<String> BLOCKS = List.of("blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy",
            "restrictPublicBuckets");

    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final String KEY_ID = "(" + UUID + "|mrk-[0-9a-f]{32})";
    private static final Pattern KMS_KEY = Pattern.compile(KEY_ID
            + "|arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:(key/" + KEY_ID + "|alias/[A-Za-z0-9/_-]{1,256})");
    private static final String ENCRYPTION_EXPECTED = "aes256, kms, or {kms: <key id or ARN>}";
    private static final String BLOCK_EXPECTED = "true (all four on), false (all four off), or a mapping of "
            + String.join(", ", BLOCKS) + " to true or false (a setting left out is true)";
    private static final String RULE_EXPECTED = "{id: logs, prefix: logs/, expire: 30d, noncurrentExpire: 7d}";
    private static final Set<String> RULE_KEYS = Set.of("id", "prefix", "expire", "noncurrentExpire");
    // S3 takes at most 1,000 rules, an id of 255 characters and a key prefix of 1,024 bytes
    private static final int MAX_RULES = 1000;
    private static final int MAX_ID = 255;
    private static final int MAX_PREFIX = 1024;
    private static final Duration MIN_DAYS = Duration.ofDays(1);
    private static final Duration MAX_DAYS = Duration.ofDays(36_500);

    private static final ObjectMapper JSON = new ObjectMapper();

    private S3Settings() {
    }

    // ---- readers of the config

    /** {@code aes256}, {@code kms}, or {@code {kms: <key id or ARN>}}. */
    static final Field.Reader ENCRYPTION_READER = new Field.Reader() {
        @Override
        public String read(Field.Value v) {
            if (v.tree() instanceof String s) {
                if (s.equals(AES256) || s.equals(KMS)) {
                    return s;
                }
                throw new IllegalArgumentException("'" + s + "' is not an encryption; expected " + ENCRYPTION_EXPECTED);
            }
            if (v.tree() instanceof Map<?, ?> m && m.size() == 1 && m.containsKey(KMS)) {
                Object key = m.get(KMS);
                if (key instanceof String s && KMS_KEY.matcher(s).matches()) {
                    return KMS + ":" + s;
                }
                throw new IllegalArgumentException("the KMS key is a key id such as "
                        + "1234abcd-12ab-34cd-56ef-1234567890ab, or an ARN such as "
                        + "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab, not "
                        + describe(key));
            }
            throw new IllegalArgumentException("encryption is " + ENCRYPTION_EXPECTED + ", not " + v.description());
        }

        @Override
        public String show(String canonical) {
            return switch (canonical) {
                case AES256 -> "aes256 (SSE-S3)";
                case KMS -> "kms (SSE-KMS, the AWS managed key)";
                case NONE -> "none (no default encryption)";
                default -> canonical.startsWith(KMS + ":") ? "kms (SSE-KMS, key " + canonical.substring(4) + ")"
                        : canonical;
            };
        }
    };

    /** {@code true}, {@code false}, or a mapping of the four settings (each left out is true). */
    static final Field.Reader PUBLIC_ACCESS_BLOCK_READER = new Field.Reader() {
        @Override
        public String read(Field.Value v) {
            if (v.tree() instanceof Boolean b) {
                return b.toString();
            }
            if (!(v.tree() instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException("publicAccessBlock is " + BLOCK_EXPECTED + ", not " + v.description());
            }
            for (Object k : m.keySet()) {
                if (!BLOCKS.contains(k)) {
                    throw new IllegalArgumentException("'" + k + "' is not a public access block setting; expected "
                            + String.join(", ", BLOCKS));
                }
            }
            boolean[] on = new boolean[BLOCKS.size()];
            for (int i = 0; i < on.length; i++) {
                Object x = m.containsKey(BLOCKS.get(i)) ? m.get(BLOCKS.get(i)) : Boolean.TRUE;
                if (!(x instanceof Boolean b)) {
                    throw new IllegalArgumentException(BLOCKS.get(i) + " must be true or false, not " + describe(x));
                }
                on[i] = b;
            }
            return publicAccessBlock(on);
        }

        @Override
        public String show(String canonical) {
            if (canonical.equals(ALL_ON)) {
                return "all four on";
            }
            if (canonical.equals(ALL_OFF)) {
                return "all four off";
            }
            List<String> on = new ArrayList<>();
            List<String> off = new ArrayList<>();
            for (String part : canonical.split(",")) {
                String[] kv = part.split("=", 2);
                (kv.length == 2 && kv[1].equals("true") ? on : off).add(kv[0]);
            }
            return "on: " + String.join(", ", on) + "; off: " + String.join(", ", off);
        }
    };

    /** A list of {@code {id, prefix, expire, noncurrentExpire}} rules, as canonical JSON. */
    static final Field.Reader LIFECYCLE_READER = new Field.Reader() {
        @Override
        public String read(Field.Value v) {
            if (!(v.tree() instanceof List<?> list)) {
                throw new IllegalArgumentException("lifecycle is a list of rules such as [" + RULE_EXPECTED + "], "
                        + "or [] for none, not " + v.description());
            }
            if (list.size() > MAX_RULES) {
                throw new IllegalArgumentException("lifecycle has " + list.size() + " rules; S3 takes at most "
                        + MAX_RULES);
            }
            List<Map<String, Object>> rules = new ArrayList<>();
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < list.size(); i++) {
                Map<String, Object> rule = rule("lifecycle[" + i + "]", list.get(i));
                if (!ids.add((String) rule.get("id"))) {
                    throw new IllegalArgumentException("lifecycle[" + i + "].id '" + rule.get("id") + "' is given to "
                            + "two rules; each rule's id must be its own");
                }
                rules.add(rule);
            }
            return json(rules);
        }

        @Override
        public String show(String canonical) {
            List<Map<String, Object>> rules;
            try {
                rules = JSON.readValue(canonical, new TypeReference<>() { });
            } catch (JsonProcessingException e) {
                return canonical; // an observed value is shown as it came
            }
            if (rules.isEmpty()) {
                return "none";
            }
            List<String> out = new ArrayList<>();
            for (Map<String, Object> r : rules) {
                StringBuilder sb = new StringBuilder().append(r.get("id")).append(": ");
                Object prefix = r.get("prefix");
                sb.append(prefix == null || "".equals(prefix) ? "every object" : "prefix '" + prefix + "'");
                if (r.get("expire") != null) {
                    sb.append(", expire ").append(r.get("expire"));
                }
                if (r.get("noncurrentExpire") != null) {
                    sb.append(", noncurrent versions expire ").append(r.get("noncurrentExpire"));
                }
                if (r.get("status") != null) {
                    sb.append(", ").append(r.get("status"));
                }
                if (r.get("also") != null) {
                    sb.append(", also ").append(r.get("also"));
                }
                out.add(sb.toString());
            }
            return String.join("; ", out);
        }
    };

    private static Map<String, Object> rule(String at, Object item) {
        if (!(item instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(at + " is a rule such as " + RULE_EXPECTED + ", not " + describe(item));
        }
        for (Object k : m.keySet()) {
            if (!RULE_KEYS.contains(k)) {
                throw new IllegalArgumentException(at + ": unknown key '" + k + "'; a rule has id, prefix, expire and "
                        + "noncurrentExpire");
            }
        }
        if (!m.containsKey("id")) {
            throw new IllegalArgumentException(at + ".id is required: the rule's name");
        }
        if (!(m.get("id") instanceof String id) || id.isBlank()) {
            throw new IllegalArgumentException(at + ".id is the rule's name, a non-empty string, not "
                    + describe(m.get("id")));
        }
        if (id.length() > MAX_ID) {
            throw new IllegalArgumentException(at + ".id is longer than " + MAX_ID + " characters");
        }
        Object prefix = m.containsKey("prefix") ? m.get("prefix") : "";
        if (!(prefix instanceof String p)) {
            throw new IllegalArgumentException(at + ".prefix is the start of the keys the rule covers (a string, "
                    + "\"\" for every object), not " + describe(prefix));
        }
        if (p.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PREFIX) {
            throw new IllegalArgumentException(at + ".prefix is longer than " + MAX_PREFIX + " bytes");
        }
        if (!m.containsKey("expire")) {
            throw new IllegalArgumentException(at + ".expire is required: how long after creation objects expire, "
                    + "in whole days (such as 30d)");
        }
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("id", id);
        rule.put("prefix", p);
        rule.put("expire", days(at + ".expire", m.get("expire")));
        if (m.containsKey("noncurrentExpire")) {
            rule.put("noncurrentExpire", days(at + ".noncurrentExpire", m.get("noncurrentExpire")));
        }
        return rule;
    }

    /** A duration in ovi's grammar that is whole days, as {@code <n>d}. */
    private static String days(String at, Object value) {
        Duration d;
        if (value instanceof Long n) {
            d = Duration.ofSeconds(n); // a bare number is seconds, as everywhere in the config
        } else if (value instanceof String s) {
            try {
                d = Durations.parse(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + ": " + e.getMessage());
            }
        } else {
            throw new IllegalArgumentException(at + " is a duration in whole days such as 30d, not " + describe(value));
        }
        if (d.compareTo(MIN_DAYS) < 0 || d.compareTo(MAX_DAYS) > 0 || !d.equals(Duration.ofDays(d.toDays()))) {
            throw new IllegalArgumentException(at + " must be whole days from 1d to " + MAX_DAYS.toDays() + "d, as S3 "
                    + "counts lifecycles, not " + Durations.format(d) + (value instanceof Long
                    ? " (a bare number is seconds)" : ""));
        }
        return d.toDays() + "d";
    }

    /** A value inside a mapping or list, as the config loader describes a whole one. */
    private static String describe(Object x) {
        if (x == null) {
            return "no value";
        }
        if (x instanceof String s) {
            return "the string '" + s + "'";
        }
        if (x instanceof Map<?, ?>) {
            return "a mapping";
        }
        if (x instanceof List<?>) {
            return "a list";
        }
        return (x instanceof Boolean ? "the boolean " : x instanceof Long ? "the integer " : "the number ") + x;
    }

    // ---- canonical forms of what S3 answers

    /** Enabled is true; Suspended, and a bucket never versioned (no status), are false. */
    static String versioning(BucketVersioningStatus status) {
        return Boolean.toString(status == BucketVersioningStatus.ENABLED);
    }

    /** The default encryption of the first rule (S3 keeps one); null (no configuration) is {@code none}. */
    static String encryption(ServerSideEncryptionConfiguration config) {
        if (config == null || !config.hasRules() || config.rules().isEmpty()
                || config.rules().get(0).applyServerSideEncryptionByDefault() == null) {
            return NONE;
        }
        ServerSideEncryptionByDefault d = config.rules().get(0).applyServerSideEncryptionByDefault();
        String key = d.kmsMasterKeyID() == null || d.kmsMasterKeyID().isEmpty() ? "" : ":" + d.kmsMasterKeyID();
        if (d.sseAlgorithm() == ServerSideEncryption.AES256) {
            return AES256;
        }
        if (d.sseAlgorithm() == ServerSideEncryption.AWS_KMS) {
            return KMS + key;
        }
        // aws:kms:dsse and whatever S3 adds later: never what a declaration says, so always drift
        return String.valueOf(d.sseAlgorithmAsString()) + key;
    }

    /** The four settings; no configuration reads as all four off, and so does a setting left unset. */
    static String publicAccessBlock(PublicAccessBlockConfiguration c) {
        if (c == null) {
            return ALL_OFF;
        }
        return publicAccessBlock(new boolean[] {Boolean.TRUE.equals(c.blockPublicAcls()),
                Boolean.TRUE.equals(c.ignorePublicAcls()), Boolean.TRUE.equals(c.blockPublicPolicy()),
                Boolean.TRUE.equals(c.restrictPublicBuckets())});
    }

    private static String publicAccessBlock(boolean[] on) {
        boolean all = true;
        boolean none = true;
        for (boolean b : on) {
            all &= b;
            none &= !b;
        }
        if (all || none) {
            return Boolean.toString(all);
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < on.length; i++) {
            parts.add(BLOCKS.get(i) + "=" + on[i]);
        }
        return String.join(",", parts);
    }

    /**
     * The rules as ovi declares them, with what a declaration cannot say kept beside (a disabled rule's
     * status, transitions, a tag filter...), so that such a rule never equals a declared one.
     */
    static String lifecycle(List<LifecycleRule> rules) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (LifecycleRule r : rules == null ? List.<LifecycleRule>of() : rules) {
            Map<String, Object> rule = new LinkedHashMap<>();
            List<String> also = new ArrayList<>();
            rule.put("id", r.id() == null ? "" : r.id());
            String prefix = r.prefix();
            LifecycleRuleFilter f = r.filter();
            if (f != null) {
                prefix = f.prefix();
                if (f.tag() != null) {
                    also.add("a tag filter");
                }
                if (f.and() != null) {
                    also.add("an and filter");
                }
                if (f.objectSizeGreaterThan() != null || f.objectSizeLessThan() != null) {
                    also.add("a size filter");
                }
            }
            rule.put("prefix", prefix == null ? "" : prefix);
            if (r.expiration() != null) {
                if (r.expiration().days() != null) {
                    rule.put("expire", r.expiration().days() + "d");
                }
                if (r.expiration().date() != null) {
                    also.add("expiry on a date");
                }
                if (Boolean.TRUE.equals(r.expiration().expiredObjectDeleteMarker())) {
                    also.add("expired delete markers removed");
                }
            }
            if (r.noncurrentVersionExpiration() != null && r.noncurrentVersionExpiration().noncurrentDays() != null) {
                rule.put("noncurrentExpire", r.noncurrentVersionExpiration().noncurrentDays() + "d");
                if (r.noncurrentVersionExpiration().newerNoncurrentVersions() != null) {
                    also.add("newer noncurrent versions kept");
                }
            }
            if (r.hasTransitions() && !r.transitions().isEmpty()) {
                also.add("transitions");
            }
            if (r.hasNoncurrentVersionTransitions() && !r.noncurrentVersionTransitions().isEmpty()) {
                also.add("noncurrent version transitions");
            }
            if (r.abortIncompleteMultipartUpload() != null) {
                also.add("incomplete uploads aborted");
            }
            if (!"Enabled".equals(r.statusAsString())) {
                rule.put("status", String.valueOf(r.statusAsString()));
            }
            if (!also.isEmpty()) {
                rule.put("also", String.join(", ", also));
            }
            out.add(rule);
        }
        return json(out);
    }

    private static String json(List<Map<String, Object>> rules) {
        List<Map<String, Object>> sorted = new ArrayList<>(rules);
        sorted.sort(Comparator.comparing(r -> String.valueOf(r.get("id"))));
        try {
            return JSON.writeValueAsString(sorted);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("lists of maps of strings always write as JSON", e);
        }
    }

    // ---- what puts a declared value

    static BucketVersioningStatus versioningStatus(String canonical) {
        return Boolean.parseBoolean(canonical) ? BucketVersioningStatus.ENABLED : BucketVersioningStatus.SUSPENDED;
    }

    static ServerSideEncryptionConfiguration encryptionConfiguration(String canonical) {
        ServerSideEncryptionByDefault.Builder d = ServerSideEncryptionByDefault.builder();
        if (canonical.equals(AES256)) {
            d.sseAlgorithm(ServerSideEncryption.AES256);
        } else if (canonical.equals(KMS) || canonical.startsWith(KMS + ":")) {
            d.sseAlgorithm(ServerSideEncryption.AWS_KMS);
            if (canonical.startsWith(KMS + ":")) {
                d.kmsMasterKeyID(canonical.substring(KMS.length() + 1));
            }
        } else {
            throw new IllegalArgumentException("not a declared encryption: " + canonical);
        }
        return ServerSideEncryptionConfiguration.builder().rules(ServerSideEncryptionRule.builder()
                .applyServerSideEncryptionByDefault(d.build()).build()).build();
    }

    static PublicAccessBlockConfiguration publicAccessBlockConfiguration(String canonical) {
        boolean[] on = new boolean[BLOCKS.size()];
        if (canonical.equals(ALL_ON) || canonical.equals(ALL_OFF)) {
            java.util.Arrays.fill(on, canonical.equals(ALL_ON));
        } else {
            Map<String, String> parts = new LinkedHashMap<>();
            for (String part : canonical.split(",")) {
                String[] kv = part.split("=", 2);
                parts.put(kv[0], kv.length == 2 ? kv[1] : "");
            }
            for (int i = 0; i < on.length; i++) {
                on[i] = "true".equals(Objects.requireNonNull(parts.get(BLOCKS.get(i)),
                        () -> "not a declared public access block: " + canonical));
            }
        }
        return PublicAccessBlockConfiguration.builder().blockPublicAcls(on[0]).ignorePublicAcls(on[1])
                .blockPublicPolicy(on[2]).restrictPublicBuckets(on[3]).build();
    }

    /** The declared rules, each enabled, filtered by its prefix. */
    static List<LifecycleRule> lifecycleRules(String canonical) {
        List<Map<String, Object>> rules;
        try {
            rules = JSON.readValue(canonical, new TypeReference<>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a declared lifecycle: " + canonical, e);
        }
        List<LifecycleRule> out = new ArrayList<>();
        for (Map<String, Object> r : rules) {
            LifecycleRule.Builder b = LifecycleRule.builder().id((String) r.get("id")).status("Enabled")
                    .filter(f -> f.prefix((String) r.get("prefix")))
                    .expiration(e -> e.days(dayCount(r.get("expire"))));
            if (r.get("noncurrentExpire") != null) {
                b.noncurrentVersionExpiration(n -> n.noncurrentDays(dayCount(r.get("noncurrentExpire"))));
            }
            out.add(b.build());
        }
        return out;
    }

    private static int dayCount(Object days) {
        String s = String.valueOf(days);
        return Integer.parseInt(s.substring(0, s.length() - 1));
    }
}

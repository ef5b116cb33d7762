package ovi.aws.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import ovi.config.ConfigException;
import ovi.config.ConfigLoader;
import ovi.config.Problem;
import ovi.model.DesiredResource;
import ovi.model.Field;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.PublicAccessBlockConfiguration;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionConfiguration;
import software.amazon.awssdk.services.s3.model.TransitionStorageClass;

/**
 * The bucket settings' readers through the config loader (canonical values, and each problem at its
 * file, line and column), how each canonical value reads in a plan, and what S3 answers read back as the
 * same canonical text a declaration gives.
 */
class S3SettingsTest {
    private static final Path FILE = Path.of("ovi.yaml");
    /** The bucket's entry starts on line 6; a setting written after it is on line 8. */
    private static final String BUCKET = """
            version: v1
            provider: aws
            region: us-east-1
            owner: team-web
            resources:
              - type: s3
                bucket: team-web-assets
            """;
    private static final String KEY = "1234abcd-12ab-34cd-56ef-1234567890ab";

    private static Map<String, String> attributes(String settings) throws ConfigException {
        List<DesiredResource> desired = ConfigLoader.parse(BUCKET + settings, FILE).desired();
        Map<String, String> out = new HashMap<>(desired.get(0).attributes());
        out.remove("bucket");
        return out;
    }

    private static String value(String field, String yaml) throws ConfigException {
        return attributes("    " + field + ": " + yaml + "\n").get(field);
    }

    /** The one problem a setting written as {@code field: yaml} on line 8 has, checked for place and text. */
    private static void assertProblem(String field, String yaml, String message) {
        Problem p = onlyProblem("    " + field + ": " + yaml + "\n");
        assertEquals("resources[0]." + field, p.key(), p::toString);
        assertEquals(FILE, p.file());
        assertEquals(8, p.line(), p::toString);
        assertEquals(4 + field.length() + 2 + 1, p.column(), p::toString);
        assertEquals(message, p.message(), p::toString);
    }

    private static Problem onlyProblem(String settings) {
        try {
            fail("the config loaded: " + ConfigLoader.parse(BUCKET + settings, FILE));
            return null;
        } catch (ConfigException e) {
            assertEquals(1, e.problems().size(), () -> e.problems().stream().map(Problem::toString)
                    .collect(Collectors.joining("\n")));
            assertTrue(e.getMessage().startsWith("ovi.yaml:"), e::getMessage);
            return e.problems().get(0);
        }
    }

    private static Field field(String name) {
        return S3Kind.TYPE.field(name).orElseThrow();
    }

    // ---- defaults

    @Test
    void aBucketThatSaysNothingIsEncryptedAndPrivateAndItsVersioningAndLifecycleAreNotCompared() throws Exception {
        assertEquals(Map.of("encryption", "aes256", "publicAccessBlock", "true"), attributes(""));
    }

    @Test
    void anExplicitValueWinsOverTheDefaults() throws Exception {
        assertEquals(Map.of("encryption", "kms", "publicAccessBlock", "false"),
                attributes("    encryption: kms\n    publicAccessBlock: false\n"));
    }

    // ---- versioning

    @Test
    void versioningIsTrueOrFalse() throws Exception {
        assertEquals("true", value("versioning", "true"));
        assertEquals("false", value("versioning", "false"));
        assertProblem("versioning", "Enabled", "expected true or false, got the string 'Enabled'");
    }

    // ---- encryption

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "aes256 | aes256",
            "kms | kms",
            "{kms: 1234abcd-12ab-34cd-56ef-1234567890ab} | kms:1234abcd-12ab-34cd-56ef-1234567890ab",
            "{kms: mrk-1234abcd12ab34cd56ef1234567890ab} | kms:mrk-1234abcd12ab34cd56ef1234567890ab",
            "{kms: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'}"
                    + " | kms:arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "{kms: 'arn:aws:kms:eu-west-1:111122223333:alias/team-web'}"
                    + " | kms:arn:aws:kms:eu-west-1:111122223333:alias/team-web"})
    void encryptionIsAes256OrKmsWithAnOptionalKey(String yaml, String canonical) throws Exception {
        assertEquals(canonical, value("encryption", yaml));
    }

    @Test
    void encryptionProblemsSayWhatIsExpected() {
        assertProblem("encryption", "AES256", "'AES256' is not an encryption; expected aes256, kms, or "
                + "{kms: <key id or ARN>}");
        assertProblem("encryption", "none", "'none' is not an encryption; expected aes256, kms, or "
                + "{kms: <key id or ARN>}");
        assertProblem("encryption", "true", "encryption is aes256, kms, or {kms: <key id or ARN>}, not the boolean true");
        assertProblem("encryption", "{kms: " + KEY + ", aes256: true}",
                "encryption is aes256, kms, or {kms: <key id or ARN>}, not a mapping");
        String badKey = "the KMS key is a key id such as 1234abcd-12ab-34cd-56ef-1234567890ab, or an ARN such as "
                + "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab, not ";
        assertProblem("encryption", "{kms: my-key}", badKey + "the string 'my-key'");
        assertProblem("encryption", "{kms: 42}", badKey + "the integer 42");
        assertProblem("encryption", "{kms: null}", badKey + "no value");
        assertProblem("encryption", "{kms: 'arn:aws:kms:us-east-1:111122223333:key/my-key'}",
                badKey + "the string 'arn:aws:kms:us-east-1:111122223333:key/my-key'");
    }

    // ---- public access block

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "true | true",
            "false | false",
            "{} | true",
            "{blockPublicAcls: true, ignorePublicAcls: true} | true",
            "{blockPublicAcls: false, ignorePublicAcls: false, blockPublicPolicy: false, restrictPublicBuckets: false}"
                    + " | false",
            "{ignorePublicAcls: false} | blockPublicAcls=true,ignorePublicAcls=false,blockPublicPolicy=true,"
                    + "restrictPublicBuckets=true",
            "{restrictPublicBuckets: false, blockPublicAcls: false} | blockPublicAcls=false,ignorePublicAcls=true,"
                    + "blockPublicPolicy=true,restrictPublicBuckets=false"})
    void publicAccessBlockIsAllOnAllOffOrTheFourEachDefaultingToOn(String yaml, String canonical) throws Exception {
        assertEquals(canonical, value("publicAccessBlock", yaml));
    }

    @Test
    void publicAccessBlockProblemsNameTheSetting() {
        assertProblem("publicAccessBlock", "all", "publicAccessBlock is true (all four on), false (all four off), or "
                + "a mapping of blockPublicAcls, ignorePublicAcls, blockPublicPolicy, restrictPublicBuckets to true or "
                + "false (a setting left out is true), not the string 'all'");
        assertProblem("publicAccessBlock", "{blockPublicAcl: true}", "'blockPublicAcl' is not a public access block "
                + "setting; expected blockPublicAcls, ignorePublicAcls, blockPublicPolicy, restrictPublicBuckets");
        assertProblem("publicAccessBlock", "{ignorePublicAcls: 'no'}", "ignorePublicAcls must be true or false, not "
                + "the string 'no'");
    }

    // ---- lifecycle

    @Test
    void lifecycleRulesAreCanonicalJsonSortedByIdInWholeDays() throws Exception {
        assertEquals("[{\"id\":\"logs\",\"prefix\":\"logs/\",\"expire\":\"30d\",\"noncurrentExpire\":\"7d\"},"
                        + "{\"id\":\"tmp\",\"prefix\":\"\",\"expire\":\"28d\"}]",
                value("lifecycle", "[{id: tmp, expire: 4w}, {id: logs, prefix: logs/, expire: P30D, "
                        + "noncurrentExpire: 168h}]"));
        assertEquals("[{\"id\":\"a\",\"prefix\":\"\",\"expire\":\"1d\"}]", value("lifecycle",
                "[{id: a, prefix: '', expire: 86400}]"));
        assertEquals("[]", value("lifecycle", "[]"));
    }

    @Test
    void lifecycleProblemsNameTheRuleAndItsKey() {
        assertProblem("lifecycle", "{id: a, expire: 30d}", "lifecycle is a list of rules such as [{id: logs, prefix: "
                + "logs/, expire: 30d, noncurrentExpire: 7d}], or [] for none, not a mapping");
        assertProblem("lifecycle", "[logs]", "lifecycle[0] is a rule such as {id: logs, prefix: logs/, expire: 30d, "
                + "noncurrentExpire: 7d}, not the string 'logs'");
        assertProblem("lifecycle", "[{id: a, expire: 1d, transition: 30d}]", "lifecycle[0]: unknown key 'transition'; "
                + "a rule has id, prefix, expire and noncurrentExpire");
        assertProblem("lifecycle", "[{expire: 1d}]", "lifecycle[0].id is required: the rule's name");
        assertProblem("lifecycle", "[{id: a, expire: 1d}, {id: 7, expire: 1d}]",
                "lifecycle[1].id is the rule's name, a non-empty string, not the integer 7");
        assertProblem("lifecycle", "[{id: ' ', expire: 1d}]", "lifecycle[0].id is the rule's name, a non-empty string, "
                + "not the string ' '");
        assertProblem("lifecycle", "[{id: '" + "x".repeat(256) + "', expire: 1d}]",
                "lifecycle[0].id is longer than 255 characters");
        assertProblem("lifecycle", "[{id: a, expire: 1d}, {id: a, expire: 2d}]",
                "lifecycle[1].id 'a' is given to two rules; each rule's id must be its own");
        assertProblem("lifecycle", "[{id: a, prefix: [logs], expire: 1d}]", "lifecycle[0].prefix is the start of the "
                + "keys the rule covers (a string, \"\" for every object), not a list");
        assertProblem("lifecycle", "[{id: a, prefix: '" + "p".repeat(1025) + "', expire: 1d}]",
                "lifecycle[0].prefix is longer than 1024 bytes");
        assertProblem("lifecycle", "[{id: a}]", "lifecycle[0].expire is required: how long after creation objects "
                + "expire, in whole days (such as 30d)");
        String days = " must be whole days from 1d to 36500d, as S3 counts lifecycles, not ";
        assertProblem("lifecycle", "[{id: a, expire: 36h}]", "lifecycle[0].expire" + days + "1d12h");
        assertProblem("lifecycle", "[{id: a, expire: 30}]", "lifecycle[0].expire" + days + "30s (a bare number is "
                + "seconds)");
        assertProblem("lifecycle", "[{id: a, expire: 0d}]", "lifecycle[0].expire" + days + "0s");
        assertProblem("lifecycle", "[{id: a, expire: 36501d}]", "lifecycle[0].expire" + days + "5214w3d");
        assertProblem("lifecycle", "[{id: a, expire: soon}]", "lifecycle[0].expire: 'soon' is not a duration such as "
                + "500ms, 30s, 15m, 1h30m, 2d, 1w or PT2H");
        assertProblem("lifecycle", "[{id: a, expire: [1d]}]", "lifecycle[0].expire is a duration in whole days such "
                + "as 30d, not a list");
        assertProblem("lifecycle", "[{id: a, expire: 1d, noncurrentExpire: 12h}]", "lifecycle[0].noncurrentExpire"
                + days + "12h");
        String many = IntStream.range(0, 1001).mapToObj(i -> "      - {id: r" + i + ", expire: 1d}\n")
                .collect(Collectors.joining());
        Problem tooMany = onlyProblem("    lifecycle:\n" + many);
        assertEquals("resources[0].lifecycle", tooMany.key());
        assertEquals("lifecycle has 1001 rules; S3 takes at most 1000", tooMany.message());
    }

    @Test
    void everySettingProblemOfOneBucketIsReportedAtOnce() {
        try {
            ConfigLoader.parse(BUCKET + "    versioning: on-please\n    encryption: des\n    publicAccessBlock: 1\n"
                    + "    lifecycle: 30d\n", FILE);
            fail("the config loaded");
        } catch (ConfigException e) {
            assertEquals(List.of("resources[0].versioning", "resources[0].encryption", "resources[0].publicAccessBlock",
                    "resources[0].lifecycle"), e.problems().stream().map(Problem::key).toList());
            assertEquals(List.of(8, 9, 10, 11), e.problems().stream().map(Problem::line).toList());
        }
    }

    // ---- as plans show them

    @Test
    void plansShowEachSettingAsPeopleReadIt() {
        assertEquals("true", field("versioning").show("true"));
        assertEquals("aes256 (SSE-S3)", field("encryption").show("aes256"));
        assertEquals("kms (SSE-KMS, the AWS managed key)", field("encryption").show("kms"));
        assertEquals("kms (SSE-KMS, key " + KEY + ")", field("encryption").show("kms:" + KEY));
        assertEquals("none (no default encryption)", field("encryption").show("none"));
        assertEquals("aws:kms:dsse", field("encryption").show("aws:kms:dsse"));
        assertEquals("all four on", field("publicAccessBlock").show("true"));
        assertEquals("all four off", field("publicAccessBlock").show("false"));
        assertEquals("on: blockPublicAcls, blockPublicPolicy, restrictPublicBuckets; off: ignorePublicAcls",
                field("publicAccessBlock").show("blockPublicAcls=true,ignorePublicAcls=false,blockPublicPolicy=true,"
                        + "restrictPublicBuckets=true"));
        assertEquals("none", field("lifecycle").show("[]"));
        assertEquals("logs: prefix 'logs/', expire 30d, noncurrent versions expire 7d; tmp: every object, expire 1d",
                field("lifecycle").show("[{\"id\":\"logs\",\"prefix\":\"logs/\",\"expire\":\"30d\","
                        + "\"noncurrentExpire\":\"7d\"},{\"id\":\"tmp\",\"prefix\":\"\",\"expire\":\"1d\"}]"));
        assertEquals("old: every object, Disabled, also transitions", field("lifecycle").show(
                "[{\"id\":\"old\",\"prefix\":\"\",\"status\":\"Disabled\",\"also\":\"transitions\"}]"));
    }

    // ---- what S3 answers, read back

    @Test
    void versioningReadsTrueOnlyWhenEnabled() {
        assertEquals("true", S3Settings.versioning(BucketVersioningStatus.ENABLED));
        assertEquals("false", S3Settings.versioning(BucketVersioningStatus.SUSPENDED));
        assertEquals("false", S3Settings.versioning(null), "a bucket never versioned has no status");
        assertEquals(BucketVersioningStatus.SUSPENDED, S3Settings.versioningStatus("false"),
                "versioning: false on a versioned bucket suspends it");
        assertEquals(BucketVersioningStatus.ENABLED, S3Settings.versioningStatus("true"));
    }

    @Test
    void aDeclaredEncryptionPutIsReadBackAsDeclared() {
        for (String canonical : List.of("aes256", "kms", "kms:" + KEY)) {
            assertEquals(canonical, S3Settings.encryption(S3Settings.encryptionConfiguration(canonical)));
        }
        assertEquals("none", S3Settings.encryption(null), "no configuration");
        assertEquals("none", S3Settings.encryption(ServerSideEncryptionConfiguration.builder().build()));
        assertEquals("aws:kms:dsse:" + KEY, S3Settings.encryption(ServerSideEncryptionConfiguration.builder()
                .rules(r -> r.applyServerSideEncryptionByDefault(d -> d.sseAlgorithm("aws:kms:dsse")
                        .kmsMasterKeyID(KEY))).build()), "never equal to a declared value");
    }

    @Test
    void aDeclaredPublicAccessBlockPutIsReadBackAsDeclared() {
        for (String canonical : List.of("true", "false", "blockPublicAcls=false,ignorePublicAcls=true,"
                + "blockPublicPolicy=true,restrictPublicBuckets=false")) {
            assertEquals(canonical, S3Settings.publicAccessBlock(S3Settings.publicAccessBlockConfiguration(canonical)));
        }
        assertEquals("false", S3Settings.publicAccessBlock(null), "no configuration: nothing is blocked");
        assertEquals("blockPublicAcls=true,ignorePublicAcls=false,blockPublicPolicy=false,restrictPublicBuckets=false",
                S3Settings.publicAccessBlock(PublicAccessBlockConfiguration.builder().blockPublicAcls(true).build()),
                "a setting S3 leaves out is off");
    }

    @Test
    void aDeclaredLifecyclePutIsReadBackAsDeclared() throws Exception {
        String declared = value("lifecycle", "[{id: tmp, expire: 1d}, {id: logs, prefix: logs/, expire: 30d, "
                + "noncurrentExpire: 7d}]");
        List<LifecycleRule> rules = S3Settings.lifecycleRules(declared);
        assertEquals(List.of("Enabled", "Enabled"), rules.stream().map(LifecycleRule::statusAsString).toList());
        assertEquals("logs/", rules.get(0).filter().prefix(), "a prefix filter, not the deprecated rule prefix");
        assertEquals(declared, S3Settings.lifecycle(rules));
        assertEquals(declared, S3Settings.lifecycle(List.of(rules.get(1), rules.get(0))), "in any order");
        assertEquals("[]", S3Settings.lifecycle(List.of()));
        assertEquals("[]", S3Settings.lifecycle(null));
    }

    @Test
    void aHandMadeRuleOviCannotDeclareIsNeverEqualToADeclaredOne() throws Exception {
        String declared = value("lifecycle", "[{id: logs, prefix: logs/, expire: 30d}]");
        LifecycleRule rule = S3Settings.lifecycleRules(declared).get(0);
        List<LifecycleRule> handMade = List.of(
                rule.toBuilder().status("Disabled").build(),
                rule.toBuilder().transitions(t -> t.days(10).storageClass(TransitionStorageClass.GLACIER)).build(),
                rule.toBuilder().filter(f -> f.tag(t -> t.key("a").value("b"))).build(),
                rule.toBuilder().abortIncompleteMultipartUpload(a -> a.daysAfterInitiation(3)).build(),
                rule.toBuilder().expiration(e -> e.days(30).expiredObjectDeleteMarker(true)).build());
        for (LifecycleRule r : handMade) {
            String observed = S3Settings.lifecycle(List.of(r));
            assertFalse(observed.equals(declared), () -> r + " reads as " + observed);
        }
        assertEquals("[{\"id\":\"logs\",\"prefix\":\"logs/\",\"expire\":\"30d\",\"status\":\"Disabled\"}]",
                S3Settings.lifecycle(List.of(handMade.get(0))));
        assertEquals("[{\"id\":\"logs\",\"prefix\":\"logs/\",\"expire\":\"30d\",\"also\":\"transitions\"}]",
                S3Settings.lifecycle(List.of(handMade.get(1))));
        assertEquals("[{\"id\":\"old\",\"prefix\":\"old/\",\"expire\":\"5d\"}]", S3Settings.lifecycle(List.of(
                LifecycleRule.builder().id("old").prefix("old/").status("Enabled").expiration(e -> e.days(5)).build())),
                "the deprecated rule prefix reads as a prefix filter does");
    }
}

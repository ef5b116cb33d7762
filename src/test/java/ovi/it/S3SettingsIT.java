package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.PublicAccessBlockConfiguration;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionByDefault;
import software.amazon.awssdk.services.s3.model.Tag;

/**
 * A bucket's security settings against moto: each is made as declared (checked with the plain SDK), a
 * change made by hand is drift with field-level changes, apply puts it back, and the next plan is clean.
 */
class S3SettingsIT {
    static final String KEY = "1234abcd-12ab-34cd-56ef-1234567890ab";
    static final String CONFIG = """
            version: v1
            provider: aws
            region: us-east-1
            owner: team-web
            resources:
              - type: s3
                name: assets
                bucket: team-web-assets
              - type: s3
                name: logs
                bucket: team-web-logs
                versioning: true
                encryption: {kms: 1234abcd-12ab-34cd-56ef-1234567890ab}
                publicAccessBlock: {ignorePublicAcls: false}
                lifecycle:
                  - {id: logs, prefix: logs/, expire: 30d, noncurrentExpire: 7d}
                  - {id: tmp, prefix: tmp/, expire: 1d}
            """;
    static final String LOGS_LIFECYCLE = "[{\"id\":\"logs\",\"prefix\":\"logs/\",\"expire\":\"30d\","
            + "\"noncurrentExpire\":\"7d\"},{\"id\":\"tmp\",\"prefix\":\"tmp/\",\"expire\":\"1d\"}]";
    static final String LOGS_BLOCK = "blockPublicAcls=true,ignorePublicAcls=false,blockPublicPolicy=true,"
            + "restrictPublicBuckets=true";

    @TempDir
    Path dir;
    Path config;
    Path state;
    S3Client s3;

    @BeforeEach
    void setUp() throws Exception {
        Moto.reset();
        config = dir.resolve("ovi.yaml");
        state = dir.resolve("state");
        Files.writeString(config, CONFIG);
        s3 = Moto.s3();
    }

    @AfterEach
    void tearDown() {
        s3.close();
    }

    Cli.Result run(String verb, String... extra) {
        return Cli.json(verb, config, state, extra);
    }

    static List<String> changes(JsonNode plan) {
        List<String> out = new ArrayList<>();
        plan.get("diffs").forEach(d -> d.get("changes").forEach(c -> out.add(d.get("id").asText() + " "
                + c.get("field").asText() + ": " + c.get("current").asText() + " -> " + c.get("desired").asText())));
        return out.stream().sorted().toList();
    }

    ServerSideEncryptionByDefault encryption(String bucket) {
        return s3.getBucketEncryption(b -> b.bucket(bucket)).serverSideEncryptionConfiguration().rules().get(0)
                .applyServerSideEncryptionByDefault();
    }

    PublicAccessBlockConfiguration block(String bucket) {
        return s3.getPublicAccessBlock(b -> b.bucket(bucket)).publicAccessBlockConfiguration();
    }

    List<LifecycleRule> lifecycle(String bucket) {
        return s3.getBucketLifecycleConfiguration(b -> b.bucket(bucket)).rules();
    }

    static String errorCode(Runnable call) {
        return assertThrows(S3Exception.class, call::run).awsErrorDetails().errorCode();
    }

    static PublicAccessBlockConfiguration allOn() {
        return PublicAccessBlockConfiguration.builder().blockPublicAcls(true).ignorePublicAcls(true)
                .blockPublicPolicy(true).restrictPublicBuckets(true).build();
    }

    void assertAsDeclared() {
        // assets: only the secure defaults
        assertEquals(ServerSideEncryption.AES256, encryption("team-web-assets").sseAlgorithm());
        assertEquals(allOn(), block("team-web-assets"));
        assertNull(s3.getBucketVersioning(b -> b.bucket("team-web-assets")).status(), "never versioned");
        assertEquals("NoSuchLifecycleConfiguration", errorCode(() -> lifecycle("team-web-assets")));
        // logs: every setting as written
        assertEquals(BucketVersioningStatus.ENABLED, s3.getBucketVersioning(b -> b.bucket("team-web-logs")).status());
        assertEquals(ServerSideEncryption.AWS_KMS, encryption("team-web-logs").sseAlgorithm());
        assertEquals(KEY, encryption("team-web-logs").kmsMasterKeyID());
        assertEquals(allOn().toBuilder().ignorePublicAcls(false).build(), block("team-web-logs"));
        List<LifecycleRule> rules = lifecycle("team-web-logs");
        assertEquals(List.of("logs", "tmp"), rules.stream().map(LifecycleRule::id).sorted().toList());
        LifecycleRule logs = rules.stream().filter(r -> r.id().equals("logs")).findFirst().orElseThrow();
        assertEquals("logs/", logs.filter().prefix());
        assertEquals(30, logs.expiration().days());
        assertEquals(7, logs.noncurrentVersionExpiration().noncurrentDays());
        assertEquals("Enabled", logs.statusAsString());
    }

    @Test
    void bucketsAreMadeWithTheirDeclaredSettingsAndTheSecureDefaults() {
        Cli.Result applied = run("apply");
        assertEquals(0, applied.code(), applied::toString);

        assertAsDeclared();
        Cli.Result plan = run("plan", "--detailed-exitcode");
        assertEquals(0, plan.code(), "buckets just made are as declared: " + plan);
    }

    @Test
    void settingsChangedByHandAreDriftThatApplyPutsBack() {
        assertEquals(0, run("apply").code());

        // by hand: the defaults undone on assets; every setting of logs changed
        s3.deletePublicAccessBlock(b -> b.bucket("team-web-assets"));
        s3.deleteBucketEncryption(b -> b.bucket("team-web-assets"));
        s3.putBucketVersioning(b -> b.bucket("team-web-logs").versioningConfiguration(v -> v
                .status(BucketVersioningStatus.SUSPENDED)));
        s3.putBucketEncryption(b -> b.bucket("team-web-logs").serverSideEncryptionConfiguration(c -> c.rules(r -> r
                .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256)))));
        s3.putPublicAccessBlock(b -> b.bucket("team-web-logs").publicAccessBlockConfiguration(p -> p
                .blockPublicAcls(false).ignorePublicAcls(false).blockPublicPolicy(false).restrictPublicBuckets(false)));
        s3.putBucketLifecycleConfiguration(b -> b.bucket("team-web-logs").lifecycleConfiguration(l -> l.rules(
                LifecycleRule.builder().id("tmp").filter(f -> f.prefix("tmp/")).status("Enabled")
                        .expiration(e -> e.days(5)).build())));

        Cli.Result drifted = run("plan", "--detailed-exitcode");
        assertEquals(2, drifted.code(), drifted::toString);
        assertEquals(List.of(
                "assets-0 encryption: none -> aes256",
                "assets-0 publicAccessBlock: false -> true",
                "logs-0 encryption: aes256 -> kms:" + KEY,
                "logs-0 lifecycle: [{\"id\":\"tmp\",\"prefix\":\"tmp/\",\"expire\":\"5d\"}] -> " + LOGS_LIFECYCLE,
                "logs-0 publicAccessBlock: false -> " + LOGS_BLOCK,
                "logs-0 versioning: false -> true"), changes(drifted.json()));
        Cli.Result text = Cli.run("plan", "-c", config.toString(), "--state-dir", state.toString());
        assertTrue(text.out().contains("encryption: none (no default encryption) -> aes256 (SSE-S3)"), text::toString);
        assertTrue(text.out().contains("publicAccessBlock: all four off -> all four on"), text::toString);

        Cli.Result fixed = run("apply");
        assertEquals(0, fixed.code(), fixed::toString);
        assertAsDeclared();
        Cli.Result clean = run("plan", "--detailed-exitcode");
        assertEquals(0, clean.code(), "fixed: " + clean);
    }

    @Test
    void aKmsKeyOrAnotherKeySetByHandIsDrift() {
        assertEquals(0, run("apply").code());
        s3.putBucketEncryption(b -> b.bucket("team-web-assets").serverSideEncryptionConfiguration(c -> c.rules(r -> r
                .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AWS_KMS)))));
        s3.putBucketEncryption(b -> b.bucket("team-web-logs").serverSideEncryptionConfiguration(c -> c.rules(r -> r
                .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AWS_KMS)
                        .kmsMasterKeyID("mrk-1234abcd12ab34cd56ef1234567890ab")))));

        Cli.Result drifted = run("plan", "--detailed-exitcode");
        assertEquals(2, drifted.code(), drifted::toString);
        assertEquals(List.of("assets-0 encryption: kms -> aes256",
                "logs-0 encryption: kms:mrk-1234abcd12ab34cd56ef1234567890ab -> kms:" + KEY), changes(drifted.json()));

        assertEquals(0, run("apply").code());
        assertEquals(ServerSideEncryption.AES256, encryption("team-web-assets").sseAlgorithm());
        assertEquals(KEY, encryption("team-web-logs").kmsMasterKeyID());
        assertEquals(0, run("plan", "--detailed-exitcode").code());
    }

    @Test
    void versioningFalseSuspendsAVersionedBucketAndUndeclaredVersioningIsNotCompared() throws Exception {
        assertEquals(0, run("apply").code());
        s3.putBucketVersioning(b -> b.bucket("team-web-assets").versioningConfiguration(v -> v
                .status(BucketVersioningStatus.ENABLED)));
        assertEquals(0, run("plan", "--detailed-exitcode").code(), "assets says nothing of versioning");

        Files.writeString(config, CONFIG.replace("bucket: team-web-assets", "bucket: team-web-assets\n    versioning: false"));
        Cli.Result drifted = run("plan", "--detailed-exitcode");
        assertEquals(2, drifted.code(), drifted::toString);
        assertEquals(List.of("assets-0 versioning: true -> false"), changes(drifted.json()));

        assertEquals(0, run("apply").code());
        assertEquals(BucketVersioningStatus.SUSPENDED, s3.getBucketVersioning(b -> b.bucket("team-web-assets")).status());
        assertEquals(0, run("plan", "--detailed-exitcode").code());
    }

    @Test
    void aLifecycleIsComparedOnlyWhenDeclaredAndAnEmptyListRemovesIt() throws Exception {
        assertEquals(0, run("apply").code());
        s3.putBucketLifecycleConfiguration(b -> b.bucket("team-web-assets").lifecycleConfiguration(l -> l.rules(
                LifecycleRule.builder().id("hand").filter(f -> f.prefix("")).status("Enabled")
                        .expiration(e -> e.days(3)).build())));
        assertEquals(0, run("plan", "--detailed-exitcode").code(), "assets says nothing of a lifecycle");

        // declared on a bucket that has another: put as declared
        Files.writeString(config, CONFIG.replace("bucket: team-web-assets", """
                bucket: team-web-assets
                    lifecycle: [{id: old, expire: 90d}]"""));
        Cli.Result drifted = run("plan", "--detailed-exitcode");
        assertEquals(List.of("assets-0 lifecycle: [{\"id\":\"hand\",\"prefix\":\"\",\"expire\":\"3d\"}] -> "
                + "[{\"id\":\"old\",\"prefix\":\"\",\"expire\":\"90d\"}]"), changes(drifted.json()));
        assertEquals(0, run("apply").code());
        assertEquals(List.of("old"), lifecycle("team-web-assets").stream().map(LifecycleRule::id).toList());
        assertEquals(90, lifecycle("team-web-assets").get(0).expiration().days());
        assertEquals(0, run("plan", "--detailed-exitcode").code());

        // none declared: removed
        Files.writeString(config, CONFIG.replace("bucket: team-web-assets", """
                bucket: team-web-assets
                    lifecycle: []"""));
        assertEquals(List.of("assets-0 lifecycle: [{\"id\":\"old\",\"prefix\":\"\",\"expire\":\"90d\"}] -> []"),
                changes(run("plan").json()));
        assertEquals(0, run("apply").code());
        assertEquals("NoSuchLifecycleConfiguration", errorCode(() -> lifecycle("team-web-assets")));
        assertEquals(0, run("plan", "--detailed-exitcode").code());
    }

    @Test
    void aLifecycleDeclaredOnABucketWithoutOneIsPut() throws Exception {
        Files.writeString(config, CONFIG.replace("bucket: team-web-assets", """
                bucket: team-web-assets
                    lifecycle: [{id: old, expire: 90d}]"""));
        // made before the lifecycle was declared: a bucket ovi manages, with none
        s3.createBucket(b -> b.bucket("team-web-assets"));
        s3.putBucketEncryption(b -> b.bucket("team-web-assets").serverSideEncryptionConfiguration(c -> c.rules(r -> r
                .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256)))));
        s3.putPublicAccessBlock(b -> b.bucket("team-web-assets").publicAccessBlockConfiguration(allOn()));
        s3.putBucketTagging(b -> b.bucket("team-web-assets").tagging(t -> t.tagSet(Moto.managed("team-web", "assets-0")
                .entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList())));

        Cli.Result plan = run("plan");
        assertTrue(changes(plan.json()).contains("assets-0 lifecycle: [] -> [{\"id\":\"old\",\"prefix\":\"\","
                + "\"expire\":\"90d\"}]"), plan::toString);
        assertEquals(0, run("apply").code());
        assertEquals(List.of("old"), lifecycle("team-web-assets").stream().map(LifecycleRule::id).toList());
        assertEquals(0, run("plan", "--detailed-exitcode").code());
    }

    @Test
    void onlyTheBucketsOviManagesAreReadForSettingsAndOthersAreNeverTouched() throws Exception {
        assertEquals(0, run("apply").code());
        s3.createBucket(b -> b.bucket("hand-made"));
        s3.putBucketTagging(b -> b.bucket("hand-made").tagging(t -> t.tagSet(Tag.builder().key("team").value("web")
                .build())));
        try (FaultProxy proxy = FaultProxy.start()) {
            Cli.Result plan = run("plan", "--detailed-exitcode", "--endpoint-url", proxy.endpoint().toString());
            assertEquals(0, plan.code(), "an open, unencrypted bucket that is not ovi's is not drift: " + plan);
            assertEquals(List.of("hand-made"), StreamSupport.stream(plan.json().get("diffs").spliterator(), false)
                    .filter(d -> d.get("kind").asText().equals("unmanaged") && d.get("type").asText().equals("s3"))
                    .map(d -> d.get("cloudId").asText())
                    .toList());
            Set<String> read = proxy.requests().stream().filter(q -> Set.of("s3:GetBucketVersioning",
                    "s3:GetBucketEncryption", "s3:GetPublicAccessBlock", "s3:GetBucketLifecycleConfiguration")
                    .contains(q.operation())).map(q -> q.operation() + " " + q.path().replaceAll("\\?.*", ""))
                    .collect(Collectors.toSet());
            Set<String> expected = new java.util.TreeSet<>();
            for (String op : List.of("GetBucketVersioning", "GetBucketEncryption", "GetPublicAccessBlock",
                    "GetBucketLifecycleConfiguration")) {
                expected.add("s3:" + op + " /team-web-assets");
                expected.add("s3:" + op + " /team-web-logs");
            }
            assertEquals(expected, new java.util.TreeSet<>(read));
        }
        assertEquals("NoSuchPublicAccessBlockConfiguration", errorCode(() -> block("hand-made")));
    }

    @Test
    void aSettingThatCannotBeReadLeavesS3UnobservedAndNothingIsChanged() throws Exception {
        assertEquals(0, run("apply").code());
        s3.deletePublicAccessBlock(b -> b.bucket("team-web-assets"));
        try (FaultProxy proxy = FaultProxy.start()) {
            // well-formed XML of another operation with status 200 is not "no public access block"
            proxy.on("s3:GetPublicAccessBlock", -1, FaultProxy.xml("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                    + "<ListAllMyBucketsResult><Buckets/></ListAllMyBucketsResult>"));
            Cli.Result garbage = run("apply", "--endpoint-url", proxy.endpoint().toString());
            assertEquals(3, garbage.code(), garbage::toString);
            assertEquals(Set.of("s3/global"), unobserved(garbage.json()), garbage::toString);
            assertEquals(0, s3Outcomes(garbage.json()), "nothing decided where S3 was not seen: " + garbage);
        }
        try (FaultProxy proxy = FaultProxy.start()) {
            // and an error other than "not configured" is an error, not an absent setting
            proxy.on("s3:GetBucketEncryption", -1, FaultProxy.body(403, "application/xml", "<?xml version=\"1.0\" "
                    + "encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message>"
                    + "<RequestId>fault-proxy</RequestId></Error>"));
            Cli.Result denied = run("apply", "--endpoint-url", proxy.endpoint().toString());
            assertEquals(3, denied.code(), denied::toString);
            assertEquals(Set.of("s3/global"), unobserved(denied.json()), denied::toString);
            assertEquals(0, s3Outcomes(denied.json()), denied::toString);
            assertTrue(denied.json().toString().contains("AccessDenied"), denied::toString);
            assertTrue(proxy.requests().stream().noneMatch(q -> q.operation().startsWith("s3:Put")),
                    "nothing was put: " + proxy.requests().stream().map(FaultProxy.Request::operation).toList());
        }
        assertEquals("NoSuchPublicAccessBlockConfiguration", errorCode(() -> block("team-web-assets")));
    }

    /** The outcomes of an apply about buckets (the region's default security group is always notified). */
    static long s3Outcomes(JsonNode json) {
        return StreamSupport.stream(json.get("outcomes").spliterator(), false)
                .filter(o -> o.get("type").asText().equals("s3")).count();
    }

    static Set<String> unobserved(JsonNode json) {
        return StreamSupport.stream(json.get("unobserved").spliterator(), false)
                .map(u -> u.get("type").asText() + "/" + u.get("region").asText()).collect(Collectors.toSet());
    }
}

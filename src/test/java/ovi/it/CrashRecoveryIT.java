package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import ovi.model.WalEntry;
import ovi.model.WalRecords;
import ovi.wal.ChronicleAuditLog;
import ovi.wal.InDoubt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;

/**
 * kill -9 of a real 'ovi apply' process at the worst moment (the create reached AWS, its outcome was not
 * yet written), then 'ovi status' and a second apply, against moto.
 */
class CrashRecoveryIT {
    static final String CONFIG = """
            version: v1
            provider: aws
            region: us-east-1
            owner: team-web
            resources:
              - type: ec2
                name: web
                count: 2
                size: t3.micro
                image: ami-12c6146b
            """;

    static final String S3_CONFIG = """
            version: v1
            provider: aws
            region: us-east-1
            owner: team-web
            resources:
              - type: s3
                name: assets
                bucket: team-web-assets
                tags: {team: web}
            """;

    @TempDir
    Path dir;
    Path config;
    Path state;

    @BeforeEach
    void setUp() throws Exception {
        Moto.reset();
        config = dir.resolve("ovi.yaml");
        state = dir.resolve("state");
        Files.writeString(config, CONFIG);
    }

    @Test
    void anApplyKilledMidCallLeavesAnActionInDoubtThatTheNextApplySettlesWithoutADuplicate() throws Exception {
        // given: an apply killed with SIGKILL right after RunInstances for web-0 returned
        Process p = startApply("after-aws-call:web-0", "--claim-ttl", "3s", "--concurrency", "1");
        Cli.awaitLine(p, "crash point after-aws-call:web-0 reached");
        p.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, instances("web-0").size(), "the create had reached AWS");

        // when: status looks
        Cli.Result status = Cli.run("status", "-c", config.toString(), "--state-dir", state.toString(), "-o", "json");
        JsonNode s = status.json();
        List<String> inDoubt = new ArrayList<>();
        s.get("inDoubt").forEach(e -> inDoubt.add(e.get("resource").asText() + ":" + e.get("action").asText()));
        assertEquals(List.of("web-0:create"), inDoubt, status::toString);
        assertEquals(1, Cli.run("status", "-c", config.toString(), "--state-dir", state.toString(), "--check", "-q")
                .code(), "an action in doubt fails the health check");

        // and: the next apply, once the killed run's claim has lapsed
        Thread.sleep(3500);
        Cli.Result second = Cli.run("apply", "-c", config.toString(), "--state-dir", state.toString(), "--auto-approve",
                "-o", "json");
        assertEquals(0, second.code(), second::toString);

        // then: the action was settled as executed, and no second web-0 was made
        assertEquals(1, instances("web-0").size(), "no duplicate");
        assertEquals(1, instances("web-1").size(), "the rest of the work was done");
        List<WalEntry> wal = new ArrayList<>();
        try (ChronicleAuditLog log = ChronicleAuditLog.open(state.resolve("wal"))) {
            log.readAll(wal::add);
            assertEquals(List.of(), InDoubt.in(log));
        }
        WalEntry executing = wal.stream().filter(e -> e.type().equals("executing") && e.resource().equals("web-0"))
                .findFirst().orElseThrow();
        WalEntry settled = wal.stream().filter(e -> e.data().get(WalRecords.RESOLVES_SEQ) != null).findFirst().orElseThrow();
        assertEquals("executed", settled.type());
        assertEquals(executing.seq(), ((Number) settled.data().get(WalRecords.RESOLVES_SEQ)).longValue());
        assertEquals(instances("web-0").get(0), settled.data().get("cloudId"));
        int firstOfSecondRun = wal.indexOf(wal.stream().filter(e -> e.runId().equals(settled.runId())).findFirst().orElseThrow());
        assertEquals(settled, wal.get(firstOfSecondRun), "settled before anything else the second run did");
        assertTrue(executing.seq() < settled.seq(), "nothing appended before the kill was lost");
        assertFalse(Cli.run("status", "-c", config.toString(), "--state-dir", state.toString(), "-o", "json").json()
                .get("inDoubt").elements().hasNext());
    }

    @Test
    void anActionInDoubtIsNotSettledWhileTheClaimOfItsRunIsLive() throws Exception {
        Process p = startApply("after-aws-call:web-0", "--claim-ttl", "5m", "--concurrency", "1");
        Cli.awaitLine(p, "crash point after-aws-call:web-0 reached");
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));

        Cli.Result second = Cli.run("apply", "-c", config.toString(), "--state-dir", state.toString(), "--auto-approve",
                "-o", "json");
        assertEquals(0, second.code(), second::toString);
        assertEquals(1, instances("web-0").size(), "web-0 is skipped while its claim is held: no duplicate");
        Cli.Result status = Cli.run("status", "-c", config.toString(), "--state-dir", state.toString(), "-o", "json");
        assertEquals(1, status.json().get("inDoubt").size(), "still in doubt until the claim lapses: " + status);
    }

    /** The actions of several AWS calls, each killed between every two of its calls. */
    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> cutOffActions() {
        return java.util.stream.Stream.of(
                // S3 create: CreateBucket | PutBucketEncryption | PutPublicAccessBlock | PutBucketTagging
                org.junit.jupiter.params.provider.Arguments.of("s3-create", "assets-0", 2),
                org.junit.jupiter.params.provider.Arguments.of("s3-create", "assets-0", 3),
                org.junit.jupiter.params.provider.Arguments.of("s3-create", "assets-0", 4),
                // S3 update of settings and tags: PutBucketEncryption | PutPublicAccessBlock | PutBucketVersioning
                // | PutBucketTagging
                org.junit.jupiter.params.provider.Arguments.of("s3-update", "assets-0", 2),
                org.junit.jupiter.params.provider.Arguments.of("s3-update", "assets-0", 4),
                // EC2 update of tags and size: CreateTags | StopInstances | ModifyInstanceAttribute | StartInstances
                org.junit.jupiter.params.provider.Arguments.of("ec2-update", "web-0", 2),
                org.junit.jupiter.params.provider.Arguments.of("ec2-update", "web-0", 3),
                org.junit.jupiter.params.provider.Arguments.of("ec2-update", "web-0", 4),
                // RDS update of class and tags: ModifyDBInstance | AddTagsToResource
                org.junit.jupiter.params.provider.Arguments.of("rds-update", "db-0", 2),
                // security group create: CreateSecurityGroup | AuthorizeSecurityGroupIngress |
                // AuthorizeSecurityGroupEgress | RevokeSecurityGroupEgress (the default allow-all)
                org.junit.jupiter.params.provider.Arguments.of("sg-create", "lb-0", 2),
                org.junit.jupiter.params.provider.Arguments.of("sg-create", "lb-0", 3),
                org.junit.jupiter.params.provider.Arguments.of("sg-create", "lb-0", 4),
                // security group update of its rules: AuthorizeSecurityGroupIngress | RevokeSecurityGroupIngress
                org.junit.jupiter.params.provider.Arguments.of("sg-update", "lb-0", 2),
                // IAM role create: CreateRole | AttachRolePolicy read-things | AttachRolePolicy write-things |
                // PutRolePolicy read-bucket
                org.junit.jupiter.params.provider.Arguments.of("iam-create", "app-0", 2),
                org.junit.jupiter.params.provider.Arguments.of("iam-create", "app-0", 3),
                org.junit.jupiter.params.provider.Arguments.of("iam-create", "app-0", 4),
                // SNS topic create: CreateTopic | Subscribe email | Subscribe sqs
                org.junit.jupiter.params.provider.Arguments.of("sns-create", "alerts-0", 2),
                org.junit.jupiter.params.provider.Arguments.of("sns-create", "alerts-0", 3),
                // DynamoDB table create: CreateTable | UpdateContinuousBackups | UpdateTimeToLive
                org.junit.jupiter.params.provider.Arguments.of("dynamodb-create", "orders-0", 2),
                org.junit.jupiter.params.provider.Arguments.of("dynamodb-create", "orders-0", 3));
    }

    /** What a create killed before {@code call} had left undone, as the resolution must name it. */
    private static String leftUndone(String action, int call) {
        return switch (action + ":" + call) {
            case "iam-create:2" -> "managedPolicies lacks " + POLICY_ARN + "read-things";
            case "iam-create:3" -> "managedPolicies lacks " + POLICY_ARN + "write-things";
            case "iam-create:4" -> "inlinePolicies lacks read-bucket";
            case "sns-create:2" -> "subscriptions lacks email oncall@example.com";
            case "sns-create:3" -> "subscriptions lacks sqs " + PAGER_QUEUE;
            case "dynamodb-create:2" -> "pointInTimeRecovery is false, not true";
            case "dynamodb-create:3" -> "ttl is absent, not expires";
            default -> "";
        };
    }

    static final String POLICY_ARN = "arn:aws:iam::123456789012:policy/";
    static final String PAGER_QUEUE = "arn:aws:sqs:us-east-1:123456789012:pager-copy";
    static final String HEADER = """
            version: v1
            provider: aws
            region: us-east-1
            owner: team-web
            resources:
            """;

    /**
     * kill -9 between two AWS calls of one action, then the next apply: it finishes the action (under a
     * claim of its own), records it executed only once the resource is as the decision wanted, and the
     * account converges; nothing is left unmanaged, stopped or half-tagged.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}, killed before call {2}")
    @org.junit.jupiter.params.provider.MethodSource("cutOffActions")
    void anActionKilledBetweenTwoCallsIsFinishedByTheNextApply(String action, String id, int call) throws Exception {
        String cfg = switch (action) {
            case "s3-create" -> S3_CONFIG;
            case "s3-update" -> S3_CONFIG + "    versioning: true\n";
            case "ec2-update" -> CONFIG.replace("count: 2", "count: 1").replace("image: ami-12c6146b",
                    "image: ami-12c6146b\n    tags: {team: web}");
            case "iam-create" -> HEADER + """
                      - type: iam-role
                        name: app
                        trust: ec2.amazonaws.com
                        managedPolicies: [%sread-things, %swrite-things]
                        inlinePolicies:
                          read-bucket:
                            Version: "2012-10-17"
                            Statement:
                              - {Effect: Allow, Action: ["s3:GetObject"], Resource: "arn:aws:s3:::team-web/*"}
                    """.formatted(POLICY_ARN, POLICY_ARN);
            case "sns-create" -> HEADER + """
                      - type: sns
                        name: alerts
                        subscriptions:
                          - {protocol: email, endpoint: oncall@example.com}
                          - {protocol: sqs, endpoint: "%s"}
                    """.formatted(PAGER_QUEUE);
            case "dynamodb-create" -> HEADER + """
                      - type: dynamodb
                        name: orders
                        keys: [id:S]
                        pointInTimeRecovery: true
                        ttl: expires
                    """;
            case "sg-create", "sg-update" -> """
                    version: v1
                    provider: aws
                    region: us-east-1
                    owner: team-web
                    resources:
                      - type: security-group
                        name: lb
                        ingress:
                          - {protocol: tcp, port: 443, cidr: 0.0.0.0/0}
                    """ + (action.equals("sg-create") ? """
                        egress:
                          - {protocol: tcp, port: 5432, cidr: 10.0.0.0/16}
                    """ : "");
            default -> """
                    version: v1
                    provider: aws
                    region: us-east-1
                    owner: team-web
                    resources:
                      - type: rds
                        name: db
                        size: db.t3.micro
                        engine: postgres
                        storage: 20Gi
                        tags: {team: web}
                    """;
        };
        Files.writeString(config, cfg);
        String seeded = null;
        if (action.equals("ec2-update")) {
            try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
                seeded = Moto.runInstance(ec2, "t3.small", Moto.managed("team-web", "web-0"));
            }
        } else if (action.equals("sg-update")) {
            try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
                String sg = ec2.createSecurityGroup(b -> b.groupName("team-web-lb-0").description("managed by ovi")
                        .tagSpecifications(t -> t.resourceType("security-group").tags(Moto.managed("team-web", "lb-0")
                                .entrySet().stream().map(e -> software.amazon.awssdk.services.ec2.model.Tag.builder()
                                        .key(e.getKey()).value(e.getValue()).build()).toList()))).groupId();
                ec2.authorizeSecurityGroupIngress(b -> b.groupId(sg).ipPermissions(q -> q.ipProtocol("tcp").fromPort(22)
                        .toPort(22).ipRanges(r -> r.cidrIp("0.0.0.0/0"))));
            }
        } else if (action.equals("s3-update")) {
            // ovi's bucket, made before its settings were declared: unencrypted, open, unversioned, untagged team
            try (var s3 = Moto.s3()) {
                s3.createBucket(b -> b.bucket("team-web-assets"));
                s3.putBucketTagging(b -> b.bucket("team-web-assets").tagging(t -> t.tagSet(Moto.managed("team-web",
                        "assets-0").entrySet().stream().map(e -> software.amazon.awssdk.services.s3.model.Tag.builder()
                        .key(e.getKey()).value(e.getValue()).build()).toList())));
            }
        } else if (action.equals("iam-create")) {
            try (var iam = Moto.client(software.amazon.awssdk.services.iam.IamClient.builder())) {
                for (String name : List.of("read-things", "write-things")) {
                    iam.createPolicy(b -> b.policyName(name).policyDocument("{\"Version\": \"2012-10-17\", "
                            + "\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:ListBucket\", "
                            + "\"Resource\": \"*\"}]}"));
                }
            }
        } else if (action.equals("rds-update")) {
            try (var rds = Moto.rds(Moto.REGION)) {
                rds.createDBInstance(b -> b.dbInstanceIdentifier("team-web-db-0").dbInstanceClass("db.t3.small")
                        .engine("postgres").allocatedStorage(20).masterUsername("ovi").masterUserPassword("not-used-1")
                        .tags(Moto.managed("team-web", "db-0").entrySet().stream().map(t -> software.amazon.awssdk
                                .services.rds.model.Tag.builder().key(t.getKey()).value(t.getValue()).build()).toList()));
            }
        }

        String point = "before-call:" + id + ":" + call;
        Process p = startApply(point, "--claim-ttl", "2s", "--concurrency", "1");
        Cli.awaitLine(p, "crash point " + point + " reached");
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, Cli.run("status", "--state-dir", state.toString(), "--check", "-q").code(),
                "a half-done action fails the health check");
        Cli.awaitNoLiveClaim(state);

        Cli.Result second = Cli.run("apply", "-c", config.toString(), "--state-dir", state.toString(), "--auto-approve",
                "-q", "-o", "json");
        assertEquals(0, second.code(), second::toString);

        List<WalEntry> wal = new ArrayList<>();
        try (ChronicleAuditLog log = ChronicleAuditLog.open(state.resolve("wal"))) {
            log.readAll(wal::add);
            assertEquals(List.of(), InDoubt.in(log));
        }
        WalEntry executing = wal.stream().filter(e -> e.type().equals("executing") && e.resource().equals(id))
                .findFirst().orElseThrow();
        WalEntry settled = wal.stream().filter(e -> e.data().get(WalRecords.RESOLVES_SEQ) != null).findFirst()
                .orElseThrow(() -> new AssertionError("no resolution: " + wal));
        assertEquals(executing.seq(), ((Number) settled.data().get(WalRecords.RESOLVES_SEQ)).longValue());
        assertEquals("executed", settled.type(), settled::toString);
        assertEquals(true, settled.data().get("rolledForward"), settled::toString);
        assertTrue(settled.message().contains(leftUndone(action, call)), "the resolution says what was left: "
                + settled.message());
        assertEquals(1, wal.stream().filter(e -> e.type().equals("executed") && e.resource().equals(id)).count(),
                "executed once, by the resolution that finished it: " + wal);

        Cli.Result plan = Cli.run("plan", "-c", config.toString(), "--state-dir", state.toString(), "-q",
                "--detailed-exitcode");
        assertEquals(0, plan.code(), "converged after the crash: " + plan);
        assertEquals(0, Cli.run("status", "--state-dir", state.toString(), "--check", "-q").code());
        switch (action) {
            case "s3-create", "s3-update" -> {
                try (var s3 = Moto.s3()) {
                    var tags = s3.getBucketTagging(b -> b.bucket("team-web-assets")).tagSet();
                    assertTrue(tags.stream().anyMatch(t -> t.key().equals("ovi:owner") && t.value().equals("team-web")),
                            "the bucket is ovi's, not unmanaged: " + tags);
                    assertTrue(tags.stream().anyMatch(t -> t.key().equals("team") && t.value().equals("web")), tags::toString);
                    assertEquals(1, s3.listBuckets().buckets().size());
                    assertEquals("AES256", s3.getBucketEncryption(b -> b.bucket("team-web-assets"))
                            .serverSideEncryptionConfiguration().rules().get(0).applyServerSideEncryptionByDefault()
                            .sseAlgorithmAsString(), "encrypted");
                    assertEquals(true, s3.getPublicAccessBlock(b -> b.bucket("team-web-assets"))
                            .publicAccessBlockConfiguration().restrictPublicBuckets(), "private");
                    if (action.equals("s3-update")) {
                        assertEquals("Enabled", s3.getBucketVersioning(b -> b.bucket("team-web-assets")).statusAsString());
                    }
                }
            }
            case "ec2-update" -> {
                try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
                    String web0 = seeded;
                    var i = ec2.describeInstances(b -> b.instanceIds(web0)).reservations().get(0).instances().get(0);
                    assertEquals("t3.micro", i.instanceTypeAsString());
                    assertEquals("running", i.state().nameAsString(), "it ran before the resize, so it runs after");
                    assertTrue(i.tags().stream().anyMatch(t -> t.key().equals("team") && t.value().equals("web")));
                }
                assertEquals(1, instances("web-0").size());
            }
            case "sg-create", "sg-update" -> {
                try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
                    var groups = ec2.describeSecurityGroups(b -> b.filters(Filter.builder().name("tag:ovi:id")
                            .values("lb-0").build())).securityGroups();
                    assertEquals(1, groups.size(), "one group, never a second: " + groups);
                    var g = groups.get(0);
                    assertEquals(1, g.ipPermissions().size(), g::toString);
                    assertEquals(443, g.ipPermissions().get(0).fromPort(), g::toString);
                    assertEquals(List.of("0.0.0.0/0"), g.ipPermissions().get(0).ipRanges().stream()
                            .map(r -> r.cidrIp()).toList(), g::toString);
                    if (action.equals("sg-create")) {
                        assertEquals(1, g.ipPermissionsEgress().size(), "the default egress is revoked: " + g);
                        assertEquals(5432, g.ipPermissionsEgress().get(0).fromPort(), g::toString);
                    }
                }
            }
            case "iam-create" -> {
                try (var iam = Moto.client(software.amazon.awssdk.services.iam.IamClient.builder())) {
                    assertEquals(1, iam.listRoles().roles().size(), "one role: " + iam.listRoles().roles());
                    assertEquals(List.of(POLICY_ARN + "read-things", POLICY_ARN + "write-things"),
                            iam.listAttachedRolePolicies(b -> b.roleName("team-web-app-0")).attachedPolicies().stream()
                                    .map(x -> x.policyArn()).sorted().toList());
                    assertEquals(List.of("read-bucket"), iam.listRolePolicies(b -> b.roleName("team-web-app-0"))
                            .policyNames());
                    assertTrue(iam.listRoleTags(b -> b.roleName("team-web-app-0")).tags().stream()
                            .anyMatch(t -> t.key().equals("ovi:id") && t.value().equals("app-0")));
                }
            }
            case "sns-create" -> {
                try (var sns = Moto.client(software.amazon.awssdk.services.sns.SnsClient.builder())) {
                    var topics = sns.listTopics().topics();
                    assertEquals(1, topics.size(), "one topic: " + topics);
                    String arn = topics.get(0).topicArn();
                    assertTrue(arn.endsWith(":team-web-alerts-0"), arn);
                    assertEquals(List.of("email oncall@example.com", "sqs " + PAGER_QUEUE), sns
                            .listSubscriptionsByTopic(b -> b.topicArn(arn)).subscriptions().stream()
                            .map(x -> x.protocol() + " " + x.endpoint()).sorted().toList(), "each subscription once");
                }
            }
            case "dynamodb-create" -> {
                try (var db = Moto.client(software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder())) {
                    assertEquals(List.of("team-web-orders-0"), db.listTables().tableNames());
                    assertEquals("ENABLED", db.describeContinuousBackups(b -> b.tableName("team-web-orders-0"))
                            .continuousBackupsDescription().pointInTimeRecoveryDescription()
                            .pointInTimeRecoveryStatusAsString());
                    var ttl = db.describeTimeToLive(b -> b.tableName("team-web-orders-0")).timeToLiveDescription();
                    assertEquals("ENABLED", ttl.timeToLiveStatusAsString());
                    assertEquals("expires", ttl.attributeName());
                }
            }
            default -> {
                try (var rds = Moto.rds(Moto.REGION)) {
                    var db = rds.describeDBInstances().dbInstances().get(0);
                    assertEquals("db.t3.micro", db.dbInstanceClass());
                    assertTrue(db.tagList().stream().anyMatch(t -> t.key().equals("team") && t.value().equals("web")));
                }
            }
        }
    }

    private Process startApply(String crashPoint, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("apply", "-c", config.toString(), "--state-dir", state.toString(),
                "--auto-approve", "--instance-id", "doomed"));
        args.addAll(List.of(more));
        return Cli.process(List.of("-Dovi.crashpoint=" + crashPoint), args.toArray(String[]::new))
                .redirectOutput(dir.resolve("doomed.out").toFile()).start();
    }


    private static List<String> instances(String oviId) {
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            List<String> ids = new ArrayList<>();
            ec2.describeInstancesPaginator(r -> r.filters(
                            Filter.builder().name("tag:ovi:id").values(oviId).build(),
                            Filter.builder().name("instance-state-name").values("pending", "running").build()))
                    .reservations().forEach(res -> res.instances().forEach(i -> ids.add(i.instanceId())));
            return ids;
        }
    }
}

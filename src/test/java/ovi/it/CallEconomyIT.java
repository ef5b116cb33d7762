package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The AWS calls one plan makes, counted exactly: list calls at their maximum page size, tags from the
 * list calls, and nothing per resource except what S3, SQS, IAM and Lambda offer no other way to get.
 */
class CallEconomyIT {
    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        Moto.reset();
    }

    @Test
    void aPlanMakesOnlyTheListCallsItNeedsAtMaximumPageSize() throws Exception {
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION); S3Client s3 = Moto.s3()) {
            // moto pages DescribeInstances by reservation, 100 a page unless asked for more: 150 reservations
            // take one call at ovi's 1,000 a page and two at any page size of 100 or less
            Moto.runInstance(ec2, "t3.micro", Moto.managed("team-web", "web-0"));
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<String>> started = new ArrayList<>();
            for (int i = 0; i < 149; i++) {
                started.add(pool.submit(() -> Moto.runInstance(ec2, "t3.micro", Map.of("Name", "hand-made"))));
            }
            for (Future<String> f : started) {
                f.get();
            }
            pool.shutdown();
            s3.createBucket(r -> r.bucket("calls-tagged"));
            s3.putBucketTagging(r -> r.bucket("calls-tagged").tagging(t -> t.tagSet(
                    software.amazon.awssdk.services.s3.model.Tag.builder().key("team").value("web").build())));
            s3.createBucket(r -> r.bucket("calls-untagged"));
            // one bucket ovi manages, as declared (encrypted, public access blocked), so it is no diff
            s3.createBucket(r -> r.bucket("calls-managed"));
            s3.putBucketEncryption(r -> r.bucket("calls-managed").serverSideEncryptionConfiguration(c -> c.rules(x -> x
                    .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm("AES256")))));
            s3.putPublicAccessBlock(r -> r.bucket("calls-managed").publicAccessBlockConfiguration(p -> p
                    .blockPublicAcls(true).ignorePublicAcls(true).blockPublicPolicy(true).restrictPublicBuckets(true)));
            s3.putBucketTagging(r -> r.bucket("calls-managed").tagging(t -> t.tagSet(Moto.managed("team-web",
                    "assets-0").entrySet().stream().map(e -> software.amazon.awssdk.services.s3.model.Tag.builder()
                    .key(e.getKey()).value(e.getValue()).build()).toList())));
            // 40 security groups besides the default VPC's own: their rules and tags come in the list reply
            for (int i = 0; i < 40; i++) {
                String name = "calls-" + i;
                String id = ec2.createSecurityGroup(g -> g.groupName(name).description("by hand")).groupId();
                ec2.authorizeSecurityGroupIngress(a -> a.groupId(id).ipPermissions(p -> p.ipProtocol("tcp")
                        .fromPort(22).toPort(22).ipRanges(ip -> ip.cidrIp("10.0.0.0/8"))));
            }
        }
        try (var sqs = Moto.client(software.amazon.awssdk.services.sqs.SqsClient.builder())) {
            sqs.createQueue(q -> q.queueName("calls-a"));
            sqs.createQueue(q -> q.queueName("calls-b").tags(Map.of("team", "web")));
        }
        try (var iam = Moto.client(software.amazon.awssdk.services.iam.IamClient.builder());
             var lambda = Moto.client(software.amazon.awssdk.services.lambda.LambdaClient.builder())) {
            String role = iam.createRole(b -> b.roleName("calls-fn-role").assumeRolePolicyDocument(
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
                            + "{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}")).role().arn();
            var zip = new java.io.ByteArrayOutputStream();
            try (var z = new java.util.zip.ZipOutputStream(zip)) {
                z.putNextEntry(new java.util.zip.ZipEntry("app.py"));
                z.closeEntry();
            }
            lambda.createFunction(b -> b.functionName("calls-fn").runtime("python3.12").handler("app.handler").role(role)
                    .code(c -> c.zipFile(software.amazon.awssdk.core.SdkBytes.fromByteArray(zip.toByteArray()))));
        }
        Path config = dir.resolve("ovi.yaml");
        Files.writeString(config, """
                version: v1
                provider: aws
                region: us-east-1
                owner: team-web
                resources:
                  - type: ec2
                    name: web
                    size: t3.micro
                    image: ami-12c6146b
                  - type: s3
                    name: assets
                    bucket: calls-managed
                """);

        Cli.Result r = Cli.run("plan", "-c", config.toString(), "-o", "json");

        assertEquals(0, r.code(), r::toString);
        // every resource was observed: 149 unmanaged instances, two unmanaged buckets, two unmanaged
        // queues, an unmanaged role, an unmanaged function and 41 unmanaged security groups (40 by hand, the
        // default VPC's default); web-0 and assets-0 match
        assertEquals(196, r.json().get("diffs").size(), "diffs");
        // GetCallerIdentity 1, DescribeInstances 1 (an instance's security groups, monitoring and instance
        // profile, which ovi compares, come with it; Ec2SettingsIT checks that), DescribeDBInstances 1,
        // ListBuckets 1, and per bucket (3)
        // GetBucketTagging 1 and GetBucketLocation 1: AWS names each bucket's region in ListBuckets when
        // max-buckets is given, so there ovi needs no GetBucketLocation, but moto leaves it out; for the one
        // bucket ovi manages, 4 more: GetBucketVersioning, GetBucketEncryption, GetPublicAccessBlock and
        // GetBucketLifecycleConfiguration, since S3 gives a bucket's settings only one call each and only the
        // buckets ovi manages are compared (the two others cost none); ListQueues 1, and per queue
        // GetQueueAttributes 1 and ListQueueTags 1 (SQS lists only URLs); ListTopics 1; ListTables 1; ListRoles 1
        // and per role ListRoleTags 1; ListFunctions 1 and per function ListTags 1: ListFunctions gives no tags,
        // and without them ovi cannot tell its own functions from others (the Resource Groups Tagging API, which
        // lists tags in bulk, is not among ovi's SDK modules); DescribeSecurityGroups 1, whatever the number of
        // groups: rules and tags are in the list reply. AWS pages it at up to 1,000 groups (ovi asks for that,
        // SecurityGroupIT checks), so 41 groups are one page there too; moto answers every group in one page.
        assertEquals(26, r.json().get("awsCalls").asLong(), r::toString);
        assertTrue(r.err().contains("made 26 AWS calls"), r::toString);
    }
}

package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import ovi.config.ConfigLoader;
import ovi.config.OviConfig;
import ovi.model.DesiredResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.InstanceType;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * ovi import and apply --adopt against moto: an account seeded by hand (instances with Name tags in
 * security groups, a bucket, queues, one queue of another owner and one already this owner's) is
 * imported, the config loads with its references, adoption tags only what carries no ovi tag, and the
 * next plan is clean.
 */
class ImportIT {
    static final String OWNER = "team-web";

    @TempDir
    Path dir;
    Path state;
    Path out;
    Ec2Client ec2;
    SqsClient sqs;
    S3Client s3;
    String web;
    String db;
    String web1;
    String web2;
    String dbHost;
    Map<String, String> theirTags;

    @BeforeEach
    void setUp() throws Exception {
        Moto.reset();
        state = dir.resolve("state");
        out = dir.resolve("imported.yaml");
        ec2 = Moto.ec2(Moto.REGION);
        sqs = Moto.client(SqsClient.builder());
        s3 = Moto.s3();
        web = group("web", Map.of("Name", "Web SG", "team", "web"));
        ec2.authorizeSecurityGroupIngress(b -> b.groupId(web).ipPermissions(p -> p.ipProtocol("tcp").fromPort(443)
                .toPort(443).ipRanges(r -> r.cidrIp("0.0.0.0/0"))));
        db = group("db", Map.of());
        web1 = instance(Map.of("Name", "Web Server", "team", "web"), web);
        web2 = instance(Map.of("Name", "Web Server", "team", "web"), web);
        dbHost = instance(Map.of("Name", "DB host: primary", "role", "yes"), web, db);
        s3.createBucket(b -> b.bucket("import-it-logs"));
        // moto reports no encryption for a bucket that was never given one, which no config can declare
        s3.putBucketEncryption(b -> b.bucket("import-it-logs").serverSideEncryptionConfiguration(c -> c.rules(r -> r
                .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm("AES256")))));
        s3.putBucketTagging(b -> b.bucket("import-it-logs").tagging(t -> t.tagSet(
                software.amazon.awssdk.services.s3.model.Tag.builder().key("Name").value("Logs").build())));
        sqs.createQueue(b -> b.queueName("jobs").tags(Map.of("team", "batch", "note", "null")));
        theirTags = Moto.managed("team-other", "q-0", "team", "other");
        sqs.createQueue(b -> b.queueName("theirs").tags(theirTags));
        sqs.createQueue(b -> b.queueName("ours").tags(Moto.managed(OWNER, "mine-0")));
    }

    @AfterEach
    void tearDown() {
        ec2.close();
        sqs.close();
        s3.close();
    }

    String group(String name, Map<String, String> tags) {
        var req = software.amazon.awssdk.services.ec2.model.CreateSecurityGroupRequest.builder().groupName(name)
                .description("made by hand for " + name);
        if (!tags.isEmpty()) {
            req.tagSpecifications(TagSpecification.builder().resourceType(ResourceType.SECURITY_GROUP)
                    .tags(tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
                            .toList()).build());
        }
        return ec2.createSecurityGroup(req.build()).groupId();
    }

    String instance(Map<String, String> tags, String... groups) {
        return ec2.runInstances(b -> b.imageId("ami-12c6146b").instanceType(InstanceType.T3_MICRO).minCount(1)
                .maxCount(1).securityGroupIds(groups).tagSpecifications(TagSpecification.builder()
                        .resourceType(ResourceType.INSTANCE).tags(tags.entrySet().stream().map(e -> Tag.builder()
                                .key(e.getKey()).value(e.getValue()).build()).toList()).build()))
                .instances().get(0).instanceId();
    }

    Cli.Result importing(String... more) {
        List<String> args = new ArrayList<>(List.of("import", "--owner", OWNER, "-q"));
        if (!List.of(more).contains("--region")) {
            args.addAll(List.of("--region", Moto.REGION));
        }
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    static DesiredResource adopting(OviConfig c, String cloudId) {
        return c.desired().stream().filter(d -> cloudId.equals(d.adopt())).findFirst()
                .orElseThrow(() -> new AssertionError(cloudId + " is not declared to adopt: " + c.desired()));
    }

    Map<String, String> queueTags(String name) {
        String url = sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
        return sqs.listQueueTags(b -> b.queueUrl(url)).tags();
    }

    @Test
    void importedConfigLoadsAdoptionTagsWhatIsNobodysAndTheNextPlanIsClean() throws Exception {
        // when
        Cli.Result imported = importing("--out", out.toString());
        // then
        assertEquals(0, imported.code(), imported::toString);
        OviConfig config = ConfigLoader.load(out);
        assertEquals(OWNER, config.owner());
        DesiredResource w1 = adopting(config, web1);
        DesiredResource w2 = adopting(config, web2);
        assertEquals(Set.of("web-server-0", "web-server-2-0"), Set.of(w1.id(), w2.id()));
        DesiredResource host = adopting(config, dbHost);
        assertEquals("db-host-primary-0", host.id());
        DesiredResource webSg = adopting(config, web);
        assertEquals("web-sg-0", webSg.id());
        // the groups are written as references to the imported groups, not as ids
        assertEquals("@{web-sg-0}", w1.attribute("securityGroups"));
        assertTrue(host.attribute("securityGroups").contains("@{web-sg-0}"), host.toString());
        assertTrue(ovi.model.Field.elements(host.attribute("securityGroups")).stream().allMatch(g -> g.startsWith("@{")),
                host.toString());
        assertEquals("logs-0", adopting(config, "import-it-logs").id());
        assertEquals(Map.of("team", "batch", "note", "null"), adopting(config, "jobs").tags());
        DesiredResource ours = config.desired().stream().filter(d -> d.id().equals("mine-0")).findFirst().orElseThrow();
        assertEquals(null, ours.adopt());
        assertTrue(config.desired().stream().noneMatch(d -> "theirs".equals(d.adopt()) || "theirs".equals(d.cloudId())));
        assertTrue(imported.err().contains("theirs"), imported.err());

        // the plan before: adoption only with --adopt
        Cli.Result before = Cli.json("plan", out, state);
        assertEquals(0, before.code(), before::toString);
        assertEquals(0, before.json().get("summary").get("adopt").asInt(), before.out());
        assertEquals(0, before.json().get("summary").get("create").asInt(), "nothing adopted is created anew: "
                + before.out());
        Cli.Result planned = Cli.json("plan", out, state, "--adopt");
        int toAdopt = planned.json().get("summary").get("adopt").asInt();
        assertEquals(config.desired().size() - 1, toAdopt, planned.out());

        // when
        Cli.Result applied = Cli.json("apply", out, state, "--adopt");
        // then
        assertEquals(0, applied.code(), applied::toString);
        Cli.Result after = Cli.json("plan", out, state);
        assertEquals(0, after.code(), after::toString);
        JsonNode summary = after.json().get("summary");
        for (String action : List.of("create", "update", "delete", "adopt")) {
            assertEquals(0, summary.get(action).asInt(), action + ": " + after.out());
        }
        Set<String> importedIds = new HashSet<>();
        config.desired().forEach(d -> importedIds.add(d.adopt() != null ? d.adopt() : d.cloudId()));
        for (JsonNode d : after.json().get("diffs")) {
            assertFalse(importedIds.contains(d.get("cloudId").asText()), "still a diff: " + d);
        }
        assertTrue(hasDiff(after.json(), "unmanaged", "theirs"), after.out());
        // the other owner's queue is untouched, the adopted one has ovi's tags and its own
        assertEquals(theirTags, queueTags("theirs"));
        Map<String, String> jobs = queueTags("jobs");
        assertEquals("true", jobs.get("ovi:managed"));
        assertEquals(OWNER, jobs.get("ovi:owner"));
        assertEquals(adopting(config, "jobs").id(), jobs.get("ovi:id"));
        assertEquals("batch", jobs.get("team"));

        // the WAL says what was adopted
        Cli.Result wal = Cli.run("wal", "show", "--state-dir", state.toString(), "-o", "json");
        assertEquals(0, wal.code(), wal::toString);
        Set<String> executed = new HashSet<>();
        for (JsonNode e : wal.json().get("entries")) {
            if ("adopt".equals(e.path("action").asText()) && "executed".equals(e.path("type").asText())) {
                executed.add(e.path("resource").asText());
            }
        }
        assertEquals(toAdopt, executed.size(), wal.out());
        assertTrue(executed.contains(w1.id()), wal.out());
    }

    static boolean hasDiff(JsonNode plan, String kind, String cloudId) {
        for (JsonNode d : plan.get("diffs")) {
            if (kind.equals(d.get("kind").asText()) && cloudId.equals(d.get("cloudId").asText())) {
                return true;
            }
        }
        return false;
    }

    @Test
    void filtersNarrowWhatIsImported() throws Exception {
        Cli.Result kind = importing("--kind", "sqs", "--tag", "team=batch");
        assertEquals(0, kind.code(), kind::toString);
        OviConfig k = ConfigLoader.parse(kind.out(), null);
        assertEquals(List.of("jobs"), k.desired().stream().map(DesiredResource::adopt).filter(Objects::nonNull).toList());
        // this owner's queue is outside every filter here and declared all the same: without it, applying the
        // config would delete it
        assertTrue(k.desired().stream().anyMatch(d -> d.id().equals("mine-0") && d.adopt() == null), kind.out());
        assertTrue(kind.err().contains("kept: sqs ours"), kind.err());

        Cli.Result id = importing("--id", web1 + "," + web);
        OviConfig i = ConfigLoader.parse(id.out(), null);
        assertEquals(Set.of(web1, web), Set.copyOf(i.desired().stream().map(DesiredResource::adopt)
                .filter(Objects::nonNull).toList()));
        assertEquals("@{web-sg-0}", adopting(i, web1).attribute("securityGroups"));

        Cli.Result tag = importing("--tag", "team=web", "--kind", "ec2");
        OviConfig t = ConfigLoader.parse(tag.out(), null);
        assertEquals(Set.of(web1, web2), Set.copyOf(t.desired().stream().map(DesiredResource::adopt)
                .filter(Objects::nonNull).toList()));
        // the group is not imported: written as its id
        assertEquals(web, adopting(t, web1).attribute("securityGroups"));
        Files.writeString(out, tag.out());
        Cli.Result planned = Cli.json("plan", out, state, "--adopt");
        assertEquals(0, planned.json().get("summary").get("delete").asInt(), "a filtered import deletes nothing: "
                + planned.out());
        assertEquals(2, planned.json().get("summary").get("adopt").asInt(), planned.out());

        Cli.Result region = importing("--region", "eu-west-1,us-west-2");
        assertEquals(0, region.code(), region::toString);
        OviConfig r = ConfigLoader.parse(region.out(), null);
        assertEquals("eu-west-1", r.region());
        assertTrue(r.desired().stream().noneMatch(d -> d.adopt() != null && (d.adopt().equals(web1)
                || d.adopt().equals("import-it-logs") || d.adopt().equals("jobs"))), region.out());
        // the default groups of the two regions' default VPCs, and nothing of us-east-1
        assertTrue(r.desired().stream().allMatch(d -> d.type().key().equals("security-group")), region.out());
    }

    @Test
    void anExistingOutIsKeptUnlessForced() throws Exception {
        Files.writeString(out, "mine\n");
        Cli.Result refused = importing("--out", out.toString(), "--kind", "sqs");
        assertEquals(64, refused.code(), refused::toString);
        assertTrue(refused.err().contains("--force"), refused.err());
        assertEquals("mine\n", Files.readString(out));
        Cli.Result forced = importing("--out", out.toString(), "--kind", "sqs", "--force");
        assertEquals(0, forced.code(), forced::toString);
        ConfigLoader.load(out);
        try (var s = Files.list(dir)) {
            assertEquals(List.of(), s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList());
        }
    }

    @Test
    void aRunKilledWhileAdoptingIsSettledFromTheWalAndARerunFinishesIt() throws Exception {
        assertEquals(0, importing("--out", out.toString(), "--kind", "sqs").code());
        OviConfig config = ConfigLoader.load(out);
        String jobs = adopting(config, "jobs").id();
        // killed right before the tagging call: the WAL has the intent, AWS nothing
        killAdoptingAt("before-call:" + jobs + ":1");
        assertEquals(null, queueTags("jobs").get("ovi:owner"));
        Cli.awaitNoLiveClaim(state);
        // when
        Cli.Result rerun = Cli.json("apply", out, state, "--adopt");
        // then
        assertEquals(0, rerun.code(), rerun::toString);
        assertEquals(OWNER, queueTags("jobs").get("ovi:owner"));
        Cli.Result wal = Cli.run("wal", "show", "--state-dir", state.toString(), "-o", "json", "--resource", jobs);
        assertEquals(0, wal.code(), wal::toString);
        List<String> seen = typeActionMessage(wal);
        assertTrue(seen.stream().anyMatch(s -> s.startsWith("failed:adopt:after a crash") && s.contains("did not take "
                + "effect")), String.join("\n", seen));
        assertTrue(seen.stream().anyMatch(s -> s.startsWith("executed:adopt:")), String.join("\n", seen));
        Cli.Result after = Cli.json("plan", out, state);
        assertEquals(0, after.json().get("summary").get("adopt").asInt(), after.out());
        assertFalse(hasDiff(after.json(), "unadopted", "jobs"), after.out());
    }

    @Test
    void hostileTagValuesAreWrittenSafelyOrLeftOutAndThePlanAfterAdoptingIsClean() throws Exception {
        Map<String, String> tags = new HashMap<>();
        tags.put("Name", "Jobs: \"main\" # queue\nyes");
        tags.put("yes", "no");
        tags.put("empty", "null");
        tags.put("colon", "a: b");
        tags.put("quote", "it's \"quoted\"");
        tags.put("hash", "x # not a comment");
        tags.put("newline", "line one\nline two");
        tags.put("long", "v".repeat(256));
        tags.put("tilde", "~");
        sqs.createQueue(b -> b.queueName("hostile").tags(tags));
        // with this owner's own queue: a config without it would have apply delete it
        Cli.Result imported = importing("--out", out.toString(), "--id", "hostile,ours");
        assertEquals(0, imported.code(), imported::toString);
        OviConfig config = ConfigLoader.load(out);
        DesiredResource q = adopting(config, "hostile");
        assertEquals("jobs-main-queue-yes-0", q.id());
        for (String k : List.of("yes", "empty", "colon", "long")) {
            assertEquals(tags.get(k), q.tags().get(k), k);
        }
        for (String k : List.of("quote", "hash", "newline", "Name", "tilde")) {
            assertFalse(q.tags().containsKey(k), k + " cannot be held by a config: " + q.tags());
            assertTrue(imported.err().contains("'" + k + "'"), imported.err());
        }
        Cli.Result applied = Cli.json("apply", out, state, "--adopt");
        assertEquals(0, applied.code(), applied::toString);
        Cli.Result after = Cli.json("plan", out, state);
        assertFalse(hasDiff(after.json(), "unadopted", "hostile"), after.out());
        assertFalse(hasDiff(after.json(), "drifted", "hostile"), after.out());
        Map<String, String> now = queueTags("hostile");
        tags.forEach((k, v) -> assertEquals(v, now.get(k), k));
    }

    @Test
    void aRunKilledAfterTaggingIsRecordedAsAdoptedByTheNextRun() throws Exception {
        assertEquals(0, importing("--out", out.toString(), "--kind", "sqs").code());
        String jobs = adopting(ConfigLoader.load(out), "jobs").id();
        // killed after the tagging call returned, before its outcome was written
        killAdoptingAt("after-aws-call:" + jobs);
        assertEquals(OWNER, queueTags("jobs").get("ovi:owner"));
        Cli.awaitNoLiveClaim(state);
        // when
        Cli.Result rerun = Cli.json("apply", out, state, "--adopt");
        // then
        assertEquals(0, rerun.code(), rerun::toString);
        Cli.Result wal = Cli.run("wal", "show", "--state-dir", state.toString(), "-o", "json", "--resource", jobs);
        List<String> seen = typeActionMessage(wal);
        assertTrue(seen.stream().anyMatch(s -> s.startsWith("executed:adopt:after a crash") && s.contains("took effect")),
                String.join("\n", seen));
        Cli.Result after = Cli.json("plan", out, state);
        assertEquals(0, after.json().get("summary").get("adopt").asInt(), after.out());
        assertEquals(0, after.json().get("summary").get("update").asInt(), after.out());
    }

    /** An {@code apply --adopt} of {@code out} killed (-9) at {@code crashPoint}. */
    private void killAdoptingAt(String crashPoint) throws Exception {
        Process p = Cli.process(List.of("-Dovi.crashpoint=" + crashPoint), "apply", "-c", out.toString(),
                "--state-dir", state.toString(), "--auto-approve", "--adopt", "--claim-ttl", "2s", "--concurrency", "1")
                .redirectOutput(dir.resolve("doomed.out").toFile()).start();
        Cli.awaitLine(p, "crash point " + crashPoint + " reached");
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    }

    /** Each entry of a {@code wal show -o json} as {@code type:action:message}. */
    private static List<String> typeActionMessage(Cli.Result wal) {
        List<String> seen = new ArrayList<>();
        for (JsonNode e : wal.json().get("entries")) {
            seen.add(e.path("type").asText() + ":" + e.path("action").asText() + ":" + e.path("message").asText());
        }
        return seen;
    }

}

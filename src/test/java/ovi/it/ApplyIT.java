package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ovi.aws.ec2.Ec2Kind;
import ovi.model.Claim;
import ovi.model.ResourceType;
import ovi.model.WalEntry;
import ovi.store.JdbcClaimStore;
import ovi.store.JdbcObservationStore;
import ovi.wal.ChronicleAuditLog;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Tag;

/** ovi apply through the CLI against a moto server: what it changes, and what it must never touch. */
class ApplyIT {
    static final String CONFIG = """
            version: v1
            provider: aws
            region: us-east-1
            owner: team-web
            blessed: [legacy-0]
            resources:
              - type: ec2
                name: web
                count: 3
                size: t3.micro
                image: ami-12c6146b
                tags: {team: web}
              - type: rds
                name: db
                size: db.t3.micro
                engine: postgres
                storage: 20Gi
              - type: s3
                name: assets
                bucket: team-web-assets
                tags: {team: web}
            """;
    static final ObjectMapper JSON = new ObjectMapper();

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

    Cli.Result apply(String... extra) {
        List<String> args = new ArrayList<>(List.of("apply", "-c", config.toString(), "--state-dir", state.toString(),
                "--auto-approve", "-q", "-o", "json"));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    Cli.Result plan(String... extra) {
        List<String> args = new ArrayList<>(List.of("plan", "-c", config.toString(), "--state-dir", state.toString(),
                "-q", "-o", "json", "--detailed-exitcode"));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void fullCycleCreatesEverythingThenFixesExactlyTheDrift() throws Exception {
        Cli.Result first = apply();
        assertEquals(0, first.code(), first::toString);
        assertEquals(5, first.json().get("summary").get("executed").asInt(), first::toString);
        assertEquals(0, plan().code(), "a second plan shows no changes");

        String web0;
        String web1;
        String web2;
        String unwanted;
        String blessed;
        String unmanaged;
        String foreign;
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            web0 = oneLive(ec2, "web-0").instanceId();
            web1 = oneLive(ec2, "web-1").instanceId();
            web2 = oneLive(ec2, "web-2").instanceId();
            ec2.stopInstances(b -> b.instanceIds(web0));
            ec2.modifyInstanceAttribute(b -> b.instanceId(web0).instanceType(v -> v.value("t3.large")));
            ec2.startInstances(b -> b.instanceIds(web0));
            ec2.deleteTags(b -> b.resources(web1).tags(Tag.builder().key("team").build()));
            ec2.terminateInstances(b -> b.instanceIds(web2));
            unwanted = Moto.runInstance(ec2, "t3.micro", Moto.managed("team-web", "old-0"));
            blessed = Moto.runInstance(ec2, "t3.micro", Moto.managed("team-web", "legacy-0"));
            unmanaged = Moto.runInstance(ec2, "t3.micro", Map.of("Name", "hand-made"));
            foreign = Moto.runInstance(ec2, "t3.micro", Moto.managed("team-data", "old-0"));
        }

        Cli.Result fix = apply();
        assertEquals(0, fix.code(), fix::toString);
        JsonNode out = fix.json();
        assertEquals("executed", outcome(out, "web-0").get("outcome").asText(), fix::toString);
        assertTrue(outcome(out, "web-0").get("disruptive").asBoolean(), "a size change stops and starts");
        assertEquals("executed", outcome(out, "web-1").get("outcome").asText());
        assertEquals("executed", outcome(out, "web-2").get("outcome").asText());
        assertEquals("executed", outcome(out, "old-0").get("outcome").asText());
        assertEquals("notified", outcome(out, "legacy-0").get("outcome").asText());
        assertEquals("notified", outcome(out, unmanaged).get("outcome").asText());
        assertEquals("notified", outcome(out, foreign).get("outcome").asText());
        assertEquals(4, out.get("summary").get("executed").asInt(), fix::toString);

        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            assertEquals("t3.micro", instance(ec2, web0).instanceTypeAsString());
            assertEquals("running", instance(ec2, web0).state().nameAsString());
            assertEquals("web", tags(instance(ec2, web1)).get("team"));
            assertFalse(oneLive(ec2, "web-2").instanceId().equals(web2), "a new web-2 replaces the terminated one");
            assertEquals("terminated", instance(ec2, unwanted).state().nameAsString());
            for (String untouched : List.of(blessed, unmanaged, foreign)) {
                Instance i = instance(ec2, untouched);
                assertEquals("running", i.state().nameAsString(), untouched);
                assertEquals("t3.micro", i.instanceTypeAsString(), untouched);
            }
            assertEquals("hand-made", tags(instance(ec2, unmanaged)).get("Name"));
        }
        Cli.Result after = plan();
        assertEquals(0, after.code(), "converged: " + after);
    }

    @Test
    void twoProcessesStartedTogetherActOnEachResourceExactlyOnce() throws Exception {
        Files.writeString(config, CONFIG.replace("count: 3", "count: 6"));
        List<Process> procs = new ArrayList<>();
        for (String id : List.of("proc-a", "proc-b")) {
            procs.add(Cli.process(List.of(), "apply", "-c", config.toString(), "--state-dir", state.toString(),
                    "--auto-approve", "-o", "json", "--instance-id", id, "--concurrency", "2").redirectError(dir.resolve(id + ".err").toFile())
                    .redirectOutput(dir.resolve(id + ".out").toFile()).start());
        }
        for (Process p : procs) {
            p.waitFor();
        }
        for (String id : List.of("proc-a", "proc-b")) {
            String report = Files.readString(dir.resolve(id + ".out")) + Files.readString(dir.resolve(id + ".err"));
            assertEquals(0, procs.get(id.equals("proc-a") ? 0 : 1).exitValue(), id + ":\n" + report);
        }

        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            for (int n = 0; n < 6; n++) {
                assertEquals(1, live(ec2, "web-" + n).size(), "exactly one web-" + n);
            }
        }
        List<WalEntry> wal = wal();
        Map<String, List<String>> executedBy = new HashMap<>();
        Map<String, String> holderOfRun = new HashMap<>();
        for (WalEntry e : wal) {
            if (e.type().equals("executing")) {
                holderOfRun.put(e.runId() + "/" + e.resource(), (String) e.data().get("holder"));
            }
        }
        for (WalEntry e : wal) {
            if (e.type().equals("executed")) {
                executedBy.computeIfAbsent(e.resource(), k -> new ArrayList<>())
                        .add(holderOfRun.get(e.runId() + "/" + e.resource()));
            }
        }
        for (String id : List.of("web-0", "web-1", "web-2", "web-3", "web-4", "web-5", "db-0", "assets-0")) {
            assertEquals(1, executedBy.getOrDefault(id, List.of()).size(), id + " executed once: " + executedBy);
            assertTrue(List.of("proc-a", "proc-b").contains(Claim.instance(executedBy.get(id).get(0))),
                    "the WAL names who did " + id);
        }
        long claimed = wal.stream().filter(e -> e.type().equals("claimed")).count();
        long released = wal.stream().filter(e -> e.type().equals("released")).count();
        assertEquals(claimed, released, "every claim is released");
        assertEquals(0, plan().code(), "converged");
    }

    @Test
    void aClaimLeftByADeadProcessIsTakenOverAfterItsTtlAndNotBefore() throws Exception {
        Files.writeString(config, CONFIG.replace("count: 3", "count: 1"));
        Instant expires;
        try (JdbcObservationStore store = JdbcObservationStore.openH2(state.resolve("store"));
             Connection c = store.openConnection()) {
            var claims = new JdbcClaimStore(c, Clock.systemUTC());
            Claim dead = claims.tryClaim(Claim.key("team-web", Ec2Kind.TYPE, "web-0"), "dead-host:4242",
                    Duration.ofSeconds(6)).orElseThrow();
            expires = dead.expiresAt();
        }

        Cli.Result before = apply();
        assertEquals(0, before.code(), "a claim held elsewhere is benign: " + before);
        JsonNode web0 = outcome(before.json(), "web-0");
        assertEquals("skipped", web0.get("outcome").asText(), before::toString);
        assertEquals("claim-held", web0.get("reason").asText());
        assertTrue(web0.get("message").asText().contains("dead-host:4242"), before::toString);
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            assertEquals(0, live(ec2, "web-0").size(), "not acted on before the TTL");
        }
        assertTrue(Instant.now().isBefore(expires), "the first apply ran within the TTL (raise it if this is slow)");

        while (!Instant.now().isAfter(expires.plusMillis(200))) {
            Thread.sleep(200);
        }
        String longest = "taker" + "-".repeat(175); // the longest name a claim holder has room for
        assertEquals(64, apply("--instance-id", longest + "-").code(), "one character more is a usage error");
        Cli.Result after = apply("--instance-id", longest);
        assertEquals(0, after.code(), after::toString);
        assertEquals("executed", outcome(after.json(), "web-0").get("outcome").asText(), after::toString);
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            assertEquals(1, live(ec2, "web-0").size());
        }
        WalEntry claimed = wal().stream().filter(e -> e.type().equals("claimed") && e.resource().equals("web-0"))
                .reduce((a, b) -> b).orElseThrow();
        assertEquals(longest, Claim.instance((String) claimed.data().get("holder")));
        assertEquals(2, ((Number) claimed.data().get("fence")).intValue(), "a takeover raises the fence");
    }

    @Test
    void aStaleSavedPlanIsRefusedForTheChangedResourceAndAppliedForTheOthers() throws Exception {
        Files.writeString(config, CONFIG.replace("count: 3", "count: 2"));
        String web0;
        String web1;
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            web0 = Moto.runInstance(ec2, "t3.small", Moto.managed("team-web", "web-0", "team", "web"));
            web1 = Moto.runInstance(ec2, "t3.small", Moto.managed("team-web", "web-1", "team", "web"));
        }
        Path planFile = dir.resolve("plan.json");
        Cli.Result p = plan("--out", planFile.toString());
        assertEquals(2, p.code(), p::toString);
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            ec2.createTags(b -> b.resources(web0).tags(Tag.builder().key("ovi:blessed").value("true").build()));
        }

        Cli.Result r = applySaved(planFile, "--auto-approve", "-q", "-o", "json");
        assertEquals(3, r.code(), "a refused resource makes the apply incomplete: " + r);
        JsonNode o0 = outcome(r.json(), "web-0");
        assertEquals("skipped", o0.get("outcome").asText(), r::toString);
        assertEquals("stale", o0.get("reason").asText());
        assertEquals("executed", outcome(r.json(), "web-1").get("outcome").asText(), r::toString);
        assertEquals("executed", outcome(r.json(), "db-0").get("outcome").asText(), r::toString);
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            assertEquals("t3.small", instance(ec2, web0).instanceTypeAsString(), "the changed one is left alone");
            assertEquals("t3.micro", instance(ec2, web1).instanceTypeAsString());
        }
        assertTrue(wal().stream().anyMatch(e -> e.type().equals("skipped") && e.resource().equals("web-0")
                && "stale".equals(e.data().get("reason"))));

        Cli.Result again = applySaved(planFile, "--auto-approve", "-q", "-o", "json");
        assertEquals("converged", outcome(again.json(), "web-1").get("reason").asText(),
                "applying a plan twice does nothing twice: " + again);
        assertEquals("converged", outcome(again.json(), "db-0").get("reason").asText(), again::toString);
    }

    @Test
    void aTamperedForeignOrUnreadablePlanFileExits65AndDoesNothing() throws Exception {
        Path planFile = dir.resolve("plan.json");
        assertEquals(2, plan("--out", planFile.toString()).code());
        String text = Files.readString(planFile);

        Files.writeString(planFile, text.replace("t3.micro", "t3.large"));
        Cli.Result tampered = applySaved(planFile, "--auto-approve", "-q");
        assertEquals(65, tampered.code(), tampered::toString);
        assertTrue(tampered.err().contains("checksum"), tampered::toString);

        ObjectNode foreign = (ObjectNode) JSON.readTree(text);
        foreign.put("account", "111122223333");
        Files.writeString(planFile, reseal(foreign));
        Cli.Result otherAccount = applySaved(planFile, "--auto-approve", "-q");
        assertEquals(65, otherAccount.code(), otherAccount::toString);
        assertTrue(otherAccount.err().contains("111122223333"), otherAccount::toString);

        Files.writeString(planFile, text);
        Files.writeString(config, CONFIG.replace("owner: team-web", "owner: team-data"));
        Cli.Result otherOwner = applySaved(planFile, "--auto-approve", "-q");
        assertEquals(65, otherOwner.code(), otherOwner::toString);
        assertTrue(otherOwner.err().contains("team-data"), otherOwner::toString);

        ObjectNode future = (ObjectNode) JSON.readTree(text);
        future.put("formatVersion", 2);
        Files.writeString(planFile, reseal(future));
        Cli.Result version = applySaved(planFile, "--auto-approve", "-q");
        assertEquals(65, version.code(), version::toString);
        assertTrue(version.err().contains("formatVersion"), version::toString);

        Files.writeString(planFile, "not json {");
        Cli.Result garbage = applySaved(planFile, "--auto-approve", "-q");
        assertEquals(65, garbage.code(), garbage::toString);
        assertTrue(garbage.err().contains(planFile.toString()), garbage::toString);

        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            assertEquals(0, ec2.describeInstances().reservations().size(), "nothing was done");
        }
    }

    /**
     * Someone who can write a plan file but not the state directory makes a plan that names a state
     * directory of their own, holding their own plan.key, and seals it with that key. It must not be
     * applied, whether the applying run names its config and state or relies on the defaults.
     */
    @Test
    void aPlanSealedWithAKeyFromADirectoryItNamesItselfIsRefused() throws Exception {
        Path planFile = dir.resolve("plan.json");
        assertEquals(2, plan("--out", planFile.toString()).code());
        Path attacker = Files.createDirectories(dir.resolve("attacker"));
        Files.writeString(attacker.resolve("plan.key"), "11".repeat(32));
        ObjectNode forged = (ObjectNode) JSON.readTree(Files.readString(planFile));
        forged.put("stateDir", attacker.toString());
        for (JsonNode d : forged.get("decisions")) {
            if (d.path("type").asText().equals("ec2") && d.has("desired")) {
                ((ObjectNode) d.get("desired").get("attributes")).put("size", "m5.24xlarge").put("image", "ami-0badc0de");
            }
        }
        Files.writeString(planFile, reseal(forged, attacker));

        Cli.Result named = applySaved(planFile, "--auto-approve", "-q");
        assertEquals(65, named.code(), named::toString);
        assertTrue(named.err().contains("checksum does not match"), named::toString);
        Cli.Result bare = Cli.run("apply", planFile.toString(), "--auto-approve", "-q");
        assertEquals(65, bare.code(), "the defaults (./ovi.yaml, its .ovi/) are used, not the file's: " + bare);
        Cli.Result attackersState = Cli.run("apply", planFile.toString(), "-c", config.toString(), "--auto-approve",
                "-q");
        assertEquals(65, attackersState.code(), attackersState::toString);

        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            assertEquals(0, ec2.describeInstances().reservations().size(), "nothing was launched");
        }
        try (var files = Files.list(attacker)) {
            assertEquals(List.of("plan.key"), files.map(f -> f.getFileName().toString()).toList(),
                    "nothing was written to the directory the file named");
        }
    }

    @Test
    void aPlanMadeWithOneStateIsRefusedByAnother() throws Exception {
        Path planFile = dir.resolve("plan.json");
        assertEquals(2, plan("--out", planFile.toString()).code());
        Path other = dir.resolve("other-state");
        assertEquals(2, Cli.run("plan", "-c", config.toString(), "--state-dir", other.toString(), "-q",
                "--detailed-exitcode", "--out", dir.resolve("other.json").toString()).code());

        Cli.Result r = Cli.run("apply", planFile.toString(), "-c", config.toString(), "--state-dir", other.toString(),
                "--auto-approve", "-q");
        assertEquals(65, r.code(), r::toString);
        assertTrue(r.err().contains("another state directory"), r::toString);

        // a copy of the state (same key) is not the state the plan was made with either
        Path copy = Files.createDirectories(dir.resolve("copy"));
        Files.copy(state.resolve("plan.key"), copy.resolve("plan.key"));
        Cli.Result c = Cli.run("apply", planFile.toString(), "-c", config.toString(), "--state-dir", copy.toString(),
                "--auto-approve", "-q");
        assertEquals(65, c.code(), c::toString);
        assertTrue(c.err().contains("made with the state directory"), c::toString);
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            assertEquals(0, ec2.describeInstances().reservations().size(), "nothing was launched");
        }
    }

    @Test
    void maxDeletesTripsBeforeAnyDeletion() throws Exception {
        List<String> old = new ArrayList<>();
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            for (int n = 0; n < 3; n++) {
                old.add(Moto.runInstance(ec2, "t3.micro", Moto.managed("team-web", "old-" + n)));
            }
            Moto.runInstance(ec2, "t3.micro", Moto.managed("team-web", "web-0", "team", "web"));
        }
        Cli.Result r = apply("--max-deletes", "2");
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().contains("--max-deletes 2"), r::toString);
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            for (String id : old) {
                assertEquals("running", instance(ec2, id).state().nameAsString(), "nothing deleted");
            }
            assertEquals(0, live(ec2, "web-1").size(), "nothing created either: the guard stops the whole run");
        }
        assertTrue(wal().stream().anyMatch(e -> e.type().equals("skipped") && "guard".equals(e.data().get("reason"))));
        assertFalse(wal().stream().anyMatch(e -> e.type().equals("executing")));

        Cli.Result skip = apply("--max-deletes", "2", "--skip-destructive");
        assertEquals(0, skip.code(), skip::toString);
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            assertEquals("running", instance(ec2, old.get(0)).state().nameAsString());
        }
    }

    @Test
    void aSavedPlanIsAppliedWithoutAutoApproveWhenThereIsNoTerminalAndStillRefusedWhenTampered() throws Exception {
        Files.writeString(config, CONFIG.replace("count: 3", "count: 1"));
        Path planFile = dir.resolve("plan.json");
        assertEquals(2, plan("--out", planFile.toString()).code());
        String text = Files.readString(planFile);

        Files.writeString(planFile, text.replace("t3.micro", "t3.large"));
        Cli.Result tampered = applySaved(planFile, "-q");
        assertEquals(65, tampered.code(), "a tampered plan is refused as before: " + tampered);
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            assertEquals(0, ec2.describeInstances().reservations().size(), "nothing was done");
        }

        Files.writeString(planFile, text);
        Cli.Result r = applySaved(planFile, "-q", "-o", "json");
        assertEquals(0, r.code(), "the saved plan was the review: no --auto-approve needed without a terminal: " + r);
        assertEquals("executed", outcome(r.json(), "web-0").get("outcome").asText(), r::toString);
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            assertEquals(1, ec2.describeInstances().reservations().size(), "the planned instance was made");
        }
        Cli.Result live = Cli.run("apply", "-c", config.toString(), "--state-dir", state.toString(), "-q");
        assertEquals(64, live.code(), "an apply that plans as it goes still needs a terminal or --auto-approve: " + live);
    }

    @Test
    void withoutATerminalApplyNeedsAutoApprove() {
        Cli.Result r = Cli.run("apply", "-c", config.toString(), "--state-dir", state.toString());
        assertEquals(64, r.code(), r::toString);
        assertTrue(r.err().contains("--auto-approve"), r::toString);
        assertFalse(Files.exists(state), "nothing observed or written");
        assertEquals(64, Cli.run("apply", "--auto-approve").code());
        Cli.Result noPlan = Cli.run("apply", "-c", config.toString(), "x.json", "--auto-approve");
        assertEquals(65, noPlan.code(), noPlan::toString);
        assertTrue(noPlan.err().contains("x.json: no such file"), noPlan::toString);
        assertEquals(64, Cli.run("apply", "-c", config.toString(), "--auto-approve", "--claim-ttl", "soon").code());
    }

    @Test
    void aNonEmptyBucketIsReportedNotEmptied() throws Exception {
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            // one managed resource stays, so this is not a plan that deletes everything
            Moto.runInstance(ec2, "t3.micro", Moto.managed("team-web", "web-0", "team", "web"));
        }
        try (var s3 = Moto.s3()) {
            s3.createBucket(b -> b.bucket("team-web-old"));
            s3.putBucketTagging(b -> b.bucket("team-web-old").tagging(t -> t.tagSet(
                    Moto.managed("team-web", "old-0").entrySet().stream().map(e -> software.amazon.awssdk.services.s3
                            .model.Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList())));
            s3.putObject(b -> b.bucket("team-web-old").key("keep.txt"),
                    software.amazon.awssdk.core.sync.RequestBody.fromString("data"));
        }
        Cli.Result r = apply();
        assertEquals(3, r.code(), r::toString);
        assertEquals("not-empty", outcome(r.json(), "old-0").get("reason").asText(), r::toString);
        try (var s3 = Moto.s3()) {
            assertEquals(1, s3.listObjectsV2(b -> b.bucket("team-web-old")).keyCount());
        }
    }

    // --- helpers

    @Test
    void rdsClassIsChangedButStorageIsNeverShrunk() throws Exception {
        Cli.Result first = apply();
        assertEquals(0, first.code(), first::toString);
        String identifier = ovi.aws.rds.RdsNames.identifier("team-web", "db-0");
        try (var rds = Moto.rds(Moto.REGION)) {
            rds.modifyDBInstance(r -> r.dbInstanceIdentifier(identifier).allocatedStorage(30).applyImmediately(true));
        }
        Files.writeString(config, CONFIG.replace("size: db.t3.micro", "size: db.t3.small"));

        Cli.Result r = apply();

        assertEquals(3, r.code(), "a refused shrink is a failure: " + r);
        JsonNode outcome = null;
        for (JsonNode o : r.json().get("outcomes")) {
            if (o.get("id").asText().equals("db-0")) {
                outcome = o;
            }
        }
        assertEquals("failed", outcome.get("outcome").asText(), r::toString);
        assertTrue(outcome.get("message").asText().contains("cannot shrink"), r::toString);
        try (var rds = Moto.rds(Moto.REGION)) {
            var db = rds.describeDBInstances(b -> b.dbInstanceIdentifier(identifier)).dbInstances().get(0);
            assertEquals(30, db.allocatedStorage(), "storage untouched");
            assertEquals("db.t3.micro", db.dbInstanceClass(), "nothing of a refused update is done");
        }

        Files.writeString(config, CONFIG.replace("size: db.t3.micro", "size: db.t3.small").replace("20Gi", "30Gi"));
        Cli.Result grown = apply();
        assertEquals(0, grown.code(), grown::toString);
        try (var rds = Moto.rds(Moto.REGION)) {
            assertEquals("db.t3.small", rds.describeDBInstances(b -> b.dbInstanceIdentifier(identifier)).dbInstances()
                    .get(0).dbInstanceClass());
        }
    }

    /** ovi apply PLAN_FILE with this test's config and state, as a user who planned with them would. */
    Cli.Result applySaved(Path planFile, String... extra) {
        List<String> args = new ArrayList<>(List.of("apply", planFile.toString(), "-c", config.toString(),
                "--state-dir", state.toString()));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    private String reseal(ObjectNode plan) throws Exception {
        return reseal(plan, state);
    }

    /** The plan sealed with the key in {@code keyDir}, as its author would. */
    static String reseal(ObjectNode plan, Path keyDir) throws Exception {
        plan.remove("checksum");
        Mac mac = Mac.getInstance("HmacSHA256");
        byte[] key = HexFormat.of().parseHex(Files.readString(keyDir.resolve("plan.key"), StandardCharsets.US_ASCII).trim());
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        plan.put("checksum", HexFormat.of().formatHex(mac.doFinal(JSON.writeValueAsBytes(plan))));
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(plan);
    }

    private List<WalEntry> wal() {
        List<WalEntry> out = new ArrayList<>();
        try (ChronicleAuditLog log = ChronicleAuditLog.open(state.resolve("wal"))) {
            log.readAll(out::add);
        }
        return out;
    }

    static JsonNode outcome(JsonNode report, String id) {
        return StreamSupport.stream(report.get("outcomes").spliterator(), false)
                .filter(d -> d.get("id").asText().equals(id))
                .findFirst().orElseThrow(() -> new AssertionError("no outcome for " + id + " in " + report));
    }

    static List<Instance> live(Ec2Client ec2, String oviId) {
        return ec2.describeInstances(b -> b.filters(
                        Filter.builder().name("tag:ovi:id").values(oviId).build(),
                        Filter.builder().name("tag:ovi:owner").values("team-web").build(),
                        Filter.builder().name("instance-state-name").values("pending", "running", "stopping", "stopped")
                                .build()))
                .reservations().stream().flatMap(r -> r.instances().stream()).toList();
    }

    static Instance oneLive(Ec2Client ec2, String oviId) {
        List<Instance> l = live(ec2, oviId);
        assertEquals(1, l.size(), "live instances tagged " + oviId);
        return l.get(0);
    }

    static Instance instance(Ec2Client ec2, String instanceId) {
        return ec2.describeInstances(b -> b.instanceIds(instanceId)).reservations().get(0).instances().get(0);
    }

    static Map<String, String> tags(Instance i) {
        Map<String, String> m = new HashMap<>();
        i.tags().forEach(t -> m.put(t.key(), t.value()));
        return m;
    }
}

package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.Tag;

/** ovi plan through the CLI against a moto server seeded with the SDK. */
class PlanIT {
    static final String CONFIG = """
            version: v1
            provider: aws
            region: us-east-1
            owner: team-web
            blessed: [legacy-0]
            resources:
              - type: ec2
                name: web
                count: 2
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
            """;

    @TempDir
    Path dir;
    Path config;

    @BeforeEach
    void setUp() throws Exception {
        Moto.reset();
        config = dir.resolve("ovi.yaml");
        Files.writeString(config, CONFIG);
    }

    @Test
    void planShowsAllFourDiffKindsWithFieldLevelChanges() {
        String web0;
        String drifted;
        String unwanted;
        String blessed;
        String unmanaged;
        String foreign;
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION); RdsClient rds = Moto.rds(Moto.REGION)) {
            web0 = Moto.runInstance(ec2, "t3.micro", Moto.managed("team-web", "web-0", "team", "web", "extra", "x"));
            drifted = Moto.runInstance(ec2, "t3.small", Moto.managed("team-web", "web-1"));
            unwanted = Moto.runInstance(ec2, "t3.micro", Moto.managed("team-web", "old-0"));
            blessed = Moto.runInstance(ec2, "t3.micro", Moto.managed("team-web", "legacy-0"));
            unmanaged = Moto.runInstance(ec2, "t3.micro", Map.of("Name", "hand-made"));
            foreign = Moto.runInstance(ec2, "t3.micro", Moto.managed("team-data", "old-0"));
            rds.createDBInstance(r -> r.dbInstanceIdentifier("db-0-web").dbInstanceClass("db.t3.micro").engine("postgres")
                    .allocatedStorage(30).masterUsername("ovi").manageMasterUserPassword(true)
                    .tags(tags(Moto.managed("team-web", "db-0"))));
        }

        Cli.Result r = Cli.run("plan", "-c", config.toString(), "-o", "json", "--detailed-exitcode", "-q");

        assertEquals(2, r.code(), r::toString);
        JsonNode plan = r.json();
        assertEquals(1, plan.get("formatVersion").asInt());
        assertEquals("team-web", plan.get("owner").asText());
        assertEquals("123456789012", plan.get("account").asText());
        assertTrue(plan.get("revision").asLong() >= 1);
        assertEquals(0, plan.get("unobserved").size(), r::toString);

        JsonNode d1 = diff(plan, "drifted", "web-1");
        assertEquals(drifted, d1.get("cloudId").asText());
        assertEquals(List.of("size:t3.small->t3.micro", "tags.team:null->web"), changes(d1));
        JsonNode db = diff(plan, "drifted", "db-0");
        // made by hand, so without the secure defaults a DB instance is declared with (moto does not report
        // public access unless it was given): drift of its own, encryption among it
        assertEquals(List.of("storage:30->20", "deletionProtection:false->true", "storageEncrypted:false->true",
                "publiclyAccessible:null->false"), changes(db));
        assertEquals(unwanted, diff(plan, "unwanted", "old-0").get("cloudId").asText());
        assertTrue(diff(plan, "unwanted", "legacy-0").get("blessed").asBoolean());
        assertEquals(unmanaged, diff(plan, "unmanaged", unmanaged).get("cloudId").asText());
        assertTrue(diff(plan, "unmanaged", foreign).get("reason").asText().contains("team-data"));
        diff(plan, "missing", "assets-0");
        assertFalse(ids(plan.get("diffs")).contains(web0), "web-0 matches its declaration: no diff");
        assertFalse(ids(plan.get("diffs")).contains("web-0"), "tags the config does not mention are not drift");

        assertEquals("update", decision(plan, "web-1").get("action").asText());
        assertEquals("update", decision(plan, "db-0").get("action").asText());
        assertEquals("delete", decision(plan, "old-0").get("action").asText());
        assertEquals("notify", decision(plan, "legacy-0").get("action").asText());
        assertEquals("notify", decision(plan, unmanaged).get("action").asText());
        assertEquals("notify", decision(plan, foreign).get("action").asText());
        assertEquals("create", decision(plan, "assets-0").get("action").asText());
        JsonNode s = plan.get("summary");
        // notify: legacy-0, the unmanaged and the foreign instance, and the default VPC's default security group
        assertEquals(List.of(1, 2, 1, 4), List.of(s.get("create").asInt(), s.get("update").asInt(),
                s.get("delete").asInt(), s.get("notify").asInt()));
    }

    @Test
    void skipDestructiveTurnsDeletesIntoNotifications() {
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            Moto.runInstance(ec2, "t3.micro", Moto.managed("team-web", "web-0", "team", "web"));
            Moto.runInstance(ec2, "t3.micro", Moto.managed("team-web", "old-0"));
        }
        Cli.Result r = Cli.run("plan", "-c", config.toString(), "-o", "json", "-q", "--skip-destructive");
        assertEquals(0, r.code(), r::toString);
        assertEquals("notify", decision(r.json(), "old-0").get("action").asText());
        assertEquals(0, r.json().get("summary").get("delete").asInt());
    }

    @Test
    void humanOutputGroupsDecisionsByActionWithASummary() {
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            Moto.runInstance(ec2, "t3.large", Moto.managed("team-web", "web-0", "team", "web"));
        }
        Cli.Result r = Cli.run("plan", "-c", config.toString());
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("Create:\n  + ec2 web-1 in us-east-1: declared but not found"), r::toString);
        assertTrue(r.out().contains("Update:\n  ~ ec2 web-0 (i-"), r::toString);
        assertTrue(r.out().contains("      size: t3.large -> t3.micro"), r::toString);
        // the one notify is the default VPC's default security group, untagged like every VPC's
        assertTrue(r.out().contains("Plan: 3 to create, 1 to update, 0 to delete, 1 to notify."), r::toString);
        assertFalse(r.out().contains("\u001b["), "no colour when stdout is not a terminal");
        assertTrue(r.err().contains("observed ec2/us-east-1: 1 resources"), "progress goes to stderr");
    }

    @Test
    void anUnobservableRegionYieldsNoCreateOrDelete() throws Exception {
        // every call to eu-south-2 fails with HTTP 500 (through the fault proxy): that region cannot be observed
        Files.writeString(config, CONFIG + """
                  - type: ec2
                    name: far
                    region: eu-south-2
                    size: t3.micro
                    image: ami-12c6146b
                """);
        Cli.Result r;
        try (FaultProxy proxy = FaultProxy.start()) {
            proxy.when(q -> "eu-south-2".equals(q.region()), -1, FaultProxy.serverError());
            r = Cli.run("plan", "-c", config.toString(), "-o", "json", "-q", "--endpoint-url",
                    proxy.endpoint().toString());
        }
        assertEquals(0, r.code(), r::toString);
        JsonNode plan = r.json();
        List<String> unobserved = new ArrayList<>();
        plan.get("unobserved").forEach(u -> unobserved.add(u.get("type").asText() + "/" + u.get("region").asText()));
        assertTrue(unobserved.contains("ec2/eu-south-2"), r::toString);
        assertTrue(unobserved.contains("rds/eu-south-2"), r::toString);
        assertFalse(ids(plan.get("decisions")).contains("far-0"), "no create where nothing could be seen");
        assertTrue(ids(plan.get("diffs")).contains("far-0"), "the difference is still reported");
        assertEquals("create", decision(plan, "web-0").get("action").asText(), "observed regions still decide");
    }

    @Test
    void aPlanThatWouldDeleteEveryManagedResourceIsRefused() throws Exception {
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            Moto.runInstance(ec2, "t3.micro", Moto.managed("team-web", "web-0"));
            Moto.runInstance(ec2, "t3.micro", Moto.managed("team-web", "web-1"));
        }
        Files.writeString(config, "version: v1\nprovider: aws\nregion: us-east-1\nowner: team-web\nresources: []\n");
        Cli.Result refused = Cli.run("plan", "-c", config.toString(), "-o", "json", "-q");
        assertEquals(1, refused.code(), refused::toString);
        assertTrue(refused.err().contains("--allow-empty"), refused::toString);
        assertEquals("", refused.out());

        Cli.Result allowed = Cli.run("plan", "-c", config.toString(), "-o", "json", "-q", "--allow-empty");
        assertEquals(0, allowed.code(), allowed::toString);
        assertEquals(2, allowed.json().get("summary").get("delete").asInt());
    }

    @Test
    void anAccountNotListedInTheConfigIsRefusedBeforeDeciding() throws Exception {
        Files.writeString(config, CONFIG.replace("owner: team-web", "owner: team-web\naccounts: [\"111122223333\"]"));
        Cli.Result r = Cli.run("plan", "-c", config.toString(), "-o", "json", "-q");
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().contains("123456789012") && r.err().contains("111122223333"), r::toString);
    }

    @Test
    void anInvalidConfigExits65AndWritesNoState() throws Exception {
        Files.writeString(config, CONFIG.replace("count: 2", "count: -2").replace("storage: 20Gi", "storage: 20 GB"));
        Path state = dir.resolve("state");
        Cli.Result r = Cli.run("plan", "-c", config.toString(), "--state-dir", state.toString());
        assertEquals(65, r.code(), r::toString);
        assertTrue(r.err().contains("resources[0].count"), r::toString);
        assertTrue(r.err().contains("resources[1].storage"), r::toString);
        assertFalse(Files.exists(state), "nothing is written for an invalid config");
    }

    @Test
    void usageErrorsExit64() {
        assertEquals(64, Cli.run("plan").code());
        assertEquals(64, Cli.run("plan", "-c", config.toString(), "-o", "yaml").code());
        assertEquals(64, Cli.run("frobnicate").code());
    }

    @Test
    void aSteadyStateRunWritesNoResourceRows() {
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            Moto.runInstance(ec2, "t3.micro", Moto.managed("team-web", "web-0", "team", "web"));
        }
        Cli.Result first = Cli.run("plan", "-c", config.toString());
        Cli.Result second = Cli.run("plan", "-c", config.toString());
        assertEquals(0, first.code(), first::toString);
        // web-0 and the default VPC's default security group
        assertTrue(first.err().contains("(2 resources changed)"), first::toString);
        assertTrue(second.err().contains("(0 resources changed)"), second::toString);
    }

    @Test
    void everyObservationAndDecisionIsAppendedToTheWalWithTheRunId() {
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            Moto.runInstance(ec2, "t3.micro", Moto.managed("team-web", "old-0"));
            Moto.runInstance(ec2, "t3.micro", Moto.managed("team-web", "web-0", "team", "web"));
        }
        Cli.Result r = Cli.run("plan", "-c", config.toString(), "-o", "json", "-q");
        assertEquals(0, r.code(), r::toString);
        String runId = r.json().get("runId").asText();
        List<ovi.model.WalEntry> entries = new ArrayList<>();
        try (var wal = ovi.wal.ChronicleAuditLog.open(dir.resolve(".ovi/ovi/wal"))) {
            wal.readAll(entries::add);
        }
        assertTrue(entries.stream().allMatch(e -> e.runId().equals(runId)));
        var observed = entries.stream().filter(e -> e.type().equals("observed")).toList();
        // one entry per scope: every regional kind in the config's region, every global kind once
        assertEquals(ovi.model.ResourceType.all().stream().map(t -> t.key() + "/" + (t.regional() ? "us-east-1" : "global"))
                .toList(), observed.stream().map(ovi.model.WalEntry::resource).toList());
        var ec2 = observed.stream().filter(e -> e.resource().equals("ec2/us-east-1")).findFirst().orElseThrow();
        assertEquals(2, ((Number) ec2.data().get("count")).intValue());
        assertEquals(r.json().get("revision").asLong(), ((Number) ec2.data().get("revision")).longValue());
        var decided = entries.stream().filter(e -> e.type().equals("decided")).toList();
        assertEquals(r.json().get("decisions").size(), decided.size());
        assertTrue(decided.stream().anyMatch(e -> e.resource().equals("old-0") && "delete".equals(e.action())));
    }

    @Test
    void everyRegionTheConfigNamesIsObserved() throws Exception {
        Files.writeString(config, CONFIG + "  - type: ec2\n    name: eu\n    region: eu-west-1\n"
                + "    size: t3.micro\n    image: ami-12c6146b\n");
        String euId;
        try (Ec2Client eu = Moto.ec2("eu-west-1")) {
            euId = Moto.runInstance(eu, "t3.small", Moto.managed("team-web", "eu-0"));
        }
        Cli.Result r = Cli.run("plan", "-c", config.toString(), "-o", "json", "-q");
        assertEquals(0, r.code(), r::toString);
        JsonNode eu = diff(r.json(), "drifted", "eu-0");
        assertEquals(euId, eu.get("cloudId").asText());
        assertEquals("eu-west-1", eu.get("region").asText());
    }

    @Test
    void theStateDirectoryIsPrivateAndASavedPlanIsSealed() throws Exception {
        Path saved = dir.resolve("plan.json");
        Cli.Result r = Cli.run("plan", "-c", config.toString(), "-q", "--out", saved.toString());
        assertEquals(0, r.code(), r::toString);
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve(".ovi"))));
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve(".ovi/ovi"))));
        JsonNode plan = new com.fasterxml.jackson.databind.ObjectMapper().readTree(saved.toFile());
        assertEquals(64, plan.get("checksum").asText().length());
        assertEquals(5, plan.get("decisions").size(), "four declared, and the default security group's notify");
        assertEquals("t3.micro", decision(plan, "web-0").get("desired").get("attributes").get("size").asText());
    }

    @Test
    void terminalControlCharactersInAConfigAreShownEscapedNeverSentRaw() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        // YAML's own escapes (\e, \a) put ESC and BEL into the value
        Files.writeString(bad, CONFIG.replace("owner: team-web", "owner: \"team\\e[2J\\e]0;pwned\\a\""));

        Cli.Result r = Cli.run("plan", "-c", bad.toString(), "-q");

        assertEquals(65, r.code(), r::toString);
        assertTrue(r.err().contains("team\\x1b[2J\\x1b]0;pwned\\x07"), r::toString);
        assertTrue(r.err().chars().noneMatch(c -> c == 0x1b || c == 0x07), "no raw control character: " + r);
    }

    @Test
    void savingAPlanNeverWritesThroughALinkSomeoneLeftBesideIt() throws Exception {
        Path victim = dir.resolve("victim.txt");
        Files.writeString(victim, "keep me");
        Path saved = dir.resolve("plan.json");
        Files.createSymbolicLink(dir.resolve("plan.json.tmp"), victim);

        Cli.Result r = Cli.run("plan", "-c", config.toString(), "-q", "--out", saved.toString());

        assertEquals(0, r.code(), r::toString);
        assertEquals("keep me", Files.readString(victim));
        assertTrue(Files.isRegularFile(saved, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(saved)), "a saved plan is readable by its user only");
    }

    private static List<Tag> tags(Map<String, String> m) {
        return m.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    }

    static JsonNode diff(JsonNode plan, String kind, String id) {
        return StreamSupport.stream(plan.get("diffs").spliterator(), false)
                .filter(d -> d.get("kind").asText().equals(kind) && d.get("id").asText().equals(id))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " diff for " + id + " in " + plan));
    }

    static JsonNode decision(JsonNode plan, String id) {
        return StreamSupport.stream(plan.get("decisions").spliterator(), false)
                .filter(d -> d.get("id").asText().equals(id))
                .findFirst().orElseThrow(() -> new AssertionError("no decision for " + id + " in " + plan));
    }

    static List<String> ids(JsonNode array) {
        List<String> ids = new ArrayList<>();
        array.forEach(n -> ids.add(n.get("id").asText()));
        return ids;
    }

    static List<String> changes(JsonNode diff) {
        List<String> out = new ArrayList<>();
        diff.get("changes").forEach(c -> out.add(c.get("field").asText() + ":"
                + (c.get("current").isNull() ? "null" : c.get("current").asText()) + "->" + c.get("desired").asText()));
        return out;
    }
}

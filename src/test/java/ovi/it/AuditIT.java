package ovi.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import ovi.Ovi;
import ovi.engine.AuditLog.Draft;
import ovi.model.WalEntry;
import ovi.store.JdbcClaimStore;
import ovi.store.JdbcObservationStore;
import ovi.wal.ChronicleAuditLog;
import ovi.wal.WalFixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;

/** The audit verbs (wal show/verify/prune, status, history) over state written by real plan runs. */
class AuditIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    Path config;
    Path state;

    @BeforeEach
    void setUp() throws Exception {
        Moto.reset();
        config = dir.resolve("ovi.yaml");
        Files.writeString(config, PlanIT.CONFIG);
        state = dir.resolve(".ovi/ovi");
    }

    private Cli.Result plan(String... more) {
        List<String> args = new ArrayList<>(List.of("plan", "-c", config.toString(), "-q"));
        args.addAll(List.of(more));
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r::toString);
        return r;
    }

    private JsonNode show(String... filters) {
        List<String> args = new ArrayList<>(List.of("wal", "show", "--state-dir", state.toString(), "-o", "json"));
        args.addAll(List.of(filters));
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r::toString);
        assertEquals(1, r.json().get("formatVersion").asInt(), r::toString);
        return r.json().get("entries");
    }

    private static Set<String> field(JsonNode entries, String name) {
        Set<String> out = new HashSet<>();
        entries.forEach(e -> out.add(e.get(name).asText()));
        return out;
    }

    private List<WalEntry> append(Draft... drafts) {
        try (ChronicleAuditLog wal = ChronicleAuditLog.open(state.resolve("wal"))) {
            return wal.append(List.of(drafts));
        }
    }

    private static Draft d(String run, String type, String resource, String action, String message, Map<String, Object> data) {
        return new Draft(run, type, resource, action, message, data);
    }

    @Test
    void walShowFiltersEntriesWrittenByRealRuns() {
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            Moto.runInstance(ec2, "t3.large", Moto.managed("team-web", "web-0", "team", "web"));
        }
        String run1 = plan("-o", "json").json().get("runId").asText();
        String run2 = plan("-o", "json").json().get("runId").asText();

        JsonNode all = show();
        assertEquals(Set.of(run1, run2), field(all, "runId"));
        assertEquals(Set.of("observed", "decided"), field(all, "type"));
        for (int i = 1; i < all.size(); i++) {
            assertEquals(all.get(i - 1).get("seq").asLong() + 1, all.get(i).get("seq").asLong(), "oldest first, all of them");
        }

        assertEquals(Set.of(run2), field(show("--run", run2), "runId"));
        assertEquals(Set.of("decided"), field(show("--type", "decided"), "type"));
        assertEquals(Set.of("observed"), field(show("--type", "observed", "--resource", "ec2/us-east-1"), "type"));
        JsonNode web0 = show("--resource", "web-0");
        assertEquals(2, web0.size(), web0::toString);
        assertEquals(Set.of("update"), field(web0, "action"));
        String cloudId = web0.get(0).get("data").get("cloudId").asText();
        assertEquals(2, show("--resource", cloudId).size(), "a cloud id finds the entries about it too");

        JsonNode last2 = show("--limit", "2");
        assertEquals(2, last2.size());
        assertEquals(all.get(all.size() - 1).get("seq"), last2.get(1).get("seq"), "--limit keeps the newest");

        String run2Start = show("--run", run2).get(0).get("time").asText();
        assertEquals(Set.of(run2), field(show("--since", run2Start), "runId"));
        assertEquals(Set.of(run1), field(show("--until", run2Start), "runId"));
        assertEquals(0, show("--since", "2099-01-01").size());
        assertEquals(all.size(), show("--since", "1h").size());

        // found through the config too, as a table and as JSON lines
        Cli.Result table = Cli.run("wal", "show", "-c", config.toString(), "--run", run1, "--type", "decided");
        assertEquals(0, table.code(), table::toString);
        String[] lines = table.out().split("\n");
        assertTrue(lines[0].matches("TIME\\s+RUN\\s+TYPE\\s+RESOURCE\\s+ACTION\\s+MESSAGE"), lines[0]);
        assertTrue(table.out().contains(run1 + "  decided    web-0"), table::toString);
        Cli.Result jsonl = Cli.run("wal", "show", "-c", config.toString(), "-o", "jsonl");
        String[] rows = jsonl.out().strip().split("\n");
        assertEquals(all.size(), rows.length);
        for (String row : rows) {
            assertTrue(row.startsWith("{") && row.contains("\"hash\""), row);
        }
    }

    @Test
    void statusShowsTheLastRunLiveClaimsAndInDoubtActions() throws Exception {
        plan();
        String run = "r20261121T031000Z-abcdef";
        append(d(run, "claimed", "web-0", null, "claimed", Map.of("claim", "team-web/ec2/web-0", "holder", "host-1:42",
                        "fence", 3, "expiresAt", "2099-01-01T00:00:00Z")),
                d(run, "executing", "web-0", "create", "creating", Map.of("holder", "host-1:42", "fence", 3, "type", "ec2",
                        "region", "us-east-1", "clientToken", "tok-0")),
                d(run, "executed", "web-0", "create", "created i-1", Map.of("cloudId", "i-1", "requestId", "req-1")),
                d(run, "released", "web-0", null, "released", Map.of("claim", "team-web/ec2/web-0", "fence", 3)),
                d(run, "skipped", "old-0", "delete", "claimed by another holder", Map.of("reason", "claimed")),
                d(run, "executing", "assets-0", "create", "creating", Map.of("holder", "host-1:42", "fence", 1,
                        "type", "s3", "region", "us-east-1", "cloudId", "team-web-assets")),
                d(run, "executing", "web-1", "create", "creating", Map.of("holder", "host-1:42", "fence", 1, "type", "ec2",
                        "region", "us-east-1")),
                d(run, "failed", "assets-0", "create", "access denied", Map.of("requestId", "req-2", "error", "access denied")));
        long web1Seq = append(d(run, "skipped", "web-2", "create", "quota", Map.of("reason", "quota"))).get(0).seq() - 2;
        long inDoubtSeq = append(d(run, "executing", "db-0", "create", "creating", Map.of("holder", "host-1:42",
                "fence", 1, "type", "rds", "region", "us-east-1", "cloudId", "db-0-web"))).get(0).seq();
        try (JdbcObservationStore store = JdbcObservationStore.openH2(state.resolve("store"));
             var c = store.openConnection()) {
            assertTrue(new JdbcClaimStore(c, Clock.systemUTC()).tryClaim("team-web/ec2/web-1", "host-1:42",
                    Duration.ofMinutes(10)).isPresent());
        }

        Cli.Result r = Cli.run("status", "-c", config.toString(), "-o", "json");
        assertEquals(0, r.code(), r::toString);
        JsonNode s = r.json();
        JsonNode last = s.get("lastRun");
        assertEquals(run, last.get("runId").asText());
        assertEquals("failed", last.get("outcome").asText());
        assertEquals(1, last.get("counts").get("claimed").asInt());
        assertEquals(4, last.get("counts").get("executing").asInt());
        assertEquals(1, last.get("counts").get("executed").asInt());
        assertEquals(1, last.get("counts").get("failed").asInt());
        assertEquals(2, last.get("counts").get("skipped").asInt());
        assertEquals(1, last.get("counts").get("released").asInt());
        assertEquals(1, last.get("actions").get("executed").get("create").asInt());
        assertEquals(1, s.get("consecutiveFailures").asInt());
        assertEquals("ok", s.get("lastSuccess").get("outcome").asText(), "the plan run before it succeeded");
        // the plan's entries are all appended at its end; its duration still counts from when it began
        assertTrue(s.get("lastSuccess").get("durationMs").asLong() > 0, s::toString);
        assertEquals("host-1:42", s.get("claims").get(0).get("holder").asText());
        assertEquals("team-web/ec2/web-1", s.get("claims").get(0).get("resource").asText());
        assertEquals(List.of("web-1", "db-0"), List.of(s.get("inDoubt").get(0).get("resource").asText(),
                s.get("inDoubt").get(1).get("resource").asText()));
        assertEquals(inDoubtSeq, s.get("inDoubt").get(1).get("seq").asLong());

        Cli.Result text = Cli.run("status", "--state-dir", state.toString(), "--check");
        assertEquals(1, text.code(), text::toString);
        assertTrue(text.out().contains("In doubt:             2"), text::toString);
        assertTrue(text.out().contains("seq " + inDoubtSeq) && text.out().contains("create rds db-0 in us-east-1 (db-0-web)"),
                text::toString);
        assertTrue(text.out().contains("team-web/ec2/web-1  held by host-1:42"), text::toString);
        assertTrue(text.out().contains("FAILED: 1 consecutive failed run; 2 actions in doubt"), text::toString);

        // a later run settles both and succeeds: healthy again
        String next = "r20261121T041000Z-abcdef";
        append(d(next, "executed", "web-1", "create", "after a crash: the instance exists",
                        Map.of("resolvesSeq", web1Seq, "inDoubtRunId", run, "cloudId", "i-2")),
                d(next, "failed", "db-0", "create", "after a crash: no DB instance found",
                        Map.of("resolvesSeq", inDoubtSeq, "inDoubtRunId", run)));
        Cli.Result healthy = Cli.run("status", "--state-dir", state.toString(), "--check", "-o", "json");
        assertEquals(0, healthy.code(), healthy::toString);
        assertEquals(0, healthy.json().get("inDoubt").size());
        assertEquals("ok", healthy.json().get("lastRun").get("outcome").asText(),
                "a crash found out later is the crashed run's failure");
    }

    @Test
    void statusCheckFailsWhenTheLastSuccessIsTooOld() {
        Path wal = state.resolve("wal");
        WalFixtures.appendAt(wal, Instant.now().minus(Duration.ofDays(3)), List.of(
                d("r-old", "observed", "ec2/us-east-1", null, "1 resources", Map.of("revision", 1, "count", 1))));
        Cli.Result stale = Cli.run("status", "--state-dir", state.toString(), "--check", "--max-age", "2d");
        assertEquals(1, stale.code(), stale::toString);
        assertTrue(stale.out().contains("more than 2d ago"), stale::toString);
        assertEquals(0, Cli.run("status", "--state-dir", state.toString(), "--check", "--max-age", "4d").code());

        Path empty = dir.resolve("empty");
        assertEquals(1, Cli.run("status", "--state-dir", dir.toString(), "--check").code(), "no run at all is unhealthy");
        assertFalse(Files.exists(empty));
    }

    @Test
    void walVerifyCatchesAHandEditedEntryAndChangesNothing() throws Exception {
        plan();
        append(d("r-x", "executed", "web-0", "create", "created the instance i-0abc", Map.of("cloudId", "i-0abc")));
        long seq = append(d("r-x", "executed", "web-1", "create", "created the instance i-0def", Map.of("cloudId", "i-0def")))
                .get(0).seq();
        append(d("r-x", "released", "web-1", null, "released", Map.of()));
        Cli.Result ok = Cli.run("wal", "verify", "-c", config.toString());
        assertEquals(0, ok.code(), ok::toString);
        assertTrue(ok.out().startsWith("ok: " + (seq + 1) + " entries (seq 1.." + (seq + 1) + "), chain intact"), ok::toString);

        Path file = WalFixtures.tamper(state.resolve("wal"), "i-0def", "i-0dee");
        byte[] before = Files.readAllBytes(file);
        Cli.Result broken = Cli.run("wal", "verify", "-c", config.toString());
        assertEquals(1, broken.code(), broken::toString);
        assertTrue(broken.out().contains("broken: entry seq " + seq + " (" + file.getFileName() + "): hash mismatch"),
                broken::toString);
        assertArrayEquals(before, Files.readAllBytes(file), "verify never writes");

        JsonNode j = Cli.run("wal", "verify", "-c", config.toString(), "-o", "json").json();
        assertFalse(j.get("ok").asBoolean());
        assertEquals(seq, j.get("problem").get("seq").asLong());
    }

    @Test
    void garbageInACycleFileIsReportedAndLeftAlone() throws Exception {
        plan();
        append(d("r-x", "executed", "web-0", "create", "created the instance i-0abc", Map.of("cloudId", "i-0abc")));
        Path file;
        try (var files = Files.list(state.resolve("wal"))) {
            file = files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = text.indexOf("created the instance");
        // overwrite the entry, its header included, with garbage
        int from = text.lastIndexOf("\"action\"", at) - 40;
        for (int i = from; i < at + 20; i++) {
            bytes[i] = (byte) 0xA5;
        }
        Files.write(file, bytes);
        byte[] damaged = Files.readAllBytes(file);

        Cli.Result v = Cli.run("wal", "verify", "--state-dir", state.toString());
        assertEquals(1, v.code(), v::toString);
        assertTrue(v.out().startsWith("broken:"), v::toString);
        Cli.Result s = Cli.run("wal", "show", "--state-dir", state.toString());
        assertTrue(s.code() == 1 || s.code() == 0, s::toString);
        assertArrayEquals(damaged, Files.readAllBytes(file), "nothing reading the WAL repairs or rewrites it");
    }

    @Test
    void retentionRemovesOldCyclesAndVerifyStillPasses() {
        Path wal = state.resolve("wal");
        Instant now = Instant.now();
        WalFixtures.appendAt(wal, now.minus(Duration.ofDays(40)), List.of(
                d("r-40", "observed", "ec2/us-east-1", null, "0 resources", Map.of("revision", 1, "count", 0))));
        WalFixtures.appendAt(wal, now.minus(Duration.ofDays(35)), List.of(
                d("r-35", "observed", "ec2/us-east-1", null, "0 resources", Map.of("revision", 2, "count", 0)),
                d("r-35", "decided", "web-0", "create", "declared but not found", Map.of())));
        WalFixtures.appendAt(wal, now.minus(Duration.ofDays(3)), List.of(
                d("r-3", "observed", "ec2/us-east-1", null, "0 resources", Map.of("revision", 3, "count", 0))));

        Cli.Result pruned = Cli.run("wal", "prune", "--state-dir", state.toString(), "--wal-retention", "30d");
        assertEquals(0, pruned.code(), pruned::toString);
        assertTrue(pruned.out().startsWith("removed 2 WAL cycle files (3 entries)"), pruned::toString);
        assertTrue(pruned.out().contains("starts after seq 3"), pruned::toString);

        Cli.Result v = Cli.run("wal", "verify", "--state-dir", state.toString());
        assertEquals(0, v.code(), v::toString);
        assertTrue(v.out().contains("ok: 1 entries (seq 4..4)"), v::toString);
        assertEquals(Set.of("r-3"), field(show(), "runId"));

        // plan prunes after its run too, and the chain goes on from the anchor
        plan("--wal-retention", "2d");
        Cli.Result after = Cli.run("wal", "verify", "--state-dir", state.toString());
        assertEquals(0, after.code(), after::toString);
        assertTrue(after.out().contains("retention anchor at seq 4"), after::toString);
    }

    @Test
    void followPrintsNewEntriesAsTheyAreAppended() throws Exception {
        plan();
        int existing = show().size();
        StringWriter out = new StringWriter();
        AtomicInteger code = new AtomicInteger(-1);
        Thread t = new Thread(() -> code.set(Ovi.commandLine(new PrintWriter(out, true), new PrintWriter(new StringWriter()))
                .execute("wal", "show", "--state-dir", state.toString(), "-f", "-o", "jsonl", "--type", "executed",
                        "--stop-after", "2", "--poll-ms", "20")));
        t.start();
        append(d("r-f", "executing", "web-0", "create", "creating", Map.of()),
                d("r-f", "executed", "web-0", "create", "created i-1", Map.of("cloudId", "i-1")));
        append(d("r-f", "executed", "web-1", "create", "created i-2", Map.of("cloudId", "i-2")));
        t.join(30_000);
        assertFalse(t.isAlive(), "follow stops after --stop-after entries");
        assertEquals(0, code.get());
        String[] lines = out.toString().strip().split("\n");
        assertEquals(2, lines.length, out::toString);
        assertEquals("created i-2", JSON.readTree(lines[1]).get("message").asText());
        assertTrue(existing > 0);
    }

    @Test
    void historyShowsEachRevisionWithWhatChanged() {
        String id;
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            id = Moto.runInstance(ec2, "t3.micro", Moto.managed("team-web", "web-0"));
            plan();
            ec2.createTags(r -> r.resources(List.of(id)).tags(t -> t.key("team").value("web")));
            plan();
            ec2.terminateInstances(r -> r.instanceIds(id));
            plan();
        }
        Cli.Result text = Cli.run("history", "-c", config.toString(), "web-0");
        assertEquals(0, text.code(), text::toString);
        assertTrue(text.out().startsWith("ec2:us-east-1:" + id + "\n"), text::toString);
        assertTrue(text.out().contains("first seen"), text::toString);
        assertTrue(text.out().contains("tags.team: (absent) -> web"), text::toString);
        assertTrue(text.out().strip().endsWith("gone"), text::toString);

        JsonNode doc = Cli.run("history", "--state-dir", state.toString(), id, "-o", "json").json();
        assertEquals(1, doc.get("formatVersion").asInt(), doc::toString);
        JsonNode j = doc.get("revisions");
        assertEquals(3, j.size(), j::toString);
        assertTrue(j.get(0).get("changes").toString().contains("\"field\":\"size\""), "first seen: every field is new");
        assertEquals(1, j.get(1).get("changes").size(), j::toString);
        assertEquals("tags.team", j.get(1).get("changes").get(0).get("field").asText());
        assertTrue(j.get(2).get("gone").asBoolean());

        Cli.Result unknown = Cli.run("history", "-c", config.toString(), "web-9");
        assertEquals(1, unknown.code(), unknown::toString);
        assertTrue(unknown.err().contains("no resource with ovi id or cloud id 'web-9'"), unknown::toString);
    }

    @Test
    void badInputIsAClearErrorAndDestroysNothing() throws Exception {
        plan();
        Cli.Result type = Cli.run("wal", "show", "--state-dir", state.toString(), "--type", "exploded");
        assertEquals(64, type.code(), type::toString);
        assertTrue(type.err().contains("unknown --type 'exploded'") && type.err().contains("observed, decided"), type::toString);
        Cli.Result since = Cli.run("wal", "show", "--state-dir", state.toString(), "--since", "yesterday");
        assertEquals(64, since.code(), since::toString);
        assertTrue(since.err().contains("2026-11-21T03:10:00Z"), since::toString);
        assertEquals(64, Cli.run("status", "--max-age", "soon", "--state-dir", state.toString()).code());
        assertEquals(64, Cli.run("wal", "prune", "--state-dir", state.toString(), "--wal-retention", "forever").code());
        assertEquals(64, Cli.run("wal", "show", "--state-dir", state.toString(), "-f", "-o", "json").code());
        Cli.Result where = Cli.run("status");
        assertEquals(64, where.code(), where::toString);
        assertTrue(where.err().contains("--state-dir DIR, or -c CONFIG"), where::toString);
        Cli.Result none = Cli.run("status", "--state-dir", dir.resolve("nowhere").toString());
        assertEquals(1, none.code(), none::toString);
        assertTrue(none.err().contains("no ovi state in"), none::toString);
        assertFalse(Files.exists(dir.resolve("nowhere")), "reading never creates a state directory");
        Cli.Result verb = Cli.run("wal");
        assertEquals(64, verb.code(), verb::toString);

        // a truncated cycle file: reported, not repaired
        Path file;
        try (var files = Files.list(state.resolve("wal"))) {
            file = files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(whole, 200));
        Cli.Result truncated = Cli.run("wal", "verify", "--state-dir", state.toString());
        assertEquals(1, truncated.code(), truncated::toString);
        assertTrue(truncated.out().contains(file.getFileName() + " is truncated (200 bytes)"), truncated::toString);
        Cli.Result show = Cli.run("wal", "show", "--state-dir", state.toString());
        assertEquals(1, show.code(), show::toString);
        assertTrue(show.err().contains("is truncated"), show::toString);
        assertEquals(1, Cli.run("status", "--state-dir", state.toString()).code());
        assertEquals(1, Cli.run("plan", "-c", config.toString(), "-q").code(), "no run appends to a damaged WAL");
        // the refused run has closed its store before returning, not in a thread still writing files
        assertFalse(Files.exists(state.resolve("ovi.lock.db")), "the store is closed when the run returns");
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("ovi-open-store")),
                "no thread is left opening the store");
        assertEquals(200, Files.size(file), "the damaged file is not grown back or rewritten");
    }
}

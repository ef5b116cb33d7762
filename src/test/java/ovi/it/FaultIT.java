package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import ovi.model.WalEntry;
import ovi.wal.ChronicleAuditLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * ovi against AWS that answers badly, through a fault-injecting proxy in front of moto: garbage with
 * status 200, replies of the wrong shape, throttling, dropped connections. Whatever AWS says, a scope
 * that was not really observed must never look empty (ovi would create everything again there), and an
 * action whose reply is garbage must never be recorded as done.
 */
class FaultIT {
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
    Path state;
    FaultProxy proxy;

    @BeforeEach
    void setUp() throws Exception {
        Moto.reset();
        config = dir.resolve("ovi.yaml");
        state = dir.resolve("state");
        Files.writeString(config, CONFIG);
        proxy = FaultProxy.start();
    }

    @AfterEach
    void tearDown() {
        proxy.close();
    }

    Cli.Result run(String verb, String... extra) {
        List<String> args = new ArrayList<>(List.of(verb, "-c", config.toString(), "--state-dir", state.toString(),
                "--endpoint-url", proxy.endpoint().toString(), "-q"));
        if (verb.equals("apply")) {
            args.add("--auto-approve");
        }
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    /** The two instances the config declares already exist, as a converged account has them. */
    void converge() {
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            Moto.runInstance(ec2, "t3.micro", Moto.managed("team-web", "web-0"));
            Moto.runInstance(ec2, "t3.micro", Moto.managed("team-web", "web-1"));
        }
    }

    static int liveInstances() {
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            return (int) ec2.describeInstances().reservations().stream().flatMap(r -> r.instances().stream())
                    .filter(i -> !i.state().nameAsString().equals("terminated")).count();
        }
    }

    static Set<String> unobserved(JsonNode json) {
        return StreamSupport.stream(json.get("unobserved").spliterator(), false)
                .map(u -> u.get("type").asText() + "/" + u.get("region").asText()).collect(Collectors.toSet());
    }

    static JsonNode outcome(JsonNode apply, String id) {
        return StreamSupport.stream(apply.get("outcomes").spliterator(), false)
                .filter(o -> o.get("id").asText().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no outcome for " + id + " in " + apply));
    }

    List<WalEntry> wal() {
        List<WalEntry> out = new ArrayList<>();
        try (ChronicleAuditLog log = ChronicleAuditLog.open(state.resolve("wal"))) {
            log.readAll(out::add);
        }
        return out;
    }

    @Test
    void anHtmlPageForDescribeInstancesLeavesTheRegionUnobservedAndCreatesNothing() {
        converge();
        proxy.on("ec2:DescribeInstances", -1, FaultProxy.html());

        for (int round = 0; round < 2; round++) {
            Cli.Result r = run("apply", "-o", "json");
            assertEquals(3, r.code(), "a region not observed makes the apply incomplete: " + r);
            assertEquals(Set.of("ec2/us-east-1"), unobserved(r.json()), r::toString);
            assertTrue(r.json().get("unobserved").get(0).get("error").asText().contains("not its reply"), r::toString);
            assertTrue(r.err().contains("not observed"), r::toString);
        }
        assertEquals(2, liveInstances(), "no instance created again in a region that only looked empty");
        assertTrue(wal().stream().noneMatch(e -> e.type().equals("executing") && e.resource().startsWith("web-")));
    }

    @Test
    void wellFormedRepliesOfTheWrongShapeAreNotReadAsEmpty() {
        converge();
        proxy.on("ec2:DescribeInstances", -1, FaultProxy.xml("<?xml version=\"1.0\"?><DescribeInstancesResponse "
                + "xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>x</requestId></DescribeInstancesResponse>"));
        proxy.on("rds:DescribeDBInstances", -1, FaultProxy.xml("<DescribeDBClustersResponse><DescribeDBClustersResult>"
                + "<DBClusters/></DescribeDBClustersResult></DescribeDBClustersResponse>"));

        Cli.Result r = run("apply", "-o", "json");

        assertEquals(3, r.code(), r::toString);
        assertEquals(Set.of("ec2/us-east-1", "rds/us-east-1"), unobserved(r.json()), r::toString);
        assertEquals(2, liveInstances());
        try (var rds = Moto.rds(Moto.REGION)) {
            assertEquals(0, rds.describeDBInstances().dbInstances().size(), "no DB created in an unobserved scope");
        }
    }

    @Test
    void lambdasRestJsonRepliesThatAreNotTheirDocumentLeaveTheRegionUnobserved() {
        converge();
        proxy.on("lambda:ListFunctions", 1, FaultProxy.html());
        Cli.Result html = run("plan", "-o", "json");
        assertEquals(Set.of("lambda/us-east-1"), unobserved(html.json()), html::toString);
        assertTrue(html.json().get("unobserved").get(0).get("error").asText().contains("an HTML page"), html::toString);

        // well-formed JSON without the list is no more an empty region than an HTML page is
        proxy.on("lambda:ListFunctions", 1, FaultProxy.body(200, "application/json", "{}"));
        Cli.Result empty = run("plan", "-o", "json");
        assertEquals(Set.of("lambda/us-east-1"), unobserved(empty.json()), empty::toString);
        assertTrue(empty.json().get("unobserved").get(0).get("error").asText().contains("no \"Functions\" member"),
                empty::toString);

        Cli.Result clean = run("plan", "-o", "json");
        assertEquals(Set.of(), unobserved(clean.json()), "the replies as they come from Lambda pass: " + clean);
    }

    @Test
    void aCreateAnsweredWithGarbageIsFailedNeverExecuted() {
        converge();
        proxy.on("rds:CreateDBInstance", -1, FaultProxy.html());

        Cli.Result r = run("apply", "-o", "json");

        assertEquals(3, r.code(), r::toString);
        JsonNode db = outcome(r.json(), "db-0");
        assertEquals("failed", db.get("outcome").asText(), r::toString);
        assertTrue(db.get("message").asText().contains("not its reply"), r::toString);
        List<WalEntry> wal = wal();
        assertTrue(wal.stream().anyMatch(e -> e.type().equals("failed") && e.resource().equals("db-0")), wal::toString);
        assertTrue(wal.stream().noneMatch(e -> e.type().equals("executed") && e.resource().equals("db-0")), wal::toString);
        assertFalse(r.out().contains("Apply complete"));
    }

    @Test
    void garbageFromEveryCallIsOneClearErrorAndNothingIsCreated() throws Exception {
        proxy.when(req -> true, -1, FaultProxy.html());

        Cli.Result plain = run("apply");
        assertEquals(1, plain.code(), plain::toString);
        assertTrue(plain.err().contains("cannot tell which AWS account"), plain::toString);
        assertTrue(plain.err().contains("GetCallerIdentity with something that is not its reply"), plain::toString);
        assertEquals(1, plain.err().strip().lines().count(), "one line, no stack trace: " + plain);

        Files.writeString(config, CONFIG.replace("owner: team-web", "owner: team-web\naccounts: [\"123456789012\"]"));
        Cli.Result withAccounts = run("apply");
        assertEquals(1, withAccounts.code(), withAccounts::toString);
        assertFalse(withAccounts.err().contains("internal error"), withAccounts::toString);
        assertTrue(withAccounts.err().contains("cannot tell which AWS account"), withAccounts::toString);

        assertEquals(0, liveInstances());
    }

    @Test
    void anAccountWithoutAnIdIsAClearError() throws Exception {
        proxy.on("sts:GetCallerIdentity", -1, FaultProxy.xml("<GetCallerIdentityResponse><GetCallerIdentityResult>"
                + "<Arn>arn:aws:iam::x:user/me</Arn><Account></Account></GetCallerIdentityResult>"
                + "</GetCallerIdentityResponse>"));
        Cli.Result r = run("plan");
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().contains("without a valid account id"), r::toString);
    }

    @Test
    void throttledOnEveryCallAConvergedRegionIsNotReportedAsNoChanges() {
        converge();
        assertEquals(0, run("apply").code(), "the account converges first");
        proxy.on("ec2:DescribeInstances", -1, FaultProxy.throttle());

        Cli.Result plan = run("plan", "--detailed-exitcode");
        assertEquals(1, plan.code(), "not observed is not 'no changes': " + plan);
        assertTrue(plan.err().contains("not observed, so this plan says nothing about: ec2/us-east-1"), plan::toString);
        assertTrue(plan.out().contains("Not observed"), plan::toString);

        Cli.Result json = run("apply", "-o", "json");
        assertEquals(Set.of("ec2/us-east-1"), unobserved(json.json()), json::toString);
        assertEquals(3, json.json().get("exitCode").asInt());
        assertEquals(2, liveInstances());
    }

    @Test
    void droppedConnectionsAndServerErrorsLeaveTheScopeUnobserved() {
        converge();
        proxy.on("ec2:DescribeInstances", -1, FaultProxy.drop());
        proxy.on("s3:ListBuckets", -1, FaultProxy.serverError());

        Cli.Result r = run("apply", "-o", "json");

        assertEquals(3, r.code(), r::toString);
        assertEquals(Set.of("ec2/us-east-1", "s3/global"), unobserved(r.json()), r::toString);
        Cli.Result text = run("apply");
        assertEquals(3, text.code(), text::toString);
        assertFalse(text.out().contains("Apply complete"), text::toString);
        assertTrue(text.out().contains("Apply incomplete"), text::toString);
        assertEquals(2, liveInstances());
        try (var s3 = Moto.s3()) {
            assertEquals(0, s3.listBuckets().buckets().size(), "no bucket created where S3 was not observed");
        }
    }

    @Test
    void anAccountNotAllowedIsRecordedAndNothingElseIsDoneOrStored() throws Exception {
        Files.writeString(config, CONFIG.replace("owner: team-web", "owner: team-web\naccounts: [\"111122223333\"]"));

        Cli.Result r = run("apply");

        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().contains("123456789012"), r::toString);
        List<WalEntry> wal = wal();
        assertEquals(List.of("refused"), wal.stream().map(WalEntry::type).toList(), "only the refusal: " + wal);
        assertEquals("123456789012", wal.get(0).data().get("account"));
        // every kind observes with Describe*, List* and Get* calls; the account is asked with GetCallerIdentity
        assertTrue(proxy.requests().stream().map(q -> q.operation().substring(q.operation().indexOf(':') + 1))
                        .allMatch(op -> op.startsWith("Describe") || op.startsWith("List") || op.startsWith("Get")),
                "nothing but reads reached AWS: " + proxy.requests().stream().map(FaultProxy.Request::operation).toList());
        Cli.Result history = Cli.run("history", "--state-dir", state.toString(), "web-0");
        assertEquals(1, history.code(), "nothing about any resource was stored: " + history);
        Cli.Result status = Cli.run("status", "--state-dir", state.toString(), "-o", "json");
        assertEquals("failed", status.json().get("lastRun").get("outcome").asText(), status::toString);
    }

    @Test
    void everyAttemptOfOneCreateCarriesTheSameClientToken() throws Exception {
        Path planFile = dir.resolve("plan.json");
        assertEquals(0, run("plan", "--out", planFile.toString()).code());
        // the first attempt reaches moto but its reply is lost, so the SDK sends it again
        proxy.when(q -> q.operation().equals("ec2:RunInstances") && "web-0".equals(tag(q, "ovi:id")), 1,
                FaultProxy.forwardThenDrop());
        Cli.Result first = Cli.run("apply", planFile.toString(), "-c", config.toString(), "--state-dir",
                state.toString(), "--endpoint-url", proxy.endpoint().toString(), "-q", "--auto-approve");
        assertEquals(0, first.code(), first::toString);

        List<FaultProxy.Request> runs = proxy.requests("ec2:RunInstances");
        List<String> web0 = runs.stream().filter(q -> "web-0".equals(tag(q, "ovi:id"))).map(q -> q.param("ClientToken"))
                .toList();
        assertTrue(web0.size() >= 2, "the dropped RunInstances was sent again: " + web0);
        assertEquals(1, Set.copyOf(web0).size(), "one ClientToken for every attempt of one create: " + web0);
        assertTrue(web0.get(0) != null && !web0.get(0).isBlank());
    }

    @Test
    void aSavedPlanAppliedAgainSendsTheSameClientToken() throws Exception {
        Path planFile = dir.resolve("plan.json");
        assertEquals(0, run("plan", "--out", planFile.toString()).code());
        // every attempt of the first apply is lost before it reaches AWS
        proxy.on("ec2:RunInstances", -1, FaultProxy.drop());
        List<String> apply = List.of("apply", planFile.toString(), "-c", config.toString(), "--state-dir",
                state.toString(), "--endpoint-url", proxy.endpoint().toString(), "-q", "--auto-approve");
        assertEquals(3, Cli.run(apply.toArray(String[]::new)).code());
        List<String> lost = tokens("web-0");
        proxy.close();
        proxy = FaultProxy.start();
        List<String> again = new ArrayList<>(apply);
        again.set(again.indexOf("--endpoint-url") + 1, proxy.endpoint().toString());

        Cli.Result second = Cli.run(again.toArray(String[]::new));

        assertEquals(0, second.code(), second::toString);
        List<String> sent = tokens("web-0");
        assertEquals(1, sent.size(), sent::toString);
        assertEquals(Set.copyOf(lost), Set.of(sent.get(0)), "the same intent, the same token, run after run");
    }

    private List<String> tokens(String id) {
        return proxy.requests("ec2:RunInstances").stream().filter(q -> id.equals(tag(q, "ovi:id")))
                .map(q -> q.param("ClientToken")).toList();
    }

    /** A tag value from RunInstances' TagSpecification parameters. */
    private static String tag(FaultProxy.Request q, String key) {
        for (int n = 1; n < 50; n++) {
            if (key.equals(q.param("TagSpecification.1.Tag." + n + ".Key"))) {
                return q.param("TagSpecification.1.Tag." + n + ".Value");
            }
        }
        return null;
    }
}

package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

/**
 * The security group kind against moto: groups made with their rules (one naming the other, so made after
 * it), a rule added or taken away by hand put back rule by rule, a VPC changed in the config reported and
 * never made, and a group no longer declared deleted.
 */
class SecurityGroupIT {
    /** app is declared first, and names lb: the order of the config is not the order of the creates. */
    static final String CONFIG = """
            version: v1
            provider: aws
            region: us-east-1
            owner: team-web
            resources:
              - type: security-group
                name: app
                ingress:
                  - {protocol: tcp, ports: 8000-8080, from: lb}
              - type: security-group
                name: lb
                description: the load balancer
                ingress:
                  - {protocol: tcp, port: 443, cidr: 0.0.0.0/0}
                  - {protocol: tcp, port: 443, ipv6Cidr: "::/0"}
                egress:
                  - {protocol: tcp, ports: 8000-8080, cidr: 10.0.0.0/16}
                tags: {team: web}
            """;

    @TempDir
    Path dir;
    Path config;
    Path state;
    Ec2Client ec2;

    @BeforeEach
    void setUp() throws Exception {
        Moto.reset();
        config = dir.resolve("ovi.yaml");
        state = dir.resolve("state");
        Files.writeString(config, CONFIG);
        ec2 = Moto.ec2(Moto.REGION);
    }

    @AfterEach
    void tearDown() {
        ec2.close();
    }

    Cli.Result run(String verb, String... extra) {
        return Cli.json(verb, config, state, extra);
    }

    /** The group ovi made for an ovi id, as the plain SDK sees it. */
    SecurityGroup group(String oviId) {
        List<SecurityGroup> found = ec2.describeSecurityGroups(b -> b.filters(
                Filter.builder().name("tag:ovi:owner").values("team-web").build(),
                Filter.builder().name("tag:ovi:id").values(oviId).build())).securityGroups();
        assertEquals(1, found.size(), () -> oviId + ": " + found);
        return found.get(0);
    }

    /** A group's permissions as {@code protocol from-to source} lines, sorted, the SDK's own fields. */
    static List<String> rules(List<IpPermission> permissions) {
        TreeSet<String> out = new TreeSet<>();
        for (IpPermission p : permissions) {
            String head = p.ipProtocol() + " " + p.fromPort() + "-" + p.toPort() + " ";
            p.ipRanges().forEach(r -> out.add(head + r.cidrIp()));
            p.ipv6Ranges().forEach(r -> out.add(head + r.cidrIpv6()));
            p.userIdGroupPairs().forEach(g -> out.add(head + g.groupId()));
        }
        return List.copyOf(out);
    }

    static List<String> changes(JsonNode plan, String id) {
        List<String> out = new ArrayList<>();
        for (JsonNode d : plan.get("diffs")) {
            if (d.get("id").asText().equals(id)) {
                for (JsonNode c : d.get("changes")) {
                    out.add(c.get("field").asText() + " " + c.get("current").asText(null) + " -> "
                            + c.get("desired").asText(null));
                }
            }
        }
        return out;
    }

    static JsonNode decision(JsonNode plan, String id) {
        for (JsonNode d : plan.get("decisions")) {
            if (d.get("id").asText().equals(id)) {
                return d;
            }
        }
        throw new AssertionError("no decision for " + id + ": " + plan);
    }

    @Test
    void groupsAreMadeWithTheirRulesAndARuleAddedOrTakenAwayByHandIsPutBack() {
        Cli.Result applied = run("apply");
        assertEquals(0, applied.code(), applied::toString);
        SecurityGroup lb = group("lb-0");
        SecurityGroup app = group("app-0");
        assertEquals("the load balancer", lb.description());
        assertEquals("team-web-lb-0", lb.groupName());
        assertEquals(List.of("tcp 443-443 0.0.0.0/0", "tcp 443-443 ::/0"), rules(lb.ipPermissions()));
        assertEquals(List.of("tcp 8000-8080 10.0.0.0/16"), rules(lb.ipPermissionsEgress()),
                "egress declared is exact: the default allow-all is revoked");
        assertEquals(List.of("tcp 8000-8080 " + lb.groupId()), rules(app.ipPermissions()));
        assertEquals(List.of("-1 null-null 0.0.0.0/0"), rules(app.ipPermissionsEgress()),
                "egress left out: AWS's allow-all stays");
        assertTrue(lb.tags().stream().anyMatch(t -> t.key().equals("team") && t.value().equals("web")));
        Cli.Result clean = run("plan", "--detailed-exitcode");
        assertEquals(0, clean.code(), "what apply made reads back as declared: " + clean);

        ec2.authorizeSecurityGroupIngress(b -> b.groupId(lb.groupId()).ipPermissions(p -> p.ipProtocol("tcp")
                .fromPort(22).toPort(22).ipRanges(r -> r.cidrIp("0.0.0.0/0"))));
        Cli.Result drifted = run("plan", "--detailed-exitcode");
        assertEquals(2, drifted.code(), drifted::toString);
        List<JsonNode> changed = new ArrayList<>();
        drifted.json().get("diffs").forEach(d -> {
            if (!d.get("kind").asText().equals("unmanaged")) {
                changed.add(d);
            }
        });
        assertEquals(1, changed.size(), "only lb-0 differs (the VPC's default group is unmanaged): " + drifted);
        assertEquals("drifted", changed.get(0).get("kind").asText());
        assertEquals("security-group", changed.get(0).get("type").asText());
        assertEquals("lb-0", changed.get(0).get("id").asText());
        assertEquals(List.of("ingress tcp 22 0.0.0.0/0 -> null"), changes(drifted.json(), "lb-0"),
                "the rule added by hand is one change of its own");
        assertEquals("update", decision(drifted.json(), "lb-0").get("action").asText());

        Cli.Result revoked = run("apply");
        assertEquals(0, revoked.code(), revoked::toString);
        assertEquals(List.of("tcp 443-443 0.0.0.0/0", "tcp 443-443 ::/0"), rules(group("lb-0").ipPermissions()));
        assertEquals(0, run("plan", "--detailed-exitcode").code());

        ec2.revokeSecurityGroupIngress(b -> b.groupId(lb.groupId()).ipPermissions(p -> p.ipProtocol("tcp")
                .fromPort(443).toPort(443).ipv6Ranges(r -> r.cidrIpv6("::/0"))));
        Cli.Result missing = run("plan", "--detailed-exitcode");
        assertEquals(2, missing.code(), missing::toString);
        assertEquals(List.of("ingress null -> tcp 443 ::/0"), changes(missing.json(), "lb-0"));
        assertEquals(0, run("apply").code());
        assertEquals(List.of("tcp 443-443 0.0.0.0/0", "tcp 443-443 ::/0"), rules(group("lb-0").ipPermissions()),
                "the declared rule taken away by hand is authorized again");
        assertEquals(0, run("plan", "--detailed-exitcode").code());
    }

    @Test
    void aGroupNamedByAnotherIsCreatedFirstAsTheWalShows() {
        Cli.Result planned = run("plan");
        assertEquals(List.of("lb-0"), List.of(decision(planned.json(), "app-0").get("after").get(0).asText()),
                "the plan says app-0 waits for lb-0: " + planned);

        Cli.Result applied = run("apply");
        assertEquals(0, applied.code(), applied::toString);

        Cli.Result wal = Cli.run("wal", "show", "--state-dir", state.toString(), "--type", "executing,executed",
                "-o", "json");
        assertEquals(0, wal.code(), wal::toString);
        List<String> order = new ArrayList<>();
        for (JsonNode e : wal.json().get("entries")) {
            order.add(e.get("type").asText() + " " + e.get("resource").asText());
        }
        assertEquals(List.of("executing lb-0", "executed lb-0", "executing app-0", "executed app-0"), order,
                "app names lb: lb is created, and its id known, before app is");
    }

    @Test
    void aVpcChangedInTheConfigIsReportedAndNeverMade() throws Exception {
        String vpcA = ec2.createVpc(b -> b.cidrBlock("10.1.0.0/16")).vpc().vpcId();
        String vpcB = ec2.createVpc(b -> b.cidrBlock("10.2.0.0/16")).vpc().vpcId();
        Files.writeString(config, CONFIG.replace("    description: the load balancer\n",
                "    description: the load balancer\n    vpc: " + vpcA + "\n").replace("from: lb", "cidr: 10.1.0.0/16"));
        assertEquals(0, run("apply").code());
        String lb = group("lb-0").groupId();
        assertEquals(vpcA, group("lb-0").vpcId());

        Files.writeString(config, Files.readString(config).replace("vpc: " + vpcA, "vpc: " + vpcB));
        Cli.Result plan = run("plan");
        assertEquals(List.of("vpc " + vpcA + " -> " + vpcB), changes(plan.json(), "lb-0"), plan::toString);
        JsonNode decision = decision(plan.json(), "lb-0");
        assertEquals("notify", decision.get("action").asText(), plan::toString);
        assertTrue(decision.get("reason").asText().contains("vpc " + vpcA + " -> " + vpcB + " cannot change in place; "
                + "ovi never replaces a security group to change it"), plan::toString);

        Cli.Result applied = run("apply");
        assertEquals(0, applied.code(), applied::toString);
        assertEquals(lb, group("lb-0").groupId(), "the group was not replaced");
        assertEquals(vpcA, group("lb-0").vpcId(), "nor moved");

        // a rule changed beside it is made; the VPC still is not
        Files.writeString(config, Files.readString(config).replace("port: 443, cidr: 0.0.0.0/0", "port: 443, cidr: "
                + "10.1.0.0/16"));
        Cli.Result both = run("plan");
        JsonNode update = decision(both.json(), "lb-0");
        assertEquals("update", update.get("action").asText(), both::toString);
        assertTrue(update.get("reason").asText().contains("only the rest is updated"), both::toString);
        assertEquals(0, run("apply").code());
        SecurityGroup after = group("lb-0");
        assertEquals(List.of("tcp 443-443 10.1.0.0/16", "tcp 443-443 ::/0"), rules(after.ipPermissions()));
        assertEquals(vpcA, after.vpcId());
        assertEquals(lb, after.groupId());
    }

    @Test
    void aManagedGroupNoLongerDeclaredIsDeletedAndAHandMadeOneIsOnlyReported() throws Exception {
        assertEquals(0, run("apply").code());
        String app = group("app-0").groupId();
        String hand = ec2.createSecurityGroup(b -> b.groupName("hand-made").description("by hand")).groupId();
        Files.writeString(config, CONFIG.substring(0, CONFIG.indexOf("  - type: security-group\n    name: app"))
                + CONFIG.substring(CONFIG.indexOf("  - type: security-group\n    name: lb")));

        Cli.Result plan = run("plan");
        List<String> decisions = new ArrayList<>();
        for (JsonNode d : plan.json().get("decisions")) {
            decisions.add(d.get("action").asText() + " " + d.get("id").asText());
        }
        assertTrue(decisions.contains("delete app-0"), decisions::toString);
        assertTrue(decisions.contains("notify " + hand), "a group ovi did not make is only reported: " + decisions);

        Cli.Result applied = run("apply");
        assertEquals(0, applied.code(), applied::toString);
        List<String> left = ec2.describeSecurityGroups().securityGroups().stream().map(SecurityGroup::groupId).toList();
        assertTrue(!left.contains(app), "app-0 is deleted: " + left);
        assertTrue(left.contains(hand), "the hand-made group is left alone: " + left);
        assertTrue(left.contains(group("lb-0").groupId()));
        assertTrue(ec2.describeSecurityGroups().securityGroups().stream().anyMatch(g -> g.groupName().equals("default")),
                "the VPC's default group is never touched");
        assertEquals(0, run("plan", "--detailed-exitcode").code());
    }

    @Test
    void aRuleNamingAGroupThatIsNotDeclaredIsAConfigError() throws Exception {
        Files.writeString(config, CONFIG.replace("from: lb", "from: lb-typo"));
        Cli.Result r = run("plan");
        assertEquals(65, r.code(), r::toString);
        assertTrue(r.err().contains("resources[0].ingress: 'lb-typo' is not a declared resource"), r::toString);
    }

    /** ovi through a proxy that answers some EC2 calls with a sign-in page and status 200. */
    Cli.Result through(FaultProxy proxy, String verb) {
        return Cli.json(verb, config, state, "--endpoint-url", proxy.endpoint().toString());
    }

    @Test
    void aGarbageReplyIsAnErrorNeverAnEmptyRegionNorARuleMade() throws Exception {
        try (FaultProxy proxy = FaultProxy.start()) {
            proxy.on("ec2:DescribeSecurityGroups", -1, FaultProxy.html());
            Cli.Result blind = through(proxy, "apply");
            assertEquals(3, blind.code(), blind::toString);
            assertEquals("security-group", blind.json().get("unobserved").get(0).get("type").asText(), blind::toString);
            assertTrue(blind.json().get("unobserved").get(0).get("error").asText().contains("not its reply"),
                    blind::toString);
        }
        assertEquals(List.of("default"), ec2.describeSecurityGroups().securityGroups().stream()
                .map(SecurityGroup::groupName).toList(), "nothing created in a region that only looked empty");

        try (FaultProxy proxy = FaultProxy.start()) {
            proxy.on("ec2:AuthorizeSecurityGroupIngress", -1, FaultProxy.html());
            Cli.Result garbled = through(proxy, "apply");
            assertEquals(3, garbled.code(), garbled::toString);
            String outcomes = garbled.json().get("outcomes").toString();
            assertTrue(outcomes.contains("not its reply"), outcomes);
            assertTrue(outcomes.contains("waits for the create of lb-0"), "app-0 waits for lb-0, which failed: " + outcomes);
        }
        Cli.Result fixed = run("apply");
        assertEquals(0, fixed.code(), "the group made before the garbage gets its rules on the next apply: " + fixed);
        assertEquals(List.of("tcp 443-443 0.0.0.0/0", "tcp 443-443 ::/0"), rules(group("lb-0").ipPermissions()));
        assertEquals(0, run("plan", "--detailed-exitcode").code());
    }

    @Test
    void aPlanReadsEveryGroupWithItsRulesAndTagsInOneCallAtTheLargestPage() throws Exception {
        for (int i = 0; i < 25; i++) {
            String name = "hand-" + i;
            ec2.createSecurityGroup(b -> b.groupName(name).description("by hand"));
        }
        try (FaultProxy proxy = FaultProxy.start()) {
            Cli.Result plan = through(proxy, "plan");
            assertEquals(0, plan.code(), plan::toString);
            var lists = proxy.requests("ec2:DescribeSecurityGroups");
            assertEquals(1, lists.size(), "one call for 26 groups: " + lists);
            assertEquals("1000", lists.get(0).param("MaxResults"));
            assertTrue(proxy.requests().stream().noneMatch(q -> q.operation().equals("ec2:DescribeTags")),
                    "tags come with the groups");
        }
    }
}

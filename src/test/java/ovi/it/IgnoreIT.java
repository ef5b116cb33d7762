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
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * Ignore rules against moto: a declared instance whose size and one declared tag were changed by hand (and
 * a tag added) is not updated for them, and unmanaged resources a top-level rule names are not notified;
 * both are counted and listed with --show-ignored, in text and JSON, and apply leaves them as they are.
 */
class IgnoreIT {
    @TempDir
    Path dir;
    Path config;
    Path state;
    String web0;
    String legacySg;
    String handMade;
    String stray;

    @BeforeEach
    void setUp() throws Exception {
        Moto.reset();
        config = dir.resolve("ovi.yaml");
        state = dir.resolve("state");
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            // declared t3.micro with CostCenter 42: someone resized it, re-tagged it and added a tag
            web0 = Moto.runInstance(ec2, "t3.large", Moto.managed("team-web", "web-0", "team", "ops", "CostCenter", "99",
                    "Owner", "alice"));
            String vpc = ec2.describeVpcs().vpcs().get(0).vpcId();
            legacySg = ec2.createSecurityGroup(b -> b.vpcId(vpc).groupName("legacy-sg").description("by hand")).groupId();
            ec2.createTags(b -> b.resources(legacySg).tags(Tag.builder().key("Name").value("legacy-sg").build()));
            handMade = Moto.runInstance(ec2, "t3.micro", Map.of("Name", "hand-made"));
            stray = Moto.runInstance(ec2, "t3.micro", Map.of("Name", "stray"));
        }
        Files.writeString(config, """
                version: v1
                provider: aws
                region: us-east-1
                owner: team-web
                ignore:
                  - {type: security-group, name: "legacy-*"}
                  - {type: ec2, id: "%s"}
                resources:
                  - type: ec2
                    name: web
                    size: t3.micro
                    image: ami-12c6146b
                    tags: {team: web, CostCenter: "42"}
                    ignore: [size, tags.CostCenter]
                """.formatted(handMade));
    }

    @Test
    void ignoredFieldsAreNotUpdatedAndMatchedUnmanagedResourcesAreNotNotifiedButBothAreListedInJson() throws Exception {
        java.nio.file.Path metrics = state.resolveSibling("plan.prom");
        Cli.Result r = Cli.json("plan", config, state, "--metrics-file", metrics.toString());

        assertEquals(0, r.code(), r::toString);
        JsonNode plan = r.json();
        JsonNode update = decision(plan, "web-0");
        assertEquals("update", update.get("action").asText(), r::toString);
        assertEquals(List.of("tags.team:ops->web"), changes(diff(plan, "web-0")), "only the field not ignored");
        List<String> notified = ids(plan.get("decisions"), "notify");
        assertTrue(notified.contains(stray), r::toString);
        assertTrue(notified.contains(Moto.defaultSecurityGroup(Moto.REGION)), "no rule names the default group");
        assertFalse(notified.contains(legacySg), r::toString);
        assertFalse(notified.contains(handMade), r::toString);

        Map<String, JsonNode> ignored = new TreeMap<>();
        plan.get("ignored").forEach(i -> ignored.put(i.get("id").asText(), i));
        assertEquals(new java.util.TreeSet<>(List.of("web-0", legacySg, handMade)), ignored.keySet(), r::toString);
        JsonNode web = ignored.get("web-0");
        assertEquals("drifted", web.get("kind").asText());
        assertEquals(web0, web.get("cloudId").asText());
        assertEquals(List.of("size: t3.large -> t3.micro", "tags.CostCenter: 99 -> 42"), texts(web.get("what")));
        assertEquals("ignore: [size, tags.CostCenter]", web.get("rule").asText());
        JsonNode sg = ignored.get(legacySg);
        assertEquals("unmanaged", sg.get("kind").asText());
        assertEquals("security-group", sg.get("type").asText());
        assertEquals("us-east-1", sg.get("region").asText());
        assertEquals("ignore[0] {type: security-group, name: legacy-*}", sg.get("rule").asText());
        assertEquals("ignore[1] {type: ec2, id: " + handMade + "}", ignored.get(handMade).get("rule").asText());
        assertEquals(3, plan.get("summary").get("ignored").asInt());
        assertEquals(2, plan.get("summary").get("notify").asInt(), "the stray instance and the default group");
        assertEquals(3, Prometheus.value(Prometheus.parse(metrics), "ovi_ignored", "verb", "plan"),
                "counted for an alert too");
    }

    @Test
    void theTextPlanCountsWhatWasIgnoredAndShowIgnoredListsIt() {
        Cli.Result r = Cli.run("plan", "-c", config.toString(), "--state-dir", state.toString(), "-q");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("Plan: 0 to create, 1 to update, 0 to delete, 2 to notify; 3 ignored "
                + "(--show-ignored lists them)."), r::toString);
        assertFalse(r.out().contains(legacySg), "not listed without --show-ignored: " + r);
        assertFalse(r.out().contains("size:"), r::toString);

        Cli.Result shown = Cli.run("plan", "-c", config.toString(), "--state-dir", state.toString(), "-q",
                "--show-ignored");
        assertEquals(0, shown.code(), shown::toString);
        String out = shown.out();
        assertTrue(out.contains("Ignored (by the config's ignore rules; not acted on, not notified):"), out);
        assertTrue(out.contains("  . ec2 web-0 (" + web0 + ") in us-east-1: drifted, by ignore: [size, tags.CostCenter]\n"
                + "      size: t3.large -> t3.micro\n      tags.CostCenter: 99 -> 42\n"), out);
        assertTrue(out.contains("  . security-group " + legacySg + " in us-east-1: unmanaged, by ignore[0] "
                + "{type: security-group, name: legacy-*}\n      not tagged ovi:managed=true with an ovi:id\n"), out);
        assertTrue(out.contains("  . ec2 " + handMade + " in us-east-1: unmanaged, by ignore[1]"), out);
        assertTrue(out.contains("; 3 ignored (listed above)."), out);
    }

    @Test
    void applyChangesNothingIgnoredAndListsIt() {
        Cli.Result text = Cli.run("apply", "-c", config.toString(), "--state-dir", state.toString(), "-q",
                "--auto-approve", "--show-ignored");
        assertEquals(0, text.code(), text::toString);
        assertTrue(text.out().contains("Ignored (by the config's ignore rules"), text::toString);
        assertTrue(text.out().contains("; 3 ignored (listed above)."), text::toString);

        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            Instance i = ec2.describeInstances(b -> b.instanceIds(web0)).reservations().get(0).instances().get(0);
            Map<String, String> tags = new TreeMap<>();
            i.tags().forEach(t -> tags.put(t.key(), t.value()));
            assertEquals("t3.large", i.instanceTypeAsString(), "size is ignored: never changed");
            assertEquals("99", tags.get("CostCenter"), "an ignored tag keeps its value");
            assertEquals("alice", tags.get("Owner"), "a tag the config does not mention is left alone");
            assertEquals("web", tags.get("team"), "what is not ignored is still put back");
        }

        // converged for all that is not ignored; still counted, and listed in apply's JSON
        Cli.Result again = Cli.json("apply", config, state);
        assertEquals(0, again.code(), again::toString);
        JsonNode report = again.json();
        assertEquals(3, report.get("ignored").size(), again::toString);
        assertEquals(3, report.get("summary").get("ignored").asInt(), again::toString);
        for (JsonNode o : report.get("outcomes")) {
            assertEquals("notify", o.get("action").asText(), again::toString);
        }
    }

    private static JsonNode decision(JsonNode plan, String id) {
        for (JsonNode d : plan.get("decisions")) {
            if (d.get("id").asText().equals(id)) {
                return d;
            }
        }
        throw new AssertionError("no decision for " + id + " in " + plan);
    }

    private static JsonNode diff(JsonNode plan, String id) {
        for (JsonNode d : plan.get("diffs")) {
            if (d.get("id").asText().equals(id)) {
                return d;
            }
        }
        throw new AssertionError("no diff for " + id + " in " + plan);
    }

    private static List<String> changes(JsonNode diff) {
        List<String> out = new ArrayList<>();
        diff.get("changes").forEach(c -> out.add(c.get("field").asText() + ":" + c.get("current").asText() + "->"
                + c.get("desired").asText()));
        return out;
    }

    private static List<String> ids(JsonNode decisions, String action) {
        List<String> out = new ArrayList<>();
        decisions.forEach(d -> {
            if (d.get("action").asText().equals(action)) {
                out.add(d.get("id").asText());
            }
        });
        return out;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}

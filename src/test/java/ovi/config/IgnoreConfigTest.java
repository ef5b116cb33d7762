package ovi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ovi.aws.securitygroup.SecurityGroupKind;
import ovi.model.DesiredResource;
import ovi.model.IgnoreRule;
import ovi.model.Observation;
import org.junit.jupiter.api.Test;

/** The two forms of {@code ignore:}: fields of one resource, and top-level rules of unmanaged resources. */
class IgnoreConfigTest {
    private static final Path FILE = Path.of("ovi.yaml");

    /** Four lines, so what follows starts on line 5. */
    private static final String HEADER = """
            version: v1
            provider: aws
            region: us-east-1
            owner: team-web
            """;

    private static final String EC2 = """
            resources:
              - type: ec2
                name: web
                size: t3.micro
                image: ami-123
                tags: {CostCenter: "42"}
            """;

    @Test
    void aResourceIgnoresFieldsAndSingleTagsAndItsResourcesCarryThem() throws ConfigException {
        OviConfig config = ConfigLoader.parse(HEADER + EC2 + "    ignore: [size, tags.CostCenter, size]\n", FILE);
        assertEquals(Set.of("size", "tags.CostCenter"), config.resources().get(0).ignore());
        DesiredResource web = config.desired().get(0);
        assertEquals(Set.of("size", "tags.CostCenter"), web.ignore());
        // ignored for drift only: the declared values are still what a create uses
        assertEquals("t3.micro", web.attribute("size"));
        assertEquals("42", web.tags().get("CostCenter"));
    }

    @Test
    void aResourceWithoutIgnoreIgnoresNothing() throws ConfigException {
        assertEquals(Set.of(), ConfigLoader.parse(HEADER + EC2, FILE).desired().get(0).ignore());
    }

    @Test
    void anUnknownFieldIsAProblemAtTheItemNamingWhatTheKindTakes() {
        assertEquals(List.of("ovi.yaml:11:20: resources[0].ignore[1]: unknown field 'sise' for ec2; ignore takes size, "
                + "image, subnet, securityGroups, keyName, iamInstanceProfile, userData, rootVolume, monitoring "
                + "or tags.<key>"), lines(HEADER + EC2 + "    ignore: [size, sise]\n"));
    }

    @Test
    void anIdentityFieldCannotBeIgnored() {
        List<String> lines = lines(HEADER + """
                resources:
                  - type: s3
                    bucket: team-web-assets
                    ignore: [bucket]
                """);
        assertEquals(1, lines.size(), lines::toString);
        assertTrue(lines.get(0).startsWith("ovi.yaml:8:14: resources[0].ignore[0]: 'bucket' is the identity of a bucket"
                + " (its cloud id), so it cannot be ignored"), lines::toString);
    }

    @Test
    void aReservedOrEmptyTagAndANonStringAreProblems() {
        List<String> lines = lines(HEADER + EC2 + "    ignore: [tags.ovi:id, tags., 5, tags.aws:x]\n");
        assertEquals(4, lines.size(), lines::toString);
        assertTrue(lines.get(0).startsWith("ovi.yaml:11:14: resources[0].ignore[0]: 'tags.ovi:id' is a reserved tag"),
                lines::toString);
        assertTrue(lines.get(1).startsWith("ovi.yaml:11:27: resources[0].ignore[1]: 'tags.' does not name a tag"),
                lines::toString);
        assertTrue(lines.get(2).startsWith("ovi.yaml:11:34: resources[0].ignore[2]: expected a field name of ec2 or "
                + "tags.<key>, got the integer 5"), lines::toString);
        assertTrue(lines.get(3).contains("'tags.aws:x' is a reserved tag"), lines::toString);
    }

    @Test
    void ignoreMustBeAList() {
        assertEquals(List.of("ovi.yaml:11:13: resources[0].ignore: expected a list, got a mapping"),
                lines(HEADER + EC2 + "    ignore: {size: true}\n"));
    }

    @Test
    void topLevelRulesAreReadInOrderWithEachPart() throws ConfigException {
        OviConfig config = ConfigLoader.parse(HEADER + """
                ignore:
                  - {type: security-group, id: "sg-0ab*"}
                  - region: eu-west-1
                    name: "legacy-?"
                  - tag: team=old
                  - tag: scratch
                """ + EC2, FILE);
        List<IgnoreRule> rules = config.ignore();
        assertEquals(4, rules.size());
        assertEquals(new IgnoreRule(SecurityGroupKind.TYPE, null, "sg-0ab*", null, null, null, "ignore[0]"), rules.get(0));
        assertEquals(new IgnoreRule(null, "eu-west-1", null, "legacy-?", null, null, "ignore[1]"), rules.get(1));
        assertEquals(new IgnoreRule(null, null, null, null, "team", "old", "ignore[2]"), rules.get(2));
        assertEquals(new IgnoreRule(null, null, null, null, "scratch", null, "ignore[3]"), rules.get(3));
        assertEquals(rules, config.declaration().ignore());
        assertEquals("ignore[0] {type: security-group, id: sg-0ab*}", rules.get(0).describe());
    }

    @Test
    void aBadRuleKeyTypeRegionOrGlobIsAProblemAtItsValue() {
        List<String> lines = lines(HEADER + """
                ignore:
                  - {kind: ec2}
                  - {type: kinesis}
                  - {region: mars-1}
                  - {id: 5}
                  - {name: [a, b]}
                  - {tag: "=x"}
                  - {}
                  - sg-123
                """ + EC2);
        assertEquals(List.of(
                "ovi.yaml:6:6: ignore[0].kind: unknown key 'kind' in an ignore rule; allowed keys are type, region, id, "
                        + "name, tag",
                "ovi.yaml:7:12: ignore[1].type: unknown resource type 'kinesis'; expected one of "
                        + String.join(", ", ovi.model.ResourceType.all().stream().map(ovi.model.ResourceType::key).toList()),
                "ovi.yaml:8:14: ignore[2].region: 'mars-1' is not valid; expected an AWS region such as us-east-1 or "
                        + "us-gov-west-1",
                "ovi.yaml:9:10: ignore[3].id: expected a glob (a string, * for any characters, ? for one) such as "
                        + "sg-0ab*, got the integer 5",
                "ovi.yaml:10:12: ignore[4].name: expected a glob (a string, * for any characters, ? for one) such as "
                        + "legacy-*, got a list",
                "ovi.yaml:11:11: ignore[5].tag: expected a tag as key or key=value, such as team or team=legacy, got the "
                        + "string '=x'",
                "ovi.yaml:12:5: ignore[6]: each ignore rule is a mapping of at least one of type, region, id, name, tag, "
                        + "such as {type: security-group, id: 'sg-0ab*'}, not a mapping",
                "ovi.yaml:13:5: ignore[7]: each ignore rule is a mapping of at least one of type, region, id, name, tag, "
                        + "such as {type: security-group, id: 'sg-0ab*'}, not the string 'sg-123'"), lines);
    }

    @Test
    void aRuleMatchesOnlyWhatEachOfItsPartsNames() {
        IgnoreRule rule = new IgnoreRule(SecurityGroupKind.TYPE, "us-east-1", "sg-0ab*", "legacy-?", "team", "old", "r");
        Map<String, String> tags = Map.of("Name", "legacy-1", "team", "old");
        assertTrue(rule.matches(sg("us-east-1", "sg-0ab123", tags)));
        assertEquals(false, rule.matches(sg("eu-west-1", "sg-0ab123", tags)), "another region");
        assertEquals(false, rule.matches(sg("us-east-1", "sg-0cd123", tags)), "another id");
        assertEquals(false, rule.matches(sg("us-east-1", "sg-0ab123", Map.of("Name", "legacy-12", "team", "old"))),
                "? is one character");
        assertEquals(false, rule.matches(sg("us-east-1", "sg-0ab123", Map.of("team", "old"))), "no Name tag");
        assertEquals(false, rule.matches(sg("us-east-1", "sg-0ab123", Map.of("Name", "legacy-1", "team", "new"))),
                "another tag value");
        assertEquals(false, rule.matches(new Observation(ovi.aws.ec2.Ec2Kind.TYPE, "us-east-1", "sg-0ab123", Map.of(),
                tags)), "another type");
        // regex characters in a glob are literal
        assertEquals(false, new IgnoreRule(null, null, "sg.1", null, null, null, "r").matches(sg("us-east-1", "sgx1",
                Map.of())));
        assertNull(new IgnoreRule(null, null, null, null, "team", null, "r").tagValue());
    }

    private static Observation sg(String region, String id, Map<String, String> tags) {
        return new Observation(SecurityGroupKind.TYPE, region, id, Map.of(), tags);
    }

    private static List<String> lines(String yaml) {
        try {
            OviConfig config = ConfigLoader.parse(yaml, FILE);
            return fail("expected problems, but the config loaded: " + config);
        } catch (ConfigException e) {
            return e.getMessage().lines().toList();
        }
    }
}

package ovi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import ovi.model.DesiredResource;
import org.junit.jupiter.api.Test;

/** Anchors, aliases and merge keys, and {@code ${VAR}} from the environment, with problems where they are written. */
class ConfigYamlFeaturesTest {
    private static final Path FILE = Path.of("ovi.yaml");

    /** Five lines: the first line after it is line 6. */
    private static final String HEADER = """
            version: v1
            provider: aws
            region: us-east-1
            owner: team-web
            resources:
            """;

    private static OviConfig parse(String yaml, Map<String, String> env) throws ConfigException {
        return ConfigLoader.parse(yaml, FILE, env::get);
    }

    private static Problem onlyProblem(String yaml, Map<String, String> env) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(yaml, env));
        assertEquals(1, e.problems().size(), e::getMessage);
        return e.problems().get(0);
    }

    private static DesiredResource resource(OviConfig c, String id) {
        return c.desired().stream().filter(d -> d.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void aMergeKeyTakesTheAnchoredMappingAndTheResourcesOwnKeysWin() throws ConfigException {
        OviConfig c = parse("""
                version: v1
                provider: aws
                region: us-east-1
                owner: team-web
                x-defaults:
                  web: &web
                    type: ec2
                    size: t3.micro
                    image: ami-123
                    tags: &tags {team: web}
                resources:
                  - <<: *web
                    name: web
                  - <<: *web
                    name: big
                    size: t3.large
                    tags: *tags
                """, Map.of());

        assertEquals("t3.micro", resource(c, "web-0").attributes().get("size"));
        assertEquals("ami-123", resource(c, "web-0").attributes().get("image"));
        assertEquals("t3.large", resource(c, "big-0").attributes().get("size"), "the resource's own key wins");
        assertEquals(Map.of("team", "web"), resource(c, "big-0").tags());
    }

    @Test
    void aProblemInAMergedValueIsReportedWhereTheValueIsWritten() {
        Problem p = onlyProblem(HEADER + """
                  - &web
                    type: ec2
                    name: web
                    size: 42
                    image: ami-123
                  - <<: *web
                    name: big
                    size: t3.large
                """, Map.of());
        // the anchored resource's size, line 9 column 11; the merging one sets its own size
        assertEquals(List.of(9, 11, "resources[0].size"), List.of(p.line(), p.column(), p.key()), p::toString);
    }

    @Test
    void anAliasOfAnUndefinedAnchorOrAMergeOfAScalarIsAProblemAtItsPlace() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(HEADER + """
                  - type: ec2
                    size: *small
                    image: ami-123
                """, Map.of()));
        Problem undefined = e.problems().get(0);
        assertEquals(List.of(7, 11), List.of(undefined.line(), undefined.column()), undefined::toString);
        assertTrue(undefined.message().contains("*small names no anchor"), undefined::toString);

        Problem scalar = onlyProblem(HEADER + """
                  - <<: t3.micro
                    type: ec2
                    size: t3.micro
                    image: ami-123
                """, Map.of());
        assertEquals(6, scalar.line(), scalar::toString);
        assertTrue(scalar.message().contains("merge key (<<) takes a mapping"), scalar::toString);
    }

    @Test
    void anUnknownTopLevelKeyIsStillAProblemButXKeysAreTheAuthors() {
        Problem p = onlyProblem("""
                version: v1
                provider: aws
                region: us-east-1
                owner: team-web
                defaults: {size: t3.micro}
                x-notes: anything at all
                resources: []
                """, Map.of());
        assertEquals(List.of(5, 1, "defaults"), List.of(p.line(), p.column(), p.key()), p::toString);
    }

    /**
     * Billion laughs: each level aliases the one before ten times, so nine levels would be 10^9 values.
     * Aliases share what they name, so reading is quick; the expanded size is refused before any check
     * walks it (SnakeYAML's own alias limit is not reached by Jackson's streaming reader, so ovi bounds it).
     */
    @Test
    void anAliasBombIsRefusedQuickly() {
        StringBuilder yaml = new StringBuilder(HEADER.replace("resources:\n", "")).append("x-bomb:\n  l0: &l0 [lol]\n");
        for (int i = 1; i <= 9; i++) {
            yaml.append("  l").append(i).append(": &l").append(i).append(" [");
            for (int j = 0; j < 10; j++) {
                yaml.append(j == 0 ? "" : ", ").append("*l").append(i - 1);
            }
            yaml.append("]\n");
        }
        yaml.append("resources: []\n");
        ConfigException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> assertThrows(ConfigException.class, () -> parse(yaml.toString(), Map.of())));
        assertTrue(e.getMessage().contains("aliases expand to more than"), e::getMessage);
    }

    @Test
    void tooManyAliasesAreRefused() {
        StringBuilder yaml = new StringBuilder(HEADER.replace("resources:\n", "")).append("x-a: &a x\nx-many: [");
        for (int i = 0; i <= YamlTree.MAX_ALIASES; i++) {
            yaml.append(i == 0 ? "" : ",").append("*a");
        }
        yaml.append("]\nresources: []\n");
        ConfigException e = assertThrows(ConfigException.class, () -> parse(yaml.toString(), Map.of()));
        assertEquals(1, e.problems().size(), e::getMessage);
        assertTrue(e.getMessage().contains("more than " + YamlTree.MAX_ALIASES + " YAML aliases"), e::getMessage);
    }

    @Test
    void variablesComeFromTheEnvironmentWithDefaultsAndEscapes() throws ConfigException {
        OviConfig c = parse("""
                version: v1
                provider: aws
                region: ${REGION}
                owner: team-${TEAM:-web}
                resources:
                  - type: ec2
                    size: ${SIZE:-t3.micro}
                    image: "ami-${AMI}"
                    count: ${COUNT}
                    tags: {empty: "${EMPTY:-fallback}", nested: "${NESTED}", quoted: "${COUNT}"}
                """,
                Map.of("REGION", "eu-west-1", "AMI", "0abc", "EMPTY", "", "NESTED", "x-y", "COUNT", "2"));

        assertEquals("eu-west-1", c.region());
        assertEquals("team-web", c.owner(), "unset: the default");
        assertEquals(2, c.desired().size(), "an unquoted ${COUNT} of 2 is the number 2");
        DesiredResource d = resource(c, "ec2-0-0");
        assertEquals("t3.micro", d.attributes().get("size"));
        assertEquals("ami-0abc", d.attributes().get("image"));
        assertEquals("fallback", d.tags().get("empty"), "set but empty: the default, as in a shell");
        assertEquals("x-y", d.tags().get("nested"), "a value put in is not read again");
        assertEquals("2", d.tags().get("quoted"));
    }

    @Test
    void aDoubledDollarIsALiteralAndAValuePutInIsNotReadAgain() {
        Problems problems = new Problems(FILE);
        YamlTree.Node root = YamlTree.read("a: \"$${NOT_A_VAR} and $$ and $x\"\nb: ${B}\n", problems,
                Map.of("B", "${A}")::get).orElseThrow();
        var map = (YamlTree.MapNode) root;
        assertEquals("${NOT_A_VAR} and $$ and $x", ((YamlTree.Scalar) map.get("a").orElseThrow().value()).text());
        assertEquals("${A}", ((YamlTree.Scalar) map.get("b").orElseThrow().value()).text());
        assertEquals(0, problems.count());
    }

    @Test
    void anUnsetVariableIsAProblemAtItsValue() {
        Problem p = onlyProblem(HEADER + """
                  - type: ec2
                    size: t3.micro
                    image: ${IMAGE}
                """, Map.of());
        assertEquals(List.of(8, 12, "resources[0].image"), List.of(p.line(), p.column(), p.key()), p::toString);
        assertTrue(p.message().contains("IMAGE is not set"), p::toString);

        ConfigException secret = assertThrows(ConfigException.class, () -> parse(HEADER + """
                  - type: ec2
                    size: t3.micro
                    image: ami-123
                    tags: {leak: "${OVI_STORE_PASSWORD}"}
                """, Map.of("OVI_STORE_PASSWORD", "hunter2")));
        assertTrue(secret.problems().get(0).message().contains("${OVI_STORE_PASSWORD} is a secret"), secret::getMessage);
        assertTrue(!secret.getMessage().contains("hunter2"), "the secret is not shown: " + secret.getMessage());

        Problem bad = onlyProblem(HEADER + """
                  - type: ec2
                    size: t3.micro
                    image: ami-${1X
                """, Map.of());
        assertTrue(bad.message().contains("not closed"), bad::toString);
    }
}

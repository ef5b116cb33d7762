package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which region a run uses: a resource's own, then the config's, then --region (then AWS_REGION, then the
 * profile's); the config's region disagreeing with --region is said once, never silently.
 */
class RegionIT {
    static final String CONFIG = """
            version: v1
            provider: aws
            owner: team-web
            resources:
              - type: ec2
                name: web
                size: t3.micro
                image: ami-12c6146b
              - type: ec2
                name: east
                region: us-east-1
                size: t3.micro
                image: ami-12c6146b
            """;

    @TempDir
    Path dir;
    Path config;

    @BeforeEach
    void setUp() throws Exception {
        Moto.reset();
        config = Files.writeString(dir.resolve("ovi.yaml"), CONFIG);
    }

    private Cli.Result plan(String... extra) {
        List<String> args = new ArrayList<>(List.of("plan", "-c", config.toString(), "--state-dir",
                dir.resolve("state").toString(), "-o", "json"));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    private static String region(JsonNode plan, String id) {
        for (JsonNode d : plan.get("decisions")) {
            if (d.get("id").asText().equals(id)) {
                return d.get("region").asText();
            }
        }
        throw new AssertionError("no decision for " + id + " in " + plan);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void aConfigWithoutARegionTakesRegionButAResourcesOwnRegionWins() {
        Cli.Result r = plan("--region", "eu-west-1");
        assertEquals(0, r.code(), r::toString);
        assertEquals("eu-west-1", region(r.json(), "web-0"), r::toString);
        assertEquals("us-east-1", region(r.json(), "east-0"), "the resource's own region wins: " + r);
        assertEquals(0, count(r.err(), "warning: the config's region"), r::toString);
    }

    @Test
    void theConfigsRegionWinsOverRegionAndSaysSoOnce() throws Exception {
        Files.writeString(config, CONFIG.replace("owner: team-web", "owner: team-web\nregion: us-west-2"));
        Cli.Result r = plan("--region", "eu-west-1");
        assertEquals(0, r.code(), r::toString);
        assertEquals("us-west-2", region(r.json(), "web-0"), r::toString);
        assertEquals(1, count(r.err(), "the config's region us-west-2 is this run's default region, not eu-west-1 "
                + "from --region"), r::toString);

        Cli.Result same = plan("--region", "us-west-2");
        assertEquals(0, count(same.err(), "the config's region"), "agreeing regions say nothing: " + same);
    }

    @Test
    void anUnknownRegionIsAUsageErrorAndNoRegionAtAllIsAConfigProblem() {
        Cli.Result bad = plan("--region", "mars-north-1");
        assertEquals(64, bad.code(), bad::toString);
        assertTrue(bad.err().contains("--region 'mars-north-1' is not an AWS region"), bad::toString);
        if (System.getenv("AWS_REGION") == null) {
            Cli.Result none = Cli.run("validate", "-c", config.toString(), "--profile", "ovi-no-such-profile");
            assertEquals(65, none.code(), none::toString);
            assertTrue(none.err().contains("missing required key 'region'; or give the region with --region"), none::toString);
        }
    }
}

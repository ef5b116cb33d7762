package ovi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import ovi.model.DesiredResource;
import org.junit.jupiter.api.Test;

/** A field naming another declared resource: resolved to its ovi id, or a problem at the name's line. */
class ReferencesTest {
    private static final Path FILE = Path.of("ovi.yaml");
    private static final String HEADER = """
            version: v1
            provider: aws
            region: us-east-1
            owner: team
            resources:
            """;

    static List<String> problems(String resources) {
        try {
            ConfigLoader.parse(HEADER + resources, FILE);
            fail("expected problems in\n" + resources);
            return List.of();
        } catch (ConfigException e) {
            return e.problems().stream().map(p -> p.line() + ":" + p.column() + " " + p.key() + ": " + p.message())
                    .collect(Collectors.toList());
        }
    }

    @Test
    void aNameOrAnOviIdIsResolvedToTheOneResourceItStandsFor() throws ConfigException {
        OviConfig c = ConfigLoader.parse(HEADER + """
                  - type: sqs
                    name: work
                    deadLetter: {queue: parked, maxReceives: 3}
                  - type: sqs
                    name: other
                    deadLetter: {queue: pool-1, maxReceives: 3}
                  - type: sqs
                    name: parked
                  - type: sqs
                    name: pool
                    count: 2
                """, FILE);
        Map<String, DesiredResource> byId = c.desired().stream().collect(Collectors.toMap(DesiredResource::id, d -> d));
        assertEquals("@{parked-0} 3", byId.get("work-0").attribute("deadLetter"));
        assertEquals("@{pool-1} 3", byId.get("other-0").attribute("deadLetter"));
        assertEquals(java.util.Set.of("parked-0"), byId.get("work-0").references());
    }

    @Test
    void anUndeclaredNameIsAProblemAtItsLineListingTheDeclaredOnes() {
        assertEquals(List.of("8:17 resources[0].deadLetter: 'parkd' is not a declared resource; declared names: work, "
                + "parked"), problems("""
                  - type: sqs
                    name: work
                    deadLetter: {queue: parkd, maxReceives: 3}
                  - type: sqs
                    name: parked
                """));
    }

    @Test
    void aNameOfSeveralResourcesOfTheWrongKindOrAnotherRegionIsAProblem() {
        List<String> p = problems("""
                  - type: sqs
                    name: a
                    deadLetter: {queue: pool, maxReceives: 3}
                  - type: sqs
                    name: b
                    deadLetter: {queue: files, maxReceives: 3}
                  - type: sqs
                    name: c
                    deadLetter: {queue: far, maxReceives: 3}
                  - type: sqs
                    name: pool
                    count: 2
                  - type: s3
                    name: files
                    bucket: team-files
                  - type: sqs
                    name: far
                    region: eu-west-1
                """);
        assertEquals(3, p.size(), p::toString);
        assertTrue(p.get(0).startsWith("8:17 resources[0].deadLetter: 'pool' is not a declared resource"), p::toString);
        assertEquals("11:17 resources[1].deadLetter: 'files' is a bucket (s3); deadLetter names sqs", p.get(1));
        assertEquals("14:17 resources[2].deadLetter: 'far' is in eu-west-1, but this resource is in us-east-1; a "
                + "reference names a resource in the same region", p.get(2));
    }

    @Test
    void aCycleIsAProblemAtTheReferenceThatClosesIt() {
        assertEquals(List.of("14:17 resources[2].deadLetter: references form a cycle: a -> b -> c -> a; ovi could not "
                + "tell which to create first"), problems("""
                  - type: sqs
                    name: a
                    deadLetter: {queue: b, maxReceives: 3}
                  - type: sqs
                    name: b
                    deadLetter: {queue: c, maxReceives: 3}
                  - type: sqs
                    name: c
                    deadLetter: {queue: a, maxReceives: 3}
                """));
        assertEquals(List.of("8:17 resources[0].deadLetter: references form a cycle: a -> a; ovi could not tell which "
                + "to create first"), problems("""
                  - type: sqs
                    name: a
                    deadLetter: {queue: a, maxReceives: 3}
                """));
    }
}

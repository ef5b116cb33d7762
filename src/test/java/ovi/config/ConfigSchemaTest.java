package ovi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import ovi.model.Field;
import ovi.model.ResourceType;
import org.junit.jupiter.api.Test;

/** 'ovi schema' checked by a real JSON Schema validator, against the examples and against mistakes. */
class ConfigSchemaTest {
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Schema SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(ConfigSchema.schema());
    private static final String VALID = """
            version: v1
            provider: aws
            region: us-east-1
            owner: team-web
            x-notes: mine
            resources:
              - type: ec2
                name: web
                count: 2
                size: t3.micro
                image: ami-123
                tags: {team: web, cost: 42}
              - type: s3
                bucket: team-web-assets
            """;

    private static List<Error> errors(String yaml) throws Exception {
        return SCHEMA.validate(YAML.readTree(yaml));
    }

    @Test
    void everyConfigExampleValidatesAgainstTheSchema() throws Exception {
        List<Path> examples;
        try (Stream<Path> s = Files.list(Path.of("config-examples"))) {
            examples = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertFalse(examples.isEmpty());
        for (Path example : examples) {
            List<Error> errors = errors(Files.readString(example));
            assertEquals(List.of(), errors, example::toString);
        }
        assertEquals(List.of(), errors(VALID));
    }

    @Test
    void anUnknownKeyOrAMissingRequiredOneFailsTheSchemaAsItFailsTheValidator() throws Exception {
        String top = VALID.replace("owner: team-web", "owner: team-web\ncolour: blue");
        assertFalse(errors(top).isEmpty(), "an unknown top-level key");
        assertThrows(ConfigException.class, () -> ConfigLoader.parse(top, null));

        String inResource = VALID.replace("    size: t3.micro", "    size: t3.micro\n    sise: t3.small");
        assertFalse(errors(inResource).isEmpty(), "an unknown key in a resource");
        assertThrows(ConfigException.class, () -> ConfigLoader.parse(inResource, null));

        String otherKinds = VALID.replace("bucket: team-web-assets", "bucket: team-web-assets\n    size: t3.micro");
        assertFalse(errors(otherKinds).isEmpty(), "another kind's field");

        String noImage = VALID.replace("    image: ami-123\n", "");
        assertTrue(errors(noImage).toString().contains("image"), "a kind's required field");
        assertThrows(ConfigException.class, () -> ConfigLoader.parse(noImage, null));

        for (String key : ConfigValidator.REQUIRED_KEYS) {
            String without = key.equals("resources") ? VALID.substring(0, VALID.indexOf("resources:"))
                    : VALID.lines().filter(l -> !l.startsWith(key + ":")).reduce("", (a, b) -> a + b + "\n");
            assertFalse(errors(without).isEmpty(), "without " + key);
            ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(without, null));
            assertTrue(e.getMessage().contains("missing required key '" + key + "'"), e::getMessage);
        }
    }

    @Test
    void theSchemaHasEveryKindAndEveryFieldTheValidatorKnows() {
        ObjectNode schema = ConfigSchema.schema();
        assertEquals("https://json-schema.org/draft/2020-12/schema", schema.get("$schema").asText());
        for (String key : ConfigValidator.TOP_KEYS) {
            assertTrue(schema.get("properties").has(key), key);
        }
        for (ResourceType t : ResourceType.all()) {
            JsonNode kind = schema.get("$defs").get(t.key());
            for (Field f : t.fields()) {
                assertTrue(kind.get("properties").has(f.name()), t + "." + f.name());
            }
            for (String common : ConfigValidator.COMMON_KEYS) {
                assertTrue(kind.get("properties").has(common), t + "." + common);
            }
        }
        // the schema is itself valid JSON Schema, readable by a plain mapper
        assertTrue(new ObjectMapper().valueToTree(schema).isObject());
    }
}

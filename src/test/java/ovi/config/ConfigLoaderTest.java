package ovi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import ovi.aws.ec2.Ec2Kind;
import ovi.aws.rds.RdsKind;
import ovi.aws.s3.S3Kind;
import ovi.model.DesiredResource;
import ovi.model.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {
    private static final Path FILE = Path.of("ovi.yaml");

    /** Five lines, so the first resource entry is on line 6. */
    private static final String HEADER = """
            version: v1
            provider: aws
            region: us-east-1
            owner: team-payments
            resources:
            """;

    private static final String EC2 = """
              - type: ec2
                size: t3.micro
                image: ami-123
            """;

    // ---- valid configs ----

    @Test
    void validConfigExpandsIntoDesiredResourcesInConfigOrder() throws ConfigException {
        OviConfig config = ConfigLoader.parse("""
                version: v1
                provider: aws
                region: us-east-1
                owner: team-payments
                accounts: ["123456789012", 210987654321]
                blessed: [web-0, i-0abc123]
                resources:
                  - type: ec2
                    name: web
                    count: 3
                    size: t3.micro
                    image: ami-123
                    tags: {team: platform, cost: 42, public: true}
                  - type: rds
                    region: eu-west-1
                    size: db.t3.micro
                    engine: postgres
                    storage: 0.5Ti
                  - type: s3
                    bucket: my-bucket
                  - type: ec2
                    count: 0
                    size: t3.small
                    image: ami-9
                """, FILE);

        assertEquals(FILE, config.file());
        assertEquals("aws", config.provider());
        assertEquals("team-payments", config.owner());
        assertEquals(List.of("123456789012", "210987654321"), config.accounts());
        assertEquals(List.of("web", "rds-1", "s3-2", "ec2-3"),
                config.resources().stream().map(ResourceSpec::name).toList());

        List<DesiredResource> desired = config.desired();
        assertEquals(List.of("web-0", "web-1", "web-2", "rds-1-0", "s3-2-0"),
                desired.stream().map(DesiredResource::id).toList());

        DesiredResource web1 = desired.get(1);
        assertEquals(Ec2Kind.TYPE, web1.type());
        assertEquals("us-east-1", web1.region());
        assertEquals(Map.of("size", "t3.micro", "image", "ami-123"), web1.attributes());
        assertEquals(Map.of("team", "platform", "cost", "42", "public", "true"), web1.tags());

        DesiredResource db = desired.get(3);
        assertEquals(RdsKind.TYPE, db.type());
        assertEquals("eu-west-1", db.region());
        // the secure defaults of a DB instance are declared values like any other
        assertEquals(Map.of("size", "db.t3.micro", "engine", "postgres", "storage", "512", "deletionProtection", "true",
                "storageEncrypted", "true", "publiclyAccessible", "false"), db.attributes());
        assertEquals(Map.of(), db.tags());

        DesiredResource bucket = desired.get(4);
        assertEquals(S3Kind.TYPE, bucket.type());
        assertEquals("us-east-1", bucket.region());
        // a bucket that says nothing of its settings is made encrypted and private
        assertEquals(Map.of("bucket", "my-bucket", "encryption", "aes256", "publicAccessBlock", "true"),
                bucket.attributes());

        assertEquals(List.of("eu-west-1", "us-east-1"), List.copyOf(config.regions()));
        assertTrue(config.blessed("web-0"));
        assertTrue(config.blessed("i-0abc123"));
        assertFalse(config.blessed("web-1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1", "1", "'1'", "\"v1\""})
    void acceptsVersionOneWrittenAnyWay(String version) throws ConfigException {
        OviConfig config = ConfigLoader.parse(HEADER.replace("version: v1", "version: " + version) + EC2, FILE);
        assertEquals(1, config.desired().size());
    }

    @Test
    void anEmptyResourceListIsValid() throws ConfigException {
        OviConfig config = ConfigLoader.parse(HEADER.replace("resources:", "resources: []"), FILE);
        assertTrue(config.desired().isEmpty());
        assertEquals(Set.of("us-east-1"), config.regions());
        assertTrue(config.accounts().isEmpty());
    }

    @Test
    void accountIdsKeepTheirLeadingZeros() throws ConfigException {
        OviConfig config = ConfigLoader.parse(HEADER + EC2 + "accounts: [\"012345678901\", 012345670123]\n", FILE);
        assertEquals(List.of("012345678901", "012345670123"), config.accounts());
    }

    @ParameterizedTest
    @ValueSource(strings = {"config-examples/small.yaml", "config-examples/multi-region.yaml",
            "config-examples/lambda.yaml", "config-examples/web-stack.yaml", "config-examples/cron.yaml"})
    void exampleConfigsLoadWithoutProblems(String path) throws ConfigException {
        OviConfig config = ConfigLoader.load(Path.of(path));
        assertFalse(config.desired().isEmpty());
    }

    @Test
    void smallExampleDeclaresTheWebStack() throws ConfigException {
        OviConfig config = ConfigLoader.load(Path.of("config-examples/small.yaml"));
        assertEquals("team-web", config.owner());
        assertEquals(List.of("web-0", "web-1", "db-0", "assets-0", "jobs-0"),
                config.desired().stream().map(DesiredResource::id).toList());
        assertEquals("20", config.desired().get(2).attribute("storage"));
    }

    @Test
    void multiRegionExampleSpansThreeRegions() throws ConfigException {
        OviConfig config = ConfigLoader.load(Path.of("config-examples/multi-region.yaml"));
        assertEquals("team-platform", config.owner());
        assertEquals(List.of("eu-west-1", "us-east-1", "us-west-2"), List.copyOf(config.regions()));
        assertEquals(Set.of(Ec2Kind.TYPE, RdsKind.TYPE, S3Kind.TYPE),
                config.desired().stream().map(DesiredResource::type).collect(Collectors.toSet()));
    }

    @Test
    void lambdaExampleNamesTheRoleItDeclares() throws ConfigException {
        OviConfig config = ConfigLoader.load(Path.of("config-examples/lambda.yaml"));
        assertEquals(List.of("api-role-0", "api-0"), config.desired().stream().map(DesiredResource::id).toList());
        DesiredResource api = config.desired().get(1);
        assertEquals("@{api-role-0}", api.attribute("role"), "the declared role, known after it is created");
        assertEquals("512", api.attribute("memory"));
        assertEquals("s3:team-api-builds/api/v1.zip", api.attribute("code"));
    }

    @Test
    void webStackExampleNamesItsSecurityGroupsAndDeadLetterQueue() throws ConfigException {
        OviConfig config = ConfigLoader.load(Path.of("config-examples/web-stack.yaml"));
        java.util.Map<String, DesiredResource> byId = config.desired().stream()
                .collect(Collectors.toMap(DesiredResource::id, d -> d));
        assertEquals(Set.of("web-sg-0"), byId.get("web-0").references());
        assertEquals(Set.of("lb-sg-0"), byId.get("web-sg-0").references());
        assertEquals(Set.of("web-sg-0"), byId.get("db-sg-0").references());
        assertEquals(Set.of("db-sg-0"), byId.get("db-0").references());
        assertEquals(Set.of("jobs-failed-0"), byId.get("jobs-0").references());
        assertEquals("true", byId.get("db-0").attribute("deletionProtection"), "the secure default");
    }

    // ---- the file and the document ----

    @Test
    void aMissingFileIsOneProblemAtLineZero(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing));
        assertEquals(1, e.problems().size());
        Problem p = e.problems().get(0);
        assertEquals(missing, p.file());
        assertEquals(0, p.line());
        assertEquals(0, p.column());
        assertTrue(e.getMessage().startsWith(missing + ": no such file"), e.getMessage());
    }

    @Test
    void loadReportsProblemsAgainstTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ovi.yaml");
        Files.writeString(file, HEADER.replace("aws", "gcp") + EC2);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertEquals(file + ":2:11: provider: unknown provider 'gcp'; only aws is supported", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n\n", "# nothing here yet\n"})
    void anEmptyFileIsAProblem(String yaml) {
        assertOnlyProblem(yaml, "", 1, 1, "empty");
    }

    @Test
    void malformedYamlIsReportedWhereItBreaks() {
        Problem p = onlyProblem("""
                version: v1
                provider: aws
                region: [us-east-1
                owner: team-payments
                """);
        assertTrue(p.message().startsWith("YAML syntax error: "), p.message());
        assertEquals(4, p.line());
        assertEquals(6, p.column());
        assertEquals("region", p.key());
        assertFalse(p.message().contains("\n"), "one line per problem: " + p.message());
    }

    @Test
    void mappingValuesInAPlainScalarAreASyntaxError() {
        Problem p = onlyProblem("version: v1\nprovider: aws: x\n");
        assertTrue(p.message().contains("mapping values are not allowed"), p.message());
        assertEquals(2, p.line());
        assertEquals(14, p.column());
    }

    @Test
    void theTopLevelMustBeAMapping() {
        assertOnlyProblem("- version: v1\n- provider: aws\n", "", 1, 1, "must be a mapping");
        assertOnlyProblem("just a string\n", "", 1, 1, "must be a mapping");
    }

    @Test
    void aSecondDocumentIsAProblem() {
        assertOnlyProblem(HEADER + EC2 + "---\nversion: v1\n", "", 10, 1, "only one YAML document");
    }

    // ---- keys ----

    @Test
    void unknownTopLevelKeyNamesTheAllowedOnes() {
        Problem p = onlyProblem(HEADER + EC2 + "colour: red\n");
        assertEquals("colour", p.key());
        assertEquals(9, p.line());
        assertEquals(1, p.column());
        assertTrue(p.message().contains("allowed keys are version, provider, region, owner, accounts, blessed, ignore,"
                + " rateLimits, notify, resources"), p.message());
    }

    @Test
    void unknownResourceKeyIsReportedAtTheKey() {
        Problem p = onlyProblem(HEADER + EC2 + "    colour: red\n");
        assertEquals("resources[0].colour", p.key());
        assertEquals(9, p.line());
        assertEquals(5, p.column());
        assertTrue(p.message().contains("type, name, count, region, ignore"), p.message());
    }

    @Test
    void duplicateKeysAreReportedAtTheSecond() {
        assertOnlyProblem(HEADER + EC2 + "region: eu-west-1\n", "region", 9, 1, "duplicate key 'region'");
        assertOnlyProblem(HEADER + EC2 + "    size: t3.large\n", "resources[0].size", 9, 5, "already set on line 7");
    }

    @Test
    void missingTopLevelKeysPointAtTheMapping() {
        List<Problem> problems = problemsOf("version: v1\nprovider: aws\nresources: []\n");
        assertEquals(List.of("region", "owner"), problems.stream().map(Problem::key).toList());
        for (Problem p : problems) {
            assertEquals(1, p.line());
            assertEquals(1, p.column());
            assertTrue(p.message().contains("missing required key"), p.message());
        }
    }

    @Test
    void resourcesIsRequired() {
        assertOnlyProblem("version: v1\nprovider: aws\nregion: us-east-1\nowner: o\n", "resources", 1, 1,
                "missing required key 'resources'");
    }

    @Test
    void missingTypeFieldsPointAtTheEntry() {
        assertOnlyProblem(HEADER + "  - type: ec2\n    size: t3.micro\n", "resources[0].image", 6, 5,
                "missing required key 'image' for ec2");
        assertOnlyProblem(HEADER + "  - name: x\n    size: t3.micro\n", "resources[0].type", 6, 5,
                "missing required key 'type'");
    }

    @Test
    void anotherTypesFieldIsNotAllowed() {
        assertOnlyProblem(HEADER + EC2 + "    engine: postgres\n", "resources[0].engine", 9, 5,
                "'engine' is not allowed for ec2");
        assertOnlyProblem(HEADER + "  - type: s3\n    bucket: b-1\n    size: t3.micro\n", "resources[0].size", 8, 5,
                "not allowed for s3");
    }

    // ---- values ----

    @Test
    void unknownProviderAndType() {
        assertOnlyProblem(HEADER.replace("aws", "gcp") + EC2, "provider", 2, 11, "unknown provider 'gcp'");
        assertOnlyProblem(HEADER + "  - type: kinesis\n", "resources[0].type", 6, 11,
                "unknown resource type 'kinesis'; expected one of dynamodb, ec2, iam-role, lambda, rds, s3, security-group, sns, sqs");
    }

    @ParameterizedTest
    @ValueSource(strings = {"v2", "2", "1.0", "[v1]"})
    void otherVersionsAreRefused(String version) {
        assertOnlyProblem(HEADER.replace("version: v1", "version: " + version) + EC2, "version", 1, 10,
                "unsupported version");
    }

    @Test
    void aListWhereAStringBelongsIsAWrongType() {
        assertOnlyProblem(HEADER.replace("region: us-east-1", "region: [us-east-1]") + EC2, "region", 3, 9,
                "expected a string, got a list");
        assertOnlyProblem(HEADER + EC2.replace("ami-123", "{id: ami-123}"), "resources[0].image", 8, 12,
                "expected a string, got a mapping");
    }

    @Test
    void malformedTopLevelValues() {
        assertOnlyProblem(HEADER.replace("us-east-1", "useast1") + EC2, "region", 3, 9, "'useast1' is not valid");
        assertOnlyProblem(HEADER.replace("team-payments", "'team payments'") + EC2, "owner", 4, 8,
                "'team payments' is not valid");
        assertOnlyProblem(HEADER + EC2 + "accounts: [\"123456789012\", 12345]\n", "accounts[1]", 9, 28,
                "12-digit AWS account id");
        assertOnlyProblem(HEADER + EC2 + "blessed: [web-0, [x]]\n", "blessed[1]", 9, 18, "got a list");
        assertOnlyProblem(HEADER + EC2 + "accounts: 123456789012\n", "accounts", 9, 11, "expected a list");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"3\"", "three", "2.5", "true", "[3]"})
    void countMustBeAnInteger(String count) {
        assertOnlyProblem(HEADER + EC2 + "    count: " + count + "\n", "resources[0].count", 9, 12,
                "count must be an integer from 0 to 1000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "1001", "99999999999999999999"})
    void countMustBeInRange(String count) {
        assertOnlyProblem(HEADER + EC2 + "    count: " + count + "\n", "resources[0].count", 9, 12, "out of range");
    }

    @Test
    void countMayBeZeroOrAThousand() throws ConfigException {
        assertEquals(0, ConfigLoader.parse(HEADER + EC2 + "    count: 0\n", FILE).desired().size());
        assertEquals(1000, ConfigLoader.parse(HEADER + EC2 + "    count: 1000\n", FILE).desired().size());
    }

    @Test
    void anS3EntryNamesExactlyOneBucket() {
        assertOnlyProblem(HEADER + "  - type: s3\n    bucket: b-1\n    count: 2\n", "resources[0].count", 8, 12,
                "count must be 1");
    }

    @Test
    void malformedStorageNamesTheValue() {
        String rds = HEADER + "  - type: rds\n    size: db.t3.micro\n    engine: postgres\n    storage: 20 GB\n";
        assertOnlyProblem(rds, "resources[0].storage", 9, 14, "'20 GB' is malformed");
        assertOnlyProblem(rds.replace("20 GB", "1.5Gi"), "resources[0].storage", 9, 14, "whole GiB");
    }

    @Test
    void anRdsSizeIsADbInstanceClass() {
        assertOnlyProblem(HEADER + "  - type: rds\n    size: t3.micro\n    engine: mysql\n    storage: 20\n",
                "resources[0].size", 7, 11, "start with 'db.'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"My_Bucket", "ab", "-bucket", "bucket-", "a..b", "192.168.0.1"})
    void bucketNamesFollowS3Rules(String bucket) {
        assertOnlyProblem(HEADER + "  - type: s3\n    bucket: " + bucket + "\n", "resources[0].bucket", 7, 13,
                "'" + bucket + "'");
    }

    @Test
    void aBucketMayBeDeclaredOnlyOnce() {
        assertOnlyProblem(HEADER + "  - type: s3\n    bucket: b-1\n  - type: s3\n    bucket: b-1\n",
                "resources[1].bucket", 9, 13, "already declared by resources[0]");
    }

    @Test
    void resourceNamesFollowTheNamePattern() {
        assertOnlyProblem(HEADER + EC2 + "    name: Web\n", "resources[0].name", 9, 11, "'Web' is not valid");
        assertOnlyProblem(HEADER + EC2 + "    name: 12\n", "resources[0].name", 9, 11, "expected a string");
    }

    @Test
    void duplicateExplicitNamesPointAtTheSecond() {
        assertOnlyProblem(HEADER + EC2 + "    name: web\n" + EC2 + "    name: web\n", "resources[1].name", 13, 11,
                "duplicate resource name 'web'; resources[0] already uses it");
    }

    @Test
    void aDefaultNameCollidingWithAnExplicitOneIsADuplicate() {
        // resources[1] would be called ec2-1 by default, which resources[0] already took.
        assertOnlyProblem(HEADER + EC2 + "    name: ec2-1\n" + EC2, "resources[1].name", 10, 5,
                "duplicate resource name 'ec2-1' (the default for this entry)");
        // and the other way round: an explicit name taking an earlier entry's default
        assertOnlyProblem(HEADER + EC2 + EC2 + "    name: ec2-0\n", "resources[1].name", 12, 11,
                "duplicate resource name 'ec2-0'");
    }

    @Test
    void aResourceEntryMustBeAMapping() {
        assertOnlyProblem(HEADER + "  - ec2\n", "resources[0]", 6, 5, "must be a mapping");
    }

    @Test
    void reservedTagKeysAreRefused() {
        assertOnlyProblem(HEADER + EC2 + "    tags:\n      team: a\n      ovi:owner: someone-else\n",
                "resources[0].tags.ovi:owner", 11, 7, "reserved");
    }

    @Test
    void tagValuesMustBeScalars() {
        assertOnlyProblem(HEADER + EC2 + "    tags:\n      team: [a, b]\n", "resources[0].tags.team", 10, 13,
                "must be a string, number or boolean");
        assertOnlyProblem(HEADER + EC2 + "    tags: [team]\n", "resources[0].tags", 9, 11, "must be a mapping");
    }

    // ---- many problems at once ----

    @Test
    void everyProblemInTheFileIsReportedTogether() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                version: v1
                provider: gcp
                region: us-east-1
                owner: team-payments
                resources:
                  - type: ec2
                    name: web
                    count: -2
                    size: t3.micro
                  - type: rds
                    name: web
                    size: db.t3.micro
                    engine: postgres
                    storage: abc
                    image: ami-1
                  - type: kinesis
                colour: red
                """, FILE));
        List<String> lines = e.getMessage().lines().toList();
        assertEquals(List.of(
                "ovi.yaml:17:1: colour: unknown key 'colour' at the top level; allowed keys are version, provider,"
                        + " region, owner, accounts, blessed, ignore, rateLimits, notify, resources",
                "ovi.yaml:2:11: provider: unknown provider 'gcp'; only aws is supported",
                "ovi.yaml:6:5: resources[0].image: missing required key 'image' for ec2",
                "ovi.yaml:8:12: resources[0].count: count -2 is out of range; it must be from 0 to 1000",
                "ovi.yaml:15:5: resources[1].image: 'image' is not allowed for rds; rds takes size, engine, storage, "
                        + "subnetGroup, securityGroups, multiAz, deletionProtection, backupRetention, storageEncrypted, "
                        + "publiclyAccessible",
                "ovi.yaml:11:11: resources[1].name: duplicate resource name 'web'; resources[0] already uses it",
                "ovi.yaml:16:11: resources[2].type: unknown resource type 'kinesis'; expected one of dynamodb, ec2, iam-role, lambda, rds, s3, security-group, sns, sqs"),
                lines.stream().filter(l -> !l.contains("resources[1].storage:")).toList());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("ovi.yaml:14:14: resources[1].storage: storage size"
                + " 'abc' is malformed")), e.getMessage());
        assertEquals(8, e.problems().size());
    }

    @Test
    void problemPrintsAsFileLineColumnKeyMessage() {
        assertEquals("ovi.yaml:3:9: region: bad", new Problem(FILE, 3, 9, "region", "bad").toString());
        assertEquals("<config>:1:1: top", new Problem(null, 1, 1, "", "top").toString());
    }

    // ---- helpers ----

    private static List<Problem> problemsOf(String yaml) {
        try {
            OviConfig config = ConfigLoader.parse(yaml, FILE);
            return fail("expected problems, but the config loaded: " + config);
        } catch (ConfigException e) {
            assertEquals(e.problems().size(), e.getMessage().lines().count(), "one line per problem");
            return e.problems();
        }
    }

    private static Problem onlyProblem(String yaml) {
        List<Problem> problems = problemsOf(yaml);
        assertEquals(1, problems.size(), () -> "expected one problem, got:\n" + problems.stream()
                .map(Problem::toString).collect(Collectors.joining("\n")));
        return problems.get(0);
    }

    private static void assertOnlyProblem(String yaml, String key, int line, int column, String fragment) {
        Problem p = onlyProblem(yaml);
        assertEquals(key, p.key(), p::toString);
        assertEquals(line, p.line(), p::toString);
        assertEquals(column, p.column(), p::toString);
        assertTrue(p.message().contains(fragment), () -> "'" + fragment + "' not in: " + p);
        assertEquals(FILE, p.file());
    }
}

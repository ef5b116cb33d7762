package ovi.aws.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import ovi.config.ConfigException;
import ovi.config.ConfigLoader;
import ovi.engine.SimpleDriftComparator;
import ovi.model.DesiredResource;
import ovi.model.Diff;
import ovi.model.Observation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.lambda.model.EnvironmentResponse;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;

/** The lambda kind's fields, read through the config as a user writes them. */
class LambdaFieldsTest {
    private static final String HEADER = """
            version: v1
            provider: aws
            region: us-east-1
            owner: team-app
            resources:
              - type: iam-role
                name: app-role
                trust: lambda.amazonaws.com
            """;

    @TempDir
    Path dir;

    static byte[] zip(String file, String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry(file));
            z.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            z.closeEntry();
        }
        return out.toByteArray();
    }

    static String sha256(byte[] bytes) throws Exception {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** The config with one function whose other keys are {@code fields} (indented as a resource's). */
    DesiredResource function(String fields) throws ConfigException {
        String yaml = HEADER + """
                  - type: lambda
                    name: api
                    runtime: python3.12
                    handler: app.handler
                    role: app-role
                    code: {zip: app.zip}
                """ + fields;
        return ConfigLoader.parse(yaml, dir.resolve("ovi.yaml")).desired().stream()
                .filter(d -> d.type().equals(LambdaKind.TYPE)).findFirst().orElseThrow();
    }

    /** The one problem a config with this function has. */
    String problem(String fields) {
        ConfigException e = assertThrows(ConfigException.class, () -> function(fields));
        assertEquals(1, e.problems().size(), e::getMessage);
        return e.getMessage();
    }

    DesiredResource without(String key, String replacement) throws Exception {
        String yaml = HEADER + """
                  - type: lambda
                    name: api
                    runtime: python3.12
                    handler: app.handler
                    role: app-role
                    code: {zip: app.zip}
                """;
        yaml = yaml.replaceFirst("\n    " + key + ": [^\n]*\n", "\n" + replacement);
        return ConfigLoader.parse(yaml, dir.resolve("ovi.yaml")).desired().stream()
                .filter(d -> d.type().equals(LambdaKind.TYPE)).findFirst().orElseThrow();
    }

    String problemWith(String key, String replacement) {
        ConfigException e = assertThrows(ConfigException.class, () -> without(key, replacement));
        assertEquals(1, e.problems().size(), e::getMessage);
        return e.getMessage();
    }

    @Test
    void aZipBesideTheConfigIsComparedByTheBase64Sha256OfItsBytesAndKeepsWhereItIs() throws Exception {
        byte[] bytes = zip("app.py", "def handler(e, c): return 1\n");
        Files.write(dir.resolve("app.zip"), bytes);

        DesiredResource d = function("");
        String code = d.attribute("code");
        String hash = "sha256:" + sha256(bytes);
        assertEquals(hash + " zip:" + dir.resolve("app.zip").toAbsolutePath().normalize(), code);
        var field = LambdaKind.TYPE.field("code").orElseThrow();
        assertEquals(hash, field.comparable(code), "compared by the hash alone");
        assertEquals(hash, field.comparable(LambdaFields.observedCode(sha256(bytes))), "as Lambda's CodeSha256 is given");
        assertEquals("zip:" + dir.resolve("app.zip").toAbsolutePath().normalize() + " (" + hash + ")", field.show(code));
        assertEquals(List.of(bytes.length), List.of(LambdaFields.zipBytes(code).length));
        assertEquals("team-app-api-0", d.cloudId(), "the function name defaults to <owner>-<id>");
    }

    @Test
    void aZipInASubdirectoryIsReadRelativeToTheConfigNotTheWorkingDirectory() throws Exception {
        Files.createDirectories(dir.resolve("build"));
        byte[] bytes = zip("index.js", "exports.handler = async () => 1;\n");
        Files.write(dir.resolve("build/fn.zip"), bytes);
        DesiredResource d = without("code", "    code:\n      zip: build/fn.zip\n");
        assertTrue(d.attribute("code").startsWith("sha256:" + sha256(bytes) + " zip:" + dir.resolve("build/fn.zip")),
                d.attribute("code"));
    }

    @Test
    void aZipChangedAfterThePlanIsRefusedWhenItIsReadAgain() throws Exception {
        Files.write(dir.resolve("app.zip"), zip("app.py", "one"));
        String code = function("").attribute("code");
        Files.write(dir.resolve("app.zip"), zip("app.py", "two"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LambdaFields.zipBytes(code));
        assertTrue(e.getMessage().contains("changed since the plan"), e.getMessage());
        Files.delete(dir.resolve("app.zip"));
        e = assertThrows(IllegalStateException.class, () -> LambdaFields.zipBytes(code));
        assertTrue(e.getMessage().contains("cannot be read"), e.getMessage());
    }

    @Test
    void aMissingZipADirectoryAFileThatIsNoZipAndOneOver50MbAreRefused() throws Exception {
        assertTrue(problem("").contains("resources[1].code: code zip 'app.zip' (" + dir.resolve("app.zip")
                + ") does not exist; a relative path is read from the config's directory " + dir), problem(""));
        Files.createDirectories(dir.resolve("app.zip"));
        assertTrue(problem("").contains("is a directory; give the zip file itself"), problem(""));
        Files.delete(dir.resolve("app.zip"));
        Files.writeString(dir.resolve("app.zip"), "print('not zipped')\n");
        assertTrue(problem("").contains("is not a zip file"), problem(""));
        Files.writeString(dir.resolve("app.zip"), "");
        assertTrue(problem("").contains("is not a zip file"), problem(""));
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("app.zip").toFile(), "rw")) {
            f.write(new byte[] {'P', 'K', 3, 4});
            f.setLength(LambdaFields.ZIP_MAX + 1);
        }
        assertTrue(problem("").contains("is over 50 MB"), problem(""));
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("app.zip").toFile(), "rw")) {
            f.setLength(LambdaFields.ZIP_MAX);
        }
        function(""); // exactly 50 MB is taken
    }

    @Test
    void aConfigReadFromTextHasNoDirectoryToReadAZipFrom() {
        String yaml = HEADER + """
                  - type: lambda
                    runtime: python3.12
                    handler: app.handler
                    role: app-role
                    code: {zip: app.zip}
                """;
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, null));
        assertTrue(e.getMessage().contains("there is no directory to read it from"), e.getMessage());
    }

    @Test
    void s3CodeIsNeverComparedAndMustNameABucketAndKey() throws Exception {
        DesiredResource d = without("code", "    code: {s3: my-builds/app/v1.zip}\n");
        assertEquals("s3:my-builds/app/v1.zip", d.attribute("code"));
        assertNull(LambdaKind.TYPE.field("code").orElseThrow().comparable(d.attribute("code")), "create only");
        assertEquals("my-builds", LambdaFields.s3Bucket(d.attribute("code")));
        assertEquals("app/v1.zip", LambdaFields.s3Key(d.attribute("code")));
        assertTrue(problemWith("code", "    code: {s3: my-builds}\n").contains("is not <bucket>/<key>"));
        assertTrue(problemWith("code", "    code: {s3: My_Builds/app.zip}\n").contains("is not <bucket>/<key>"));
        assertTrue(problemWith("code", "    code: app.zip\n").contains("code is {zip: <file beside the config>} or "
                + "{s3: <bucket>/<key>}"));
        assertTrue(problemWith("code", "    code: {zip: a.zip, s3: b/k}\n").contains("code is {zip:"));
    }

    @ParameterizedTest
    @CsvSource({"512, 512", "'512', 512", "512Mi, 512", "512M, 512", "1Gi, 1024", "1.5Gi, 1536", "128, 128",
            "10240, 10240", "10Gi, 10240"})
    void memoryIsWholeMbABareNumberBeingMb(String written, String mb) throws Exception {
        Files.write(dir.resolve("app.zip"), zip("a", "b"));
        DesiredResource d = function("    memory: " + written + "\n");
        assertEquals(mb, d.attribute("memory"));
        assertEquals(mb + "Mi", LambdaKind.TYPE.field("memory").orElseThrow().show(mb));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"127|out of range: from 128 to 10240 MB", "10241|out of range",
            "11Gi|out of range", "0.3Gi|Lambda sets memory in whole MB", "512 MB|expected memory in MB",
            "512Ki|expected memory in MB", "-1|out of range", "true|expected memory in MB"})
    void memoryOutOfRangeOrNotWholeMbIsRefused(String written, String message) throws Exception {
        Files.write(dir.resolve("app.zip"), zip("a", "b"));
        assertTrue(problem("    memory: " + written + "\n").contains(message), problem("    memory: " + written + "\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"python3.12", "nodejs20.x", "java21", "java8.al2", "provided.al2023", "provided",
            "dotnet8", "ruby3.3", "go1.x"})
    void runtimesAreLambdasIdentifiers(String runtime) throws Exception {
        Files.write(dir.resolve("app.zip"), zip("a", "b"));
        assertEquals(runtime, without("runtime", "    runtime: " + runtime + "\n").attribute("runtime"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Python3.12", "python 3.12", "python3.12.1", "'3.12'", "python-3"})
    void aRuntimeNotInLambdasFormIsRefused(String runtime) throws Exception {
        Files.write(dir.resolve("app.zip"), zip("a", "b"));
        assertTrue(problemWith("runtime", "    runtime: " + runtime + "\n").contains(
                "expected a runtime such as python3.12, nodejs20.x, java21 or provided.al2023"));
    }

    @Test
    void aHandlerHasNoSpacesAndAtMost128Characters() throws Exception {
        Files.write(dir.resolve("app.zip"), zip("a", "b"));
        assertTrue(problemWith("handler", "    handler: 'app handler'\n").contains("expected a handler"));
        assertTrue(problemWith("handler", "    handler: " + "h".repeat(129) + "\n").contains("expected a handler"));
        assertEquals("h".repeat(128), without("handler", "    handler: " + "h".repeat(128) + "\n").attribute("handler"));
    }

    @Test
    void environmentIsOneJsonObjectWithSortedKeysWhateverTheOrderWritten() throws Exception {
        Files.write(dir.resolve("app.zip"), zip("a", "b"));
        DesiredResource a = function("    environment: {STAGE: prod, PORT: 8080, DEBUG: false, EMPTY: ''}\n");
        DesiredResource b = function("    environment:\n      EMPTY: ''\n      DEBUG: 'false'\n      STAGE: prod\n"
                + "      PORT: '8080'\n");
        assertEquals("{\"DEBUG\":\"false\",\"EMPTY\":\"\",\"PORT\":\"8080\",\"STAGE\":\"prod\"}", a.attribute("environment"));
        assertEquals(a.attribute("environment"), b.attribute("environment"));
        assertEquals(Map.of("DEBUG", "false", "EMPTY", "", "PORT", "8080", "STAGE", "prod"),
                LambdaFields.variables(a.attribute("environment")));
        assertEquals("{}", function("    environment: {}\n").attribute("environment"), "declared empty: no variables");
        assertEquals(a.attribute("environment"), LambdaFields.environmentValue(Map.of("STAGE", "prod", "PORT", "8080",
                "EMPTY", "", "DEBUG", "false")), "what the observer gives compares equal");
    }

    @Test
    void environmentNamesReservedNamesFloatsNullsAndSizeAreChecked() throws Exception {
        Files.write(dir.resolve("app.zip"), zip("a", "b"));
        assertTrue(problem("    environment: {1ST: x}\n").contains("'1ST' is not a variable name"));
        assertTrue(problem("    environment: {AWS_REGION: x}\n").contains("AWS_REGION is set by Lambda itself"));
        assertTrue(problem("    environment: {VERSION: 1.10}\n").contains("quote it to keep it as written"));
        assertTrue(problem("    environment: {NOTHING: null}\n").contains("NOTHING must be a string"));
        assertTrue(problem("    environment: {LIST: [a]}\n").contains("LIST must be a string"));
        assertTrue(problem("    environment: [A=1]\n").contains("environment is a mapping"));
        assertTrue(problem("    environment: {BIG: " + "x".repeat(4094) + "}\n").contains("Lambda takes at most 4096"));
        function("    environment: {BIG: " + "x".repeat(4093) + "}\n");
    }

    @Test
    void aRoleIsADeclaredIamRoleOrAnArnAndComparedByRoleName() throws Exception {
        Files.write(dir.resolve("app.zip"), zip("a", "b"));
        assertEquals("@{app-role-0}", function("").attribute("role"), "the declared role, resolved once it exists");
        assertEquals("exec", without("role", "    role: arn:aws:iam::123456789012:role/exec\n").attribute("role"));
        assertEquals("exec", without("role", "    role: arn:aws:iam::123456789012:role/service-role/exec\n")
                .attribute("role"), "the path is not part of the name");
        assertTrue(problemWith("role", "    role: other-role\n").contains("'other-role' is not a declared resource"));
        assertTrue(problemWith("role", "    role: arn:aws:iam::12345:role/exec\n").contains("is neither an IAM role ARN"));
        assertTrue(problemWith("role", "    role: Exec_Role\n").contains("is neither an IAM role ARN"));
        assertEquals("exec", LambdaFields.roleName("arn:aws:iam::123456789012:role/exec"));
    }

    @Test
    void aFunctionAsLambdaReportsItCompareEqualToItsDeclaration() throws Exception {
        byte[] bytes = zip("app.py", "x");
        Files.write(dir.resolve("app.zip"), bytes);
        DesiredResource d = without("role", "    role: arn:aws:iam::123456789012:role/exec\n    memory: 1Gi\n"
                + "    timeout: 1m\n    environment: {B: '2', A: '1'}\n");
        FunctionConfiguration f = FunctionConfiguration.builder().functionName("team-app-api-0").runtime("python3.12")
                .handler("app.handler").memorySize(1024).timeout(60)
                .role("arn:aws:iam::123456789012:role/service-role/exec")
                .environment(EnvironmentResponse.builder().variables(Map.of("A", "1", "B", "2")).build())
                .codeSha256(sha256(bytes)).build();
        Map<String, String> tags = Map.of("ovi:managed", "true", "ovi:owner", "team-app", "ovi:id", "api-0");
        Observation o = LambdaFunctions.observation("us-east-1", f, tags);

        List<Diff> diffs = new SimpleDriftComparator().compare("team-app", List.of(d), List.of(o), x -> false);
        assertEquals(List.of(), diffs);

        FunctionConfiguration changed = f.toBuilder().codeSha256(sha256(zip("app.py", "y")))
                .environment((EnvironmentResponse) null).memorySize(128).build();
        diffs = new SimpleDriftComparator().compare("team-app", List.of(d), List.of(
                LambdaFunctions.observation("us-east-1", changed, tags)), x -> false);
        assertEquals(List.of("memory", "environment", "code"), diffs.get(0).changes().stream()
                .map(ovi.model.Change::field).toList());
        assertEquals("{}", diffs.get(0).changes().get(1).current(), "no Environment is no variables");
    }
}

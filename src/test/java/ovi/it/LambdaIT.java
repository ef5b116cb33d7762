package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.Runtime;

/**
 * The lambda kind against moto: a function whose role is declared beside it (so the role is created first),
 * its configuration and code changed by hand and put back, and deletes. moto keeps functions without Docker;
 * only invoking one would need it, and ovi never invokes.
 */
class LambdaIT {
    static final String FUNCTION = "team-app-api-0";
    static final String ROLE = "team-app-app-role-0";

    @TempDir
    Path dir;
    Path config;
    Path state;
    LambdaClient lambda;
    IamClient iam;
    byte[] v1;
    byte[] v2;

    static byte[] zip(String source) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("app.py"));
            z.write(source.getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
        }
        return out.toByteArray();
    }

    static String sha256(byte[] bytes) throws Exception {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @BeforeEach
    void setUp() throws Exception {
        Moto.reset();
        config = dir.resolve("ovi.yaml");
        state = dir.resolve("state");
        lambda = Moto.client(LambdaClient.builder());
        iam = Moto.client(IamClient.builder());
        v1 = zip("def handler(event, context):\n    return 'v1'\n");
        v2 = zip("def handler(event, context):\n    return 'v2, put in by hand'\n");
        Files.createDirectories(dir.resolve("build"));
        Files.write(dir.resolve("build/app.zip"), v1);
        Files.writeString(config, """
                version: v1
                provider: aws
                region: us-east-1
                owner: team-app
                resources:
                  - type: lambda
                    name: api
                    runtime: python3.12
                    handler: app.handler
                    role: app-role
                    memory: 256
                    timeout: 30s
                    environment: {STAGE: prod, LEVEL: info}
                    code: {zip: build/app.zip}
                    tags: {team: app}
                  - type: iam-role
                    name: app-role
                    trust: lambda.amazonaws.com
                """);
    }

    @AfterEach
    void tearDown() {
        lambda.close();
        iam.close();
    }

    Cli.Result run(String verb, String... extra) {
        return Cli.json(verb, config, state, extra);
    }

    FunctionConfiguration function() {
        return lambda.getFunction(b -> b.functionName(FUNCTION)).configuration();
    }

    /** The WAL's entries of one type, as {@code <resource>} in the order written. */
    List<String> wal(String type) {
        Cli.Result r = Cli.run("wal", "show", "--state-dir", state.toString(), "--type", type, "-o", "json");
        assertEquals(0, r.code(), r::toString);
        List<String> out = new ArrayList<>();
        r.json().get("entries").forEach(e -> out.add(e.get("resource").asText()));
        return out;
    }

    static List<String> changes(Cli.Result plan) {
        List<String> out = new ArrayList<>();
        for (JsonNode c : plan.json().get("diffs").get(0).get("changes")) {
            out.add(c.get("field").asText());
        }
        return out;
    }

    @Test
    void aFunctionIsCreatedAfterItsRoleAndConfigurationAndCodeChangedByHandArePutBack() throws Exception {
        Cli.Result planned = run("plan");
        assertEquals(0, planned.code(), planned::toString);
        JsonNode create = null;
        for (JsonNode d : planned.json().get("decisions")) {
            if (d.get("id").asText().equals("api-0")) {
                create = d;
            }
        }
        assertEquals("[\"app-role-0\"]", String.valueOf(create.get("after")), "the function waits for its role");

        Cli.Result applied = run("apply");
        assertEquals(0, applied.code(), applied::toString);
        List<String> executing = wal("executing");
        List<String> executed = wal("executed");
        assertEquals(List.of("app-role-0", "api-0"), executing, "the role is created first, as the function names it");
        assertEquals(List.of("app-role-0", "api-0"), executed);

        FunctionConfiguration f = function();
        assertEquals(Runtime.PYTHON3_12, f.runtime());
        assertEquals("app.handler", f.handler());
        assertEquals(256, f.memorySize());
        assertEquals(30, f.timeout());
        assertEquals(iam.getRole(b -> b.roleName(ROLE)).role().arn(), f.role(), "the declared role, by its ARN");
        assertEquals(Map.of("STAGE", "prod", "LEVEL", "info"), f.environment().variables());
        assertEquals(sha256(v1), f.codeSha256(), "the zip beside the config, as it is");
        Map<String, String> tags = lambda.listTags(b -> b.resource(f.functionArn())).tags();
        assertEquals("true", tags.get("ovi:managed"));
        assertEquals("team-app", tags.get("ovi:owner"));
        assertEquals("api-0", tags.get("ovi:id"));
        assertEquals("app", tags.get("team"));
        Cli.Result converged = run("plan", "--detailed-exitcode");
        assertEquals(0, converged.code(), "the role compares by name and the code by its hash: " + converged);

        // configuration changed by hand
        lambda.updateFunctionConfiguration(b -> b.functionName(FUNCTION).memorySize(512).timeout(10)
                .environment(e -> e.variables(Map.of("STAGE", "dev"))));
        Cli.Result drifted = run("plan", "--detailed-exitcode");
        assertEquals(2, drifted.code(), drifted::toString);
        assertEquals("drifted", drifted.json().get("diffs").get(0).get("kind").asText(), drifted::toString);
        assertEquals(List.of("memory", "timeout", "environment"), changes(drifted), drifted::toString);
        JsonNode memory = drifted.json().get("diffs").get(0).get("changes").get(0);
        assertEquals("512", memory.get("current").asText());
        assertEquals("256", memory.get("desired").asText());
        assertEquals("{\"STAGE\":\"dev\"}", drifted.json().get("diffs").get(0).get("changes").get(2).get("current").asText());

        Cli.Result fixed = run("apply");
        assertEquals(0, fixed.code(), fixed::toString);
        FunctionConfiguration back = function();
        assertEquals(256, back.memorySize());
        assertEquals(30, back.timeout());
        assertEquals(Map.of("STAGE", "prod", "LEVEL", "info"), back.environment().variables());
        assertEquals(0, run("plan", "--detailed-exitcode").code());

        // code replaced by hand
        lambda.updateFunctionCode(b -> b.functionName(FUNCTION).zipFile(SdkBytes.fromByteArray(v2)));
        assertEquals(sha256(v2), function().codeSha256());
        Cli.Result replaced = run("plan", "--detailed-exitcode");
        assertEquals(2, replaced.code(), replaced::toString);
        assertEquals(List.of("code"), changes(replaced), replaced::toString);
        JsonNode code = replaced.json().get("diffs").get(0).get("changes").get(0);
        assertEquals("sha256:" + sha256(v2), code.get("current").asText());
        assertTrue(code.get("desired").asText().startsWith("sha256:" + sha256(v1) + " zip:"), code::toString);

        Cli.Result restored = run("apply");
        assertEquals(0, restored.code(), restored::toString);
        assertEquals(sha256(v1), function().codeSha256(), "the declared zip is uploaded again");
        assertEquals(0, run("plan", "--detailed-exitcode").code());
    }

    @Test
    void aNewZipBesideTheConfigIsAnUpdateOfTheCodeAndOneChangedAfterThePlanIsRefused() throws Exception {
        assertEquals(0, run("apply").code());
        Files.write(dir.resolve("build/app.zip"), v2);
        Cli.Result plan = run("plan", "--detailed-exitcode");
        assertEquals(2, plan.code(), plan::toString);
        assertEquals(List.of("code"), changes(plan), plan::toString);

        Path saved = dir.resolve("code.plan");
        assertEquals(2, run("plan", "--detailed-exitcode", "--out", saved.toString()).code());
        Files.write(dir.resolve("build/app.zip"), zip("def handler(e, c):\n    return 'v3'\n"));
        Cli.Result refused = Cli.run("apply", saved.toString(), "-c", config.toString(), "--state-dir",
                state.toString(), "-q", "-o", "json", "--auto-approve");
        assertEquals(3, refused.code(), "the update failed: " + refused);
        assertTrue(refused.toString().contains("changed since the plan"), refused::toString);
        assertEquals(sha256(v1), function().codeSha256(), "nothing was uploaded");

        Files.write(dir.resolve("build/app.zip"), v2);
        assertEquals(0, run("apply").code());
        assertEquals(sha256(v2), function().codeSha256());
        assertEquals(0, run("plan", "--detailed-exitcode").code());
    }

    @Test
    void anUndeclaredFunctionIsDeletedBeforeTheRoleItUsesAndAHandMadeOneIsOnlyReported() throws Exception {
        assertEquals(0, run("apply").code());
        String roleArn = iam.getRole(b -> b.roleName(ROLE)).role().arn();
        lambda.createFunction(b -> b.functionName("hand-made").runtime(Runtime.NODEJS20_X).handler("index.handler")
                .role(roleArn).code(c -> c.zipFile(SdkBytes.fromByteArray(v1))));

        String text = Files.readString(config);
        Files.writeString(config, text.substring(0, text.indexOf("resources:")) + "resources: []\n");
        // every managed resource goes: ovi asks for --allow-empty to be sure that is meant
        Cli.Result plan = run("plan", "--allow-empty");
        assertEquals(0, plan.code(), plan::toString);
        List<String> decisions = new ArrayList<>();
        plan.json().get("decisions").forEach(d -> decisions.add(d.get("action").asText() + " " + d.get("id").asText()
                + " after " + d.get("after")));
        assertTrue(decisions.contains("delete app-role-0 after [\"api-0\"]"), decisions::toString);
        assertTrue(decisions.contains("delete api-0 after []"), decisions::toString);
        assertTrue(decisions.stream().anyMatch(d -> d.startsWith("notify hand-made")), decisions::toString);

        Cli.Result applied = run("apply", "--allow-empty");
        assertEquals(0, applied.code(), applied::toString);
        List<String> functions = lambda.listFunctions().functions().stream().map(FunctionConfiguration::functionName)
                .toList();
        assertEquals(List.of("hand-made"), functions, "the undeclared function is gone, the hand-made one stays");
        List<String> executed = wal("executed");
        assertEquals(List.of("app-role-0", "api-0", "api-0", "app-role-0"), executed,
                "created role then function; deleted function then role");
    }
}

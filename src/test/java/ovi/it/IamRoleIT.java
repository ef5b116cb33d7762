package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AttachedPolicy;

/** The IAM role kind against moto: trust compared as JSON, a policy attached by hand detached, deletes. */
class IamRoleIT {
    static final String POLICY = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\","
            + "\"Resource\":\"*\"}]}";

    @TempDir
    Path dir;
    Path config;
    Path state;
    IamClient iam;
    String readPolicy;
    String writePolicy;

    @BeforeEach
    void setUp() throws Exception {
        Moto.reset();
        config = dir.resolve("ovi.yaml");
        state = dir.resolve("state");
        iam = Moto.client(IamClient.builder());
        readPolicy = iam.createPolicy(b -> b.policyName("read-things").policyDocument(POLICY)).policy().arn();
        writePolicy = iam.createPolicy(b -> b.policyName("write-things").policyDocument(POLICY)).policy().arn();
        Files.writeString(config, """
                version: v1
                provider: aws
                region: us-east-1
                owner: team-app
                resources:
                  - type: iam-role
                    name: app
                    trust: ec2.amazonaws.com
                    managedPolicies: [%s]
                    maxSession: 2h
                    tags: {team: app}
                  - type: iam-role
                    name: batch
                    roleName: team-app-batch-runner
                    trust: '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["sts:AssumeRole"], "Principal": {"Service": ["lambda.amazonaws.com"]}}]}'
                """.formatted(readPolicy));
    }

    @AfterEach
    void tearDown() {
        iam.close();
    }

    Cli.Result run(String verb, String... extra) {
        return Cli.json(verb, config, state, extra);
    }

    List<String> attached(String role) {
        return iam.listAttachedRolePolicies(b -> b.roleName(role)).attachedPolicies().stream()
                .map(AttachedPolicy::policyArn).sorted().toList();
    }

    @Test
    void rolesAreCreatedAndAPolicyAttachedByHandIsDetached() {
        Cli.Result applied = run("apply");
        assertEquals(0, applied.code(), applied::toString);
        assertEquals(List.of(readPolicy), attached("team-app-app-0"));
        assertEquals(7200, iam.getRole(b -> b.roleName("team-app-app-0")).role().maxSessionDuration());
        assertTrue(iam.getRole(b -> b.roleName("team-app-batch-runner")).role().tags().stream()
                .anyMatch(t -> t.key().equals("ovi:id") && t.value().equals("batch-0")));
        Cli.Result converged = run("plan", "--detailed-exitcode");
        assertEquals(0, converged.code(), "a trust policy written another way is the same policy: " + converged);

        iam.attachRolePolicy(b -> b.roleName("team-app-app-0").policyArn(writePolicy));
        iam.updateRole(b -> b.roleName("team-app-app-0").maxSessionDuration(3600));
        Cli.Result drifted = run("plan", "--detailed-exitcode");
        assertEquals(2, drifted.code(), drifted::toString);
        List<String> fields = new ArrayList<>();
        for (JsonNode c : drifted.json().get("diffs").get(0).get("changes")) {
            fields.add(c.get("field").asText());
        }
        assertEquals(List.of("managedPolicies", "maxSession"), fields, drifted::toString);

        assertEquals(0, run("apply").code());
        assertEquals(List.of(readPolicy), attached("team-app-app-0"), "the policy attached by hand is detached");
        assertEquals(7200, iam.getRole(b -> b.roleName("team-app-app-0")).role().maxSessionDuration());
        assertEquals(0, run("plan", "--detailed-exitcode").code());
    }

    @Test
    void aRoleNoLongerDeclaredIsDeletedWithItsPoliciesAndAHandMadeRoleIsOnlyReported() throws Exception {
        assertEquals(0, run("apply").code());
        iam.createRole(b -> b.roleName("hand-made").assumeRolePolicyDocument(POLICY));
        String text = Files.readString(config);
        // app-0 gets an inline policy by hand, then leaves the config: it is deleted all the same
        iam.putRolePolicy(b -> b.roleName("team-app-app-0").policyName("inline").policyDocument(POLICY));
        Files.writeString(config, text.substring(0, text.indexOf("  - type: iam-role\n    name: app"))
                + text.substring(text.indexOf("  - type: iam-role\n    name: batch")));

        Cli.Result applied = run("apply");
        assertEquals(0, applied.code(), applied::toString);
        List<String> roles = iam.listRoles().roles().stream().map(r -> r.roleName()).sorted().toList();
        assertEquals(List.of("hand-made", "team-app-batch-runner"), roles);
    }

    @Test
    void aTrustThatIsNotAPolicyIsAConfigError() throws Exception {
        Files.writeString(config, Files.readString(config).replace("trust: ec2.amazonaws.com", "trust: everyone"));
        Cli.Result r = run("plan");
        assertEquals(65, r.code(), r::toString);
        assertTrue(r.err().contains("resources[0].trust: trust is a service principal such as ec2.amazonaws.com"),
                r::toString);
    }

    /**
     * Inline policies, compared as JSON documents by name: one written in another key order or spacing is
     * the same; one edited or added by hand is drift, a change per policy, that apply puts back.
     */
    @Test
    void inlinePoliciesAreComparedAsDocumentsAndHandEditsAreUndone() throws Exception {
        Files.writeString(config, """
                version: v1
                provider: aws
                region: us-east-1
                owner: team-app
                resources:
                  - type: iam-role
                    name: app
                    trust: ec2.amazonaws.com
                    inlinePolicies:
                      read-bucket:
                        Version: "2012-10-17"
                        Statement:
                          - {Effect: Allow, Action: ["s3:GetObject"], Resource: "arn:aws:s3:::team-app/*"}
                      write-queue: '{"Statement": {"Resource": "*", "Action": "sqs:SendMessage", "Effect": "Allow"}, "Version": "2012-10-17"}'
                """);
        Cli.Result applied = run("apply");
        assertEquals(0, applied.code(), applied::toString);
        assertEquals(List.of("read-bucket", "write-queue"), iam.listRolePolicies(b -> b.roleName("team-app-app-0"))
                .policyNames().stream().sorted().toList());
        assertEquals(0, run("plan", "--detailed-exitcode").code(), "the documents IAM gives back are as declared");

        // when someone widens one policy and adds another by hand
        iam.putRolePolicy(b -> b.roleName("team-app-app-0").policyName("read-bucket").policyDocument(POLICY));
        iam.putRolePolicy(b -> b.roleName("team-app-app-0").policyName("backdoor").policyDocument(POLICY));
        Cli.Result drifted = run("plan", "--detailed-exitcode");
        assertEquals(2, drifted.code(), drifted::toString);
        List<String> changes = new ArrayList<>();
        for (JsonNode c : drifted.json().get("diffs").get(0).get("changes")) {
            String current = c.get("current").isNull() ? "" : c.get("current").asText();
            String desired = c.get("desired").isNull() ? "" : c.get("desired").asText();
            changes.add((current.isEmpty() ? "+ " + desired : "- " + current).split(" ")[0] + " "
                    + (current.isEmpty() ? desired : current).split(" ")[0]);
        }
        assertEquals(List.of("- backdoor", "- read-bucket", "+ read-bucket"), changes, drifted::toString);
        Cli.Result text = Cli.run("plan", "-c", config.toString(), "--state-dir", state.toString(), "-q");
        assertTrue(text.out().contains("inlinePolicies: - backdoor {"), text::toString);

        Cli.Result fixed = run("apply");
        assertEquals(0, fixed.code(), fixed::toString);
        assertEquals(List.of("read-bucket", "write-queue"), iam.listRolePolicies(b -> b.roleName("team-app-app-0"))
                .policyNames().stream().sorted().toList());
        assertTrue(java.net.URLDecoder.decode(iam.getRolePolicy(b -> b.roleName("team-app-app-0").policyName("read-bucket"))
                .policyDocument(), java.nio.charset.StandardCharsets.UTF_8).contains("team-app/*"), "put back as declared");
        assertEquals(0, run("plan", "--detailed-exitcode").code());
    }

    @Test
    void anInlinePolicyThatIsNotADocumentIsAConfigErrorAtItsLine() throws Exception {
        Files.writeString(config, """
                version: v1
                provider: aws
                region: us-east-1
                owner: team-app
                resources:
                  - type: iam-role
                    trust: ec2.amazonaws.com
                    inlinePolicies:
                      read: '{"Statement": [oops'
                """);
        Cli.Result r = run("plan");
        assertEquals(65, r.code(), r::toString);
        assertTrue(r.err().contains("ovi.yaml:9:7: resources[0].inlinePolicies: item 1: policy read is not a JSON "
                + "document"), r::toString);
    }
}

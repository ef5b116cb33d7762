package ovi.aws.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import ovi.config.ConfigLoader;
import ovi.model.Action;
import ovi.model.DesiredResource;
import ovi.model.Field;
import ovi.model.Intent;
import ovi.model.Observation;
import ovi.model.Scope;
import org.junit.jupiter.api.Test;

/**
 * What a role's create, cut off between CreateRole and its policy calls, still has to do: read from the
 * config as a user writes it and from the role as IAM gives it back, so the two forms must agree.
 */
class IamRoleUnfinishedTest {
    static final String READ = "arn:aws:iam::123456789012:policy/read-things";
    static final String WRITE = "arn:aws:iam::123456789012:policy/write-things";
    static final String BUCKET = "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", "
            + "\"Action\": [\"s3:GetObject\"], \"Resource\": \"arn:aws:s3:::team-app/*\"}]}";
    static final String QUEUE = "{\"Version\": \"2012-10-17\", \"Statement\": {\"Effect\": \"Allow\", "
            + "\"Action\": \"sqs:SendMessage\", \"Resource\": \"*\"}}";

    static DesiredResource role() throws Exception {
        return ConfigLoader.parse("""
                version: v1
                provider: aws
                region: us-east-1
                owner: team-app
                resources:
                  - type: iam-role
                    name: app
                    trust: ec2.amazonaws.com
                    managedPolicies: [%s, %s]
                    inlinePolicies:
                      read-bucket:
                        Version: "2012-10-17"
                        Statement:
                          - {Effect: Allow, Action: ["s3:GetObject"], Resource: "arn:aws:s3:::team-app/*"}
                      write-queue: '%s'
                """.formatted(READ, WRITE, QUEUE), Path.of("ovi.yaml")).desired().get(0);
    }

    static Intent create(DesiredResource d) {
        return new Intent(Action.CREATE, "missing", "app-0", IamRoleKind.TYPE, Scope.GLOBAL, null, null, d,
                List.of(), "declared, not found", "plan-1");
    }

    /** The role as the observer reads it: policies IAM gives as URL-encoded JSON, in its own key order. */
    static Observation found(List<String> attached, Map<String, String> inline) {
        Map<String, String> attrs = new HashMap<>();
        attrs.put("managedPolicies", String.join(",", new java.util.TreeSet<>(attached)));
        attrs.put("inlinePolicies", Field.setValue(inline.entrySet().stream().map(e -> IamRoleKind.observedInline(
                e.getKey(), URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))).toList()));
        return new Observation(IamRoleKind.TYPE, Scope.GLOBAL, "team-app-app-0", attrs, Map.of("ovi:managed", "true",
                "ovi:owner", "team-app", "ovi:id", "app-0"));
    }

    final IamRoles kind = new IamRoles(null);

    @Test
    void aRoleCutOffAfterCreateRoleLacksEveryPolicy() throws Exception {
        DesiredResource d = role();
        assertEquals(List.of("managedPolicies lacks " + READ, "managedPolicies lacks " + WRITE,
                        "inlinePolicies lacks read-bucket as declared", "inlinePolicies lacks write-queue as declared"),
                kind.unfinished(create(d), Map.of(), found(List.of(), Map.of())));
    }

    @Test
    void aRoleCutOffMidwayLacksOnlyWhatTheLaterCallsHadToDo() throws Exception {
        DesiredResource d = role();
        Observation half = found(List.of(READ), Map.of());
        assertEquals(List.of("managedPolicies lacks " + WRITE, "inlinePolicies lacks read-bucket as declared",
                "inlinePolicies lacks write-queue as declared"), kind.unfinished(create(d), Map.of(), half));
        assertEquals(List.of(WRITE), IamRoles.toAttach(d, half));
        assertEquals(2, IamRoles.toPut(d, half).size());
    }

    @Test
    void aRoleWithEveryPolicyInAnotherKeyOrderIsFinished() throws Exception {
        DesiredResource d = role();
        String bucketReordered = "{\"Statement\": [{\"Resource\": \"arn:aws:s3:::team-app/*\", \"Action\": "
                + "\"s3:GetObject\", \"Effect\": \"Allow\"}], \"Version\": \"2012-10-17\"}";
        Observation done = found(List.of(WRITE, READ), Map.of("read-bucket", bucketReordered, "write-queue", QUEUE));
        assertEquals(List.of(), kind.unfinished(create(d), Map.of(), done));
    }

    @Test
    void anInlinePolicyPutWithAnotherDocumentIsNotTheDeclaredOne() throws Exception {
        DesiredResource d = role();
        Observation other = found(List.of(WRITE, READ), Map.of("read-bucket", QUEUE, "write-queue", QUEUE));
        assertEquals(List.of("inlinePolicies lacks read-bucket as declared"), kind.unfinished(create(d), Map.of(), other));
    }

    @Test
    void aRoleWithoutPoliciesAndAnUpdateHaveNothingLeft() throws Exception {
        DesiredResource bare = ConfigLoader.parse("""
                version: v1
                provider: aws
                region: us-east-1
                owner: team-app
                resources:
                  - type: iam-role
                    name: app
                    trust: ec2.amazonaws.com
                """, Path.of("ovi.yaml")).desired().get(0);
        assertEquals(List.of(), kind.unfinished(create(bare), Map.of(), found(List.of(), Map.of())));
        Intent update = new Intent(Action.UPDATE, "drifted", "app-0", IamRoleKind.TYPE, Scope.GLOBAL,
                "team-app-app-0", "hash", role(), List.of(), "drifted", "plan-1");
        assertEquals(List.of(), kind.unfinished(update, Map.of(), found(List.of(), Map.of())));
    }
}

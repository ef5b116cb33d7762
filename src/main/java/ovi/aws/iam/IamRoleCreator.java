package ovi.aws.iam;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import ovi.aws.AwsClients;
import ovi.aws.AwsErrors;
import ovi.aws.Observations;
import ovi.engine.Fence;
import ovi.engine.ResourceKind;
import ovi.model.Intent;
import ovi.model.Observation;
import ovi.model.Outcome;
import ovi.model.Tags;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * CreateRole with its trust policy, session length and every tag in one call, then AttachRolePolicy for
 * each managed policy and PutRolePolicy for each inline one. CreateRole takes no client token: a repeat
 * meets EntityAlreadyExists, and the role of that name is taken as this one only if it carries this
 * declaration's ovi tags; then only the policies it lacks are attached or put, so a repeat after a crash
 * between the calls finishes the create.
 */
final class IamRoleCreator implements ResourceKind.Creator {
    private final AwsClients aws;

    IamRoleCreator(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public Outcome create(Intent intent, String owner, Fence fence) {
        var d = intent.desired();
        String name = d.cloudId();
        IamClient iam = IamRoleKind.iam(aws);
        String requestId;
        Observation found = null; // the role a create before this one made, when taken over
        try {
            fence.check();
            var r = iam.createRole(b -> {
                b.roleName(name).assumeRolePolicyDocument(d.attribute("trust"))
                        .tags(d.allTags(owner).entrySet().stream().map(e -> Tag.builder().key(e.getKey())
                                .value(e.getValue()).build()).toList());
                if (d.attribute("maxSession") != null) {
                    b.maxSessionDuration(Integer.valueOf(d.attribute("maxSession")));
                }
            });
            if (r.role() == null || !name.equals(r.role().roleName())) {
                throw SdkClientException.create("AWS answered CreateRole without the role " + name);
            }
            requestId = AwsErrors.requestId(r);
        } catch (AwsServiceException e) {
            if (!Observations.errorCode(e, "EntityAlreadyExists")) {
                throw e;
            }
            Optional<Observation> named = IamRoles.named(iam, name);
            if (named.isEmpty() || !named.get().madeFor(owner, intent.id())) {
                return new Outcome.Failed("a role named '" + name + "' already exists and is not tagged "
                        + Tags.OWNER + "=" + owner + ", " + Tags.ID + "=" + intent.id() + "; ovi does not take over a "
                        + "role it did not make: give this one another roleName, or remove that role; nothing was done",
                        AwsErrors.requestId(e));
            }
            found = named.get();
            requestId = null;
        }
        List<String> done = new ArrayList<>();
        for (String arn : IamRoles.toAttach(d, found)) {
            fence.check();
            requestId = AwsErrors.requestId(iam.attachRolePolicy(b -> b.roleName(name).policyArn(arn)));
            done.add("attached " + arn);
        }
        for (String element : IamRoles.toPut(d, found)) {
            String[] p = IamRoleKind.inline(element);
            fence.check();
            requestId = AwsErrors.requestId(iam.putRolePolicy(b -> b.roleName(name).policyName(p[0]).policyDocument(p[1])));
            done.add("put inline policy " + p[0]);
        }
        if (found == null) {
            return new Outcome.Executed(name, requestId, "created role " + name);
        }
        return new Outcome.Executed(name, requestId, "found role " + name + ", which a create before this one made"
                + (done.isEmpty() ? "" : ": " + String.join("; ", done)));
    }
}

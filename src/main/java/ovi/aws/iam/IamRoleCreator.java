package ovi.aws.iam;

import ovi.aws.AwsClients;
import ovi.aws.AwsErrors;
import ovi.engine.Fence;
import ovi.engine.ResourceKind;
import ovi.model.Intent;
import ovi.model.Outcome;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * CreateRole with its trust policy, session length and every tag in one call (a second create of the name
 * fails, so a retry makes nothing new), then AttachRolePolicy for each managed policy and PutRolePolicy for each inline one. A crash between them
 * leaves a tagged role whose missing policies the next plan shows as drift.
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
        String requestId = AwsErrors.requestId(r);
        for (String arn : IamRoleUpdater.arns(d.attribute("managedPolicies"))) {
            fence.check();
            requestId = AwsErrors.requestId(iam.attachRolePolicy(b -> b.roleName(name).policyArn(arn)));
        }
        for (String element : ovi.model.Field.elements(d.attribute("inlinePolicies"))) {
            String[] p = IamRoleKind.inline(element);
            fence.check();
            requestId = AwsErrors.requestId(iam.putRolePolicy(b -> b.roleName(name).policyName(p[0]).policyDocument(p[1])));
        }
        return new Outcome.Executed(name, requestId, "created role " + name);
    }
}

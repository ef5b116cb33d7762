package ovi.aws.iam;

import ovi.aws.AwsClients;
import ovi.aws.AwsErrors;
import ovi.aws.Observations;
import ovi.engine.Fence;
import ovi.engine.ResourceKind;
import ovi.model.Intent;
import ovi.model.Outcome;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * Detaches the role's managed policies, deletes its inline policies (IAM refuses to delete a role that
 * has either), then DeleteRole; a role already gone is done. A role still in an instance profile is
 * reported as the failure IAM gives.
 */
final class IamRoleDeleter implements ResourceKind.Deleter {
    private final AwsClients aws;

    IamRoleDeleter(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public Outcome delete(Intent intent, String owner, Fence fence) {
        String name = intent.cloudId();
        IamClient iam = IamRoleKind.iam(aws);
        try {
            for (String arn : IamRoles.attached(iam, name)) {
                fence.check();
                iam.detachRolePolicy(b -> b.roleName(name).policyArn(arn));
            }
            for (var page : iam.listRolePoliciesPaginator(b -> b.roleName(name))) {
                for (String policy : page.policyNames()) {
                    fence.check();
                    iam.deleteRolePolicy(b -> b.roleName(name).policyName(policy));
                }
            }
            fence.check();
            var r = iam.deleteRole(b -> b.roleName(name));
            return new Outcome.Executed(name, AwsErrors.requestId(r), "deleted role " + name);
        } catch (AwsServiceException e) {
            if (Observations.errorCode(e, "NoSuchEntity")) {
                return new Outcome.Executed(name, null, "role " + name + " was already gone");
            }
            throw e;
        }
    }
}

package ovi.aws.securitygroup;

import java.util.ArrayList;
import java.util.List;
import ovi.aws.AwsErrors;
import ovi.aws.Observations;
import ovi.engine.Fence;
import software.amazon.awssdk.awscore.AwsResponse;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IpPermission;

/**
 * Authorizes and revokes rules of one group, all of one direction in one call. A rule already authorized,
 * or already gone, is done: AWS refuses the whole call for it (InvalidPermission.Duplicate, .NotFound), so
 * the rules are then made one at a time and that one passed over. So a repeat after a crash, or a rule
 * someone made by hand meanwhile, ends where the declaration wants, never in an error.
 */
final class Permissions {
    static final String DUPLICATE = "InvalidPermission.Duplicate";
    static final String NOT_FOUND = "InvalidPermission.NotFound";

    /** What the calls did: the rules made, and AWS's request id of the last call that went through. */
    record Done(List<String> rules, String requestId) {
    }

    private Permissions() {
    }

    static Done authorize(Ec2Client ec2, String groupId, String direction, List<Rule> rules, Fence fence) {
        return change(rules, DUPLICATE, fence, permissions -> direction.equals("egress")
                ? ec2.authorizeSecurityGroupEgress(b -> b.groupId(groupId).ipPermissions(permissions))
                : ec2.authorizeSecurityGroupIngress(b -> b.groupId(groupId).ipPermissions(permissions)));
    }

    static Done revoke(Ec2Client ec2, String groupId, String direction, List<Rule> rules, Fence fence) {
        return change(rules, NOT_FOUND, fence, permissions -> direction.equals("egress")
                ? ec2.revokeSecurityGroupEgress(b -> b.groupId(groupId).ipPermissions(permissions))
                : ec2.revokeSecurityGroupIngress(b -> b.groupId(groupId).ipPermissions(permissions)));
    }

    private static Done change(List<Rule> rules, String done, Fence fence,
                               java.util.function.Function<List<IpPermission>, AwsResponse> call) {
        if (rules.isEmpty()) {
            return new Done(List.of(), null);
        }
        try {
            fence.check();
            AwsResponse r = call.apply(rules.stream().map(Rule::permission).toList());
            return new Done(rules.stream().map(Rule::text).toList(), AwsErrors.requestId(r));
        } catch (AwsServiceException e) {
            if (!Observations.errorCode(e, done)) {
                throw e;
            }
        }
        List<String> made = new ArrayList<>();
        String requestId = null;
        for (Rule rule : rules) {
            try {
                fence.check();
                requestId = AwsErrors.requestId(call.apply(List.of(rule.permission())));
                made.add(rule.text());
            } catch (AwsServiceException e) {
                if (!Observations.errorCode(e, done)) {
                    throw e;
                }
            }
        }
        return new Done(made, requestId);
    }
}

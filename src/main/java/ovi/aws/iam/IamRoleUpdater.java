package ovi.aws.iam;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import ovi.aws.AwsClients;
import ovi.aws.AwsErrors;
import ovi.engine.Fence;
import ovi.engine.ResourceKind;
import ovi.model.Change;
import ovi.model.Intent;
import ovi.model.Outcome;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * UpdateAssumeRolePolicy for the trust policy, UpdateRole for the session length, attach and detach for
 * the managed policies (from the role as it is now, so a repeat after a crash does only what is left),
 * TagRole for the tags.
 */
final class IamRoleUpdater implements ResourceKind.Updater {
    private final AwsClients aws;

    IamRoleUpdater(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public Outcome update(Intent intent, String owner, Fence fence, Map<String, String> before) {
        String name = intent.cloudId();
        IamClient iam = IamRoleKind.iam(aws);
        List<String> done = new ArrayList<>();
        String requestId = null;
        List<Tag> tags = new ArrayList<>();
        for (Change c : intent.changes()) {
            switch (c.field()) {
                case "trust" -> {
                    fence.check();
                    requestId = AwsErrors.requestId(iam.updateAssumeRolePolicy(b -> b.roleName(name)
                            .policyDocument(c.desired())));
                    done.add("trust policy");
                }
                case "maxSession" -> {
                    fence.check();
                    requestId = AwsErrors.requestId(iam.updateRole(b -> b.roleName(name)
                            .maxSessionDuration(Integer.valueOf(c.desired()))));
                    var f = IamRoleKind.TYPE.field("maxSession").orElseThrow();
                    done.add("maxSession " + f.show(c.current()) + " -> " + f.show(c.desired()));
                }
                case "managedPolicies" -> {
                    TreeSet<String> want = arns(c.desired());
                    TreeSet<String> have = IamRoles.attached(iam, name);
                    for (String arn : have) {
                        if (!want.contains(arn)) {
                            fence.check();
                            requestId = AwsErrors.requestId(iam.detachRolePolicy(b -> b.roleName(name).policyArn(arn)));
                            done.add("detached " + arn);
                        }
                    }
                    for (String arn : want) {
                        if (!have.contains(arn)) {
                            fence.check();
                            requestId = AwsErrors.requestId(iam.attachRolePolicy(b -> b.roleName(name).policyArn(arn)));
                            done.add("attached " + arn);
                        }
                    }
                }
                case "inlinePolicies" -> {
                    // a policy edited by hand is one taken away and one added under the same name: put once
                    if (c.desired() != null) {
                        String[] p = IamRoleKind.inline(c.desired());
                        fence.check();
                        requestId = AwsErrors.requestId(iam.putRolePolicy(b -> b.roleName(name).policyName(p[0])
                                .policyDocument(p[1])));
                        done.add("put inline policy " + p[0]);
                    } else {
                        String policy = IamRoleKind.inline(c.current())[0];
                        boolean replaced = intent.changes().stream().anyMatch(x -> x.field().equals("inlinePolicies")
                                && x.desired() != null && IamRoleKind.inline(x.desired())[0].equals(policy));
                        if (!replaced) {
                            fence.check();
                            requestId = AwsErrors.requestId(iam.deleteRolePolicy(b -> b.roleName(name).policyName(policy)));
                            done.add("deleted inline policy " + policy);
                        }
                    }
                }
                default -> {
                    if (c.field().startsWith("tags.")) {
                        tags.add(Tag.builder().key(c.field().substring(5)).value(c.desired()).build());
                    }
                }
            }
        }
        if (!tags.isEmpty()) {
            fence.check();
            requestId = AwsErrors.requestId(iam.tagRole(b -> b.roleName(name).tags(tags)));
            done.add("tags " + String.join(", ", tags.stream().map(Tag::key).toList()));
        }
        return new Outcome.Executed(name, requestId, "updated role " + name + ": " + String.join("; ", done));
    }

    /** The ARNs of a {@code managedPolicies} value (comma-joined, possibly empty). */
    static TreeSet<String> arns(String joined) {
        TreeSet<String> arns = new TreeSet<>();
        if (joined != null && !joined.isEmpty()) {
            arns.addAll(List.of(joined.split(",")));
        }
        return arns;
    }
}

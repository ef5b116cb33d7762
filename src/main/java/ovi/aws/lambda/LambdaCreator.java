package ovi.aws.lambda;

import ovi.aws.AwsClients;
import ovi.aws.AwsErrors;
import ovi.engine.Fence;
import ovi.engine.ResourceKind;
import ovi.model.Intent;
import ovi.model.Outcome;
import ovi.model.Reference;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.lambda.model.CreateFunctionRequest;
import software.amazon.awssdk.services.lambda.model.Environment;
import software.amazon.awssdk.services.lambda.model.FunctionCode;
import software.amazon.awssdk.services.lambda.model.PackageType;

/**
 * CreateFunction with its configuration, code and every tag in one call: there is no moment at which the
 * function exists untagged, so a create cut off by a crash is found again by its tags. The role is turned
 * into its ARN first (IAM GetRole, one call), and a role IAM has only just made is waited for. A second
 * create of the name fails (ResourceConflictException), so a retry makes nothing new. The zip is read again
 * and refused if it no longer has the planned hash.
 */
final class LambdaCreator implements ResourceKind.Creator {
    private final AwsClients aws;

    LambdaCreator(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public Outcome create(Intent intent, String owner, Fence fence) {
        var d = intent.desired();
        String name = d.cloudId();
        for (var e : d.attributes().entrySet()) {
            if (Reference.unresolved(e.getValue())) {
                return new Outcome.Failed(e.getKey() + " still names " + String.join(", ", Reference.in(e.getValue()))
                        + ", which has no cloud id yet; the function was not created", null);
            }
        }
        String code = d.attribute("code");
        FunctionCode.Builder fc = FunctionCode.builder();
        if (LambdaFields.s3(code)) {
            fc.s3Bucket(LambdaFields.s3Bucket(code)).s3Key(LambdaFields.s3Key(code));
        } else {
            try {
                fc.zipFile(SdkBytes.fromByteArrayUnsafe(LambdaFields.zipBytes(code)));
            } catch (IllegalStateException e) {
                return new Outcome.Failed(e.getMessage(), null);
            }
        }
        String roleArn = Roles.arn(aws, d.attribute("role"));
        CreateFunctionRequest.Builder req = CreateFunctionRequest.builder().functionName(name)
                .packageType(PackageType.ZIP).runtime(d.attribute("runtime")).handler(d.attribute("handler"))
                .role(roleArn).code(fc.build()).tags(d.allTags(owner));
        if (d.attribute("memory") != null) {
            req.memorySize(Integer.valueOf(d.attribute("memory")));
        }
        if (d.attribute("timeout") != null) {
            req.timeout(Integer.valueOf(d.attribute("timeout")));
        }
        if (d.attribute("environment") != null) {
            req.environment(Environment.builder().variables(LambdaFields.variables(d.attribute("environment"))).build());
        }
        CreateFunctionRequest request = req.build();
        var lambda = LambdaKind.lambda(aws, intent.region());
        var r = Roles.whileSettling(fence, Roles.SLEEP, () -> lambda.createFunction(request));
        if (!name.equals(r.functionName())) {
            throw SdkClientException.create("AWS answered CreateFunction without the function " + name);
        }
        return new Outcome.Executed(name, AwsErrors.requestId(r), "created function " + name);
    }
}

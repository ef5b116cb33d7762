package ovi.aws.lambda;

import ovi.aws.AwsClients;
import ovi.aws.AwsErrors;
import ovi.engine.Fence;
import ovi.engine.ResourceKind;
import ovi.model.Intent;
import ovi.model.Outcome;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** DeleteFunction (every version with it); a function already gone is done. */
final class LambdaDeleter implements ResourceKind.Deleter {
    private final AwsClients aws;

    LambdaDeleter(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public Outcome delete(Intent intent, String owner, Fence fence) {
        String name = intent.cloudId();
        try {
            fence.check();
            var r = LambdaKind.lambda(aws, intent.region()).deleteFunction(b -> b.functionName(name));
            return new Outcome.Executed(name, AwsErrors.requestId(r), "deleted function " + name);
        } catch (AwsServiceException e) {
            if (LambdaFunctions.gone(e)) {
                return new Outcome.Executed(name, null, "function " + name + " was already gone");
            }
            throw e;
        }
    }
}

package ovi.aws.ec2;

import ovi.aws.AwsClients;
import ovi.aws.AwsErrors;
import ovi.engine.ResourceKind;
import ovi.engine.Fence;
import ovi.model.Intent;
import ovi.model.Outcome;

/** TerminateInstances. */
final class Ec2Deleter implements ResourceKind.Deleter {
    private final AwsClients aws;

    Ec2Deleter(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public Outcome delete(Intent intent, String owner, Fence fence) {
        fence.check();
        var r = Ec2Kind.ec2(aws, intent.region()).terminateInstances(b -> b.instanceIds(intent.cloudId()));
        return new Outcome.Executed(intent.cloudId(), AwsErrors.requestId(r), "terminated " + intent.cloudId());
    }
}

package ovi.aws.ec2;

import ovi.aws.AwsActionExecutor;
import ovi.aws.AwsClients;
import ovi.aws.Capabilities;
import ovi.engine.Fence;
import ovi.model.Intent;
import ovi.model.Outcome;

/** TerminateInstances. */
public final class Ec2Deleter implements Capabilities.Deleter {
    private final AwsClients aws;

    public Ec2Deleter(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public Outcome delete(Intent intent, String owner, Fence fence) {
        fence.check();
        var r = aws.ec2(intent.region()).terminateInstances(b -> b.instanceIds(intent.cloudId()));
        return new Outcome.Executed(intent.cloudId(), AwsActionExecutor.requestId(r), "terminated " + intent.cloudId());
    }
}

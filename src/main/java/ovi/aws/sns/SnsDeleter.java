package ovi.aws.sns;

import ovi.aws.AwsClients;
import ovi.aws.AwsErrors;
import ovi.engine.Fence;
import ovi.engine.ResourceKind;
import ovi.model.Intent;
import ovi.model.Outcome;
import software.amazon.awssdk.services.sns.SnsClient;

/** DeleteTopic (its subscriptions go with it); a topic already gone is done. */
final class SnsDeleter implements ResourceKind.Deleter {
    private final AwsClients aws;

    SnsDeleter(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public Outcome delete(Intent intent, String owner, Fence fence) {
        String name = intent.cloudId();
        SnsClient sns = SnsKind.sns(aws, intent.region());
        var arn = SnsTopics.arn(sns, name);
        if (arn.isEmpty()) {
            return new Outcome.Executed(name, null, "topic " + name + " was already gone");
        }
        fence.check();
        var r = sns.deleteTopic(b -> b.topicArn(arn.get()));
        return new Outcome.Executed(name, AwsErrors.requestId(r), "deleted topic " + name);
    }
}

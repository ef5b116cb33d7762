package ovi.aws.sqs;

import ovi.aws.AwsClients;
import ovi.aws.AwsErrors;
import ovi.engine.Fence;
import ovi.engine.ResourceKind;
import ovi.model.Intent;
import ovi.model.Outcome;
import software.amazon.awssdk.services.sqs.SqsClient;

/** DeleteQueue; a queue already gone is done. */
final class SqsDeleter implements ResourceKind.Deleter {
    private final AwsClients aws;

    SqsDeleter(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public Outcome delete(Intent intent, String owner, Fence fence) {
        String name = intent.cloudId();
        SqsClient sqs = SqsKind.sqs(aws, intent.region());
        var url = SqsQueues.url(sqs, name);
        if (url.isEmpty()) {
            return new Outcome.Executed(name, null, "queue " + name + " was already gone");
        }
        fence.check();
        var r = sqs.deleteQueue(b -> b.queueUrl(url.get()));
        return new Outcome.Executed(name, AwsErrors.requestId(r), "deleted queue " + name);
    }
}

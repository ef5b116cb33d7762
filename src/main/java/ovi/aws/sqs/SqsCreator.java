package ovi.aws.sqs;

import java.util.HashMap;
import java.util.Map;
import ovi.aws.AwsClients;
import ovi.aws.AwsErrors;
import ovi.engine.Fence;
import ovi.engine.ResourceKind;
import ovi.model.Intent;
import ovi.model.Outcome;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * CreateQueue with the declared settings and every tag in one call: there is no moment at which the queue
 * exists untagged. SQS answers a create of an existing name with the same settings with that queue.
 */
final class SqsCreator implements ResourceKind.Creator {
    private final AwsClients aws;

    SqsCreator(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public Outcome create(Intent intent, String owner, Fence fence) {
        var d = intent.desired();
        String name = d.cloudId();
        SqsClient sqs = SqsKind.sqs(aws, intent.region());
        Map<String, String> fields = new HashMap<>(d.attributes());
        fields.remove("queue");
        fields.remove("fifo");
        Map<QueueAttributeName, String> settings;
        try {
            settings = new HashMap<>(SqsKind.attributes(fields, target -> SqsQueues.arn(sqs, target)));
        } catch (IllegalArgumentException e) {
            return new Outcome.Failed("queue " + name + " not created: " + e.getMessage(), null);
        }
        if ("true".equals(d.attribute("fifo"))) {
            settings.put(QueueAttributeName.FIFO_QUEUE, "true");
        }
        fence.check();
        var r = sqs.createQueue(b -> b.queueName(name).attributes(settings)
                .tags(d.allTags(owner)));
        if (r.queueUrl() == null || !name.equals(SqsQueues.name(r.queueUrl()))) {
            throw SdkClientException.create("AWS answered CreateQueue without the queue " + name);
        }
        return new Outcome.Executed(name, AwsErrors.requestId(r), "created queue " + name);
    }
}

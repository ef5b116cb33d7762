package ovi.aws.sqs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import ovi.aws.AwsClients;
import ovi.aws.AwsErrors;
import ovi.engine.Fence;
import ovi.engine.ResourceKind;
import ovi.model.Change;
import ovi.model.Field;
import ovi.model.Intent;
import ovi.model.Outcome;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** SetQueueAttributes for the settings that changed, TagQueue for the tags; both set, so a repeat is harmless. */
final class SqsUpdater implements ResourceKind.Updater {
    private final AwsClients aws;

    SqsUpdater(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public Outcome update(Intent intent, String owner, Fence fence, Map<String, String> before) {
        String name = intent.cloudId();
        SqsClient sqs = SqsKind.sqs(aws, intent.region());
        String url = SqsQueues.url(sqs, name).orElseThrow(() -> SdkClientException.create("the queue " + name
                + " is gone"));
        List<String> done = new ArrayList<>();
        String requestId = null;
        Map<QueueAttributeName, String> settings = new HashMap<>();
        Map<String, String> tags = new TreeMap<>();
        for (Change c : intent.changes()) {
            if (c.field().startsWith("tags.")) {
                tags.put(c.field().substring(5), c.desired());
            } else if (!SqsKind.TYPE.field(c.field()).map(Field::fixed).orElse(true)) {
                try {
                    settings.putAll(SqsKind.attributes(Map.of(c.field(), c.desired()), target -> SqsQueues.arn(sqs, target)));
                } catch (IllegalArgumentException e) {
                    return new Outcome.Failed("queue " + name + " not updated: " + e.getMessage(), null);
                }
                var f = SqsKind.TYPE.field(c.field()).orElseThrow();
                done.add(c.field() + " " + f.show(c.current()) + " -> " + f.show(c.desired()));
            }
        }
        if (!settings.isEmpty()) {
            fence.check();
            requestId = AwsErrors.requestId(sqs.setQueueAttributes(b -> b.queueUrl(url).attributes(settings)));
        }
        if (!tags.isEmpty()) {
            fence.check();
            requestId = AwsErrors.requestId(sqs.tagQueue(b -> b.queueUrl(url).tags(tags)));
            done.add("tags " + String.join(", ", tags.keySet()));
        }
        return new Outcome.Executed(name, requestId, "updated queue " + name + ": " + String.join("; ", done));
    }
}

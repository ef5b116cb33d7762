package ovi.aws.sns;

import java.util.HashMap;
import java.util.Map;
import ovi.aws.AwsClients;
import ovi.aws.AwsErrors;
import ovi.engine.Fence;
import ovi.engine.ResourceKind;
import ovi.model.Intent;
import ovi.model.Outcome;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.Tag;

/** CreateTopic with its display name and every tag in one call: the topic never exists untagged. */
final class SnsCreator implements ResourceKind.Creator {
    private final AwsClients aws;

    SnsCreator(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public Outcome create(Intent intent, String owner, Fence fence) {
        var d = intent.desired();
        String name = d.cloudId();
        Map<String, String> attributes = new HashMap<>();
        if (d.attribute("displayName") != null) {
            attributes.put("DisplayName", d.attribute("displayName"));
        }
        String encryption = d.attribute("encryption");
        if (encryption != null && encryption.startsWith("kms:")) {
            attributes.put("KmsMasterKeyId", encryption.substring(4));
        }
        SnsClient sns = SnsKind.sns(aws, intent.region());
        fence.check();
        var r = sns.createTopic(b -> b.name(name).attributes(attributes)
                .tags(d.allTags(owner).entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue())
                        .build()).toList()));
        if (r.topicArn() == null || !name.equals(SnsTopics.name(r.topicArn()))) {
            throw SdkClientException.create("AWS answered CreateTopic without the topic " + name);
        }
        String requestId = AwsErrors.requestId(r);
        // one call per subscription after the topic: a crash between them leaves a tagged topic whose missing
        // subscriptions the next plan shows as drift
        for (String s : ovi.model.Field.elements(d.attribute("subscriptions"))) {
            fence.check();
            requestId = SnsUpdater.subscribe(sns, r.topicArn(), s);
        }
        return new Outcome.Executed(name, requestId, "created topic " + name);
    }
}

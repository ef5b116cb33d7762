package ovi.aws.sns;

import java.util.HashMap;
import java.util.List;
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

/**
 * CreateTopic with its display name and every tag in one call (the topic never exists untagged), then
 * Subscribe for each declared subscription it does not have yet. CreateTopic of an existing name with the
 * same attributes and tags answers with that topic (SNS refuses one with other tags), and the
 * subscriptions are read from the topic as it stands, so a repeat after a crash between the calls
 * finishes the create without a second topic or a second subscription.
 */
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
        List<String> missing = SnsTopics.toSubscribe(d, SnsTopics.subscriptions(sns, r.topicArn()).keySet());
        int had = ovi.model.Field.elements(d.attribute("subscriptions")).size() - missing.size();
        for (String s : missing) {
            fence.check();
            requestId = SnsUpdater.subscribe(sns, r.topicArn(), s);
        }
        return new Outcome.Executed(name, requestId, had == 0 ? "created topic " + name : "topic " + name
                + " had " + had + " of its subscriptions from a create before this one; subscribed "
                + (missing.isEmpty() ? "nothing more" : String.join(", ", missing)));
    }
}

package ovi.aws.sns;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import ovi.aws.AwsClients;
import ovi.aws.AwsErrors;
import ovi.engine.Fence;
import ovi.engine.ResourceKind;
import ovi.model.Change;
import ovi.model.Intent;
import ovi.model.Outcome;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.Tag;

/** SetTopicAttributes for the display name, TagResource for the tags; both set, so a repeat is harmless. */
final class SnsUpdater implements ResourceKind.Updater {
    private final AwsClients aws;

    SnsUpdater(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public Outcome update(Intent intent, String owner, Fence fence, Map<String, String> before) {
        String name = intent.cloudId();
        SnsClient sns = SnsKind.sns(aws, intent.region());
        String arn = SnsTopics.arn(sns, name).orElseThrow(() -> SdkClientException.create("the topic " + name
                + " is gone"));
        List<String> done = new ArrayList<>();
        String requestId = null;
        List<Tag> tags = new ArrayList<>();
        for (Change c : intent.changes()) {
            if (c.field().startsWith("tags.")) {
                tags.add(Tag.builder().key(c.field().substring(5)).value(c.desired()).build());
            } else if (c.field().equals("displayName")) {
                fence.check();
                requestId = AwsErrors.requestId(sns.setTopicAttributes(b -> b.topicArn(arn).attributeName("DisplayName")
                        .attributeValue(c.desired())));
                done.add("displayName");
            } else if (c.field().equals("encryption")) {
                String key = c.desired().startsWith("kms:") ? c.desired().substring(4) : "";
                fence.check();
                requestId = AwsErrors.requestId(sns.setTopicAttributes(b -> b.topicArn(arn).attributeName("KmsMasterKeyId")
                        .attributeValue(key)));
                done.add("encryption " + c.current() + " -> " + c.desired());
            } else if (c.field().equals("subscriptions") && c.desired() != null) {
                fence.check();
                requestId = subscribe(sns, arn, c.desired());
                done.add("subscribed " + c.desired());
            } else if (c.field().equals("subscriptions")) {
                String subscription = SnsTopics.subscriptions(sns, arn).get(c.current());
                if (subscription == null) {
                    done.add(c.current() + " was already gone");
                    continue;
                }
                if (!subscription.startsWith("arn:")) {
                    return new Outcome.Failed("the subscription " + c.current() + " of topic " + name + " is pending "
                            + "confirmation, and SNS cannot remove it until it is confirmed or lapses (3 days)"
                            + (done.isEmpty() ? "" : "; done before: " + String.join("; ", done)), requestId);
                }
                fence.check();
                requestId = AwsErrors.requestId(sns.unsubscribe(b -> b.subscriptionArn(subscription)));
                done.add("unsubscribed " + c.current());
            }
        }
        if (!tags.isEmpty()) {
            fence.check();
            requestId = AwsErrors.requestId(sns.tagResource(b -> b.resourceArn(arn).tags(tags)));
            done.add("tags " + String.join(", ", tags.stream().map(Tag::key).toList()));
        }
        return new Outcome.Executed(name, requestId, "updated topic " + name + ": " + String.join("; ", done));
    }

    /** Subscribes a canonical {@code <protocol> <endpoint>} to the topic; the request id. */
    static String subscribe(SnsClient sns, String topicArn, String subscription) {
        int sp = subscription.indexOf(' ');
        return AwsErrors.requestId(sns.subscribe(b -> b.topicArn(topicArn).protocol(subscription.substring(0, sp))
                .endpoint(subscription.substring(sp + 1)).returnSubscriptionArn(true)));
    }
}

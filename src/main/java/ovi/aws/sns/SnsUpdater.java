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
            }
        }
        if (!tags.isEmpty()) {
            fence.check();
            requestId = AwsErrors.requestId(sns.tagResource(b -> b.resourceArn(arn).tags(tags)));
            done.add("tags " + String.join(", ", tags.stream().map(Tag::key).toList()));
        }
        return new Outcome.Executed(name, requestId, "updated topic " + name + ": " + String.join("; ", done));
    }
}

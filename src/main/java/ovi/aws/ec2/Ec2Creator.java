package ovi.aws.ec2;

import ovi.aws.AwsClients;
import ovi.aws.AwsErrors;
import ovi.engine.ResourceKind;
import ovi.engine.Fence;
import ovi.model.Intent;
import ovi.model.Outcome;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RunInstancesResponse;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/** RunInstances with the declared image, size and tags, and a ClientToken so a retry makes no second one. */
final class Ec2Creator implements ResourceKind.Creator {
    private final AwsClients aws;

    Ec2Creator(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public Outcome create(Intent intent, String owner, Fence fence) {
        var d = intent.desired();
        fence.check();
        RunInstancesResponse r = Ec2Kind.ec2(aws, intent.region()).runInstances(b -> b
                .imageId(d.attribute("image"))
                .instanceType(d.attribute("size"))
                .minCount(1).maxCount(1)
                .clientToken(intent.clientToken(owner))
                .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.INSTANCE)
                        .tags(Ec2Tags.of(d.allTags(owner))).build()));
        String id = AwsErrors.first(r.instances(), "RunInstances").instanceId();
        if (id == null || id.isBlank()) {
            throw SdkClientException.create("AWS answered RunInstances with an instance that has no id");
        }
        return new Outcome.Executed(id, AwsErrors.requestId(r), "created " + id);
    }
}

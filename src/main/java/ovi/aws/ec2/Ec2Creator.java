package ovi.aws.ec2;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import ovi.aws.AwsClients;
import ovi.aws.AwsErrors;
import ovi.engine.Fence;
import ovi.engine.ResourceKind;
import ovi.model.DesiredResource;
import ovi.model.Field;
import ovi.model.Intent;
import ovi.model.Outcome;
import ovi.model.Reference;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.DeviceType;
import software.amazon.awssdk.services.ec2.model.EbsBlockDevice;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;
import software.amazon.awssdk.services.ec2.model.RunInstancesResponse;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * RunInstances with the declared image, size, subnet, security groups, key pair, instance profile, user data,
 * root volume, monitoring and tags, and a ClientToken so a retry makes no second one.
 */
final class Ec2Creator implements ResourceKind.Creator {
    private final AwsClients aws;

    Ec2Creator(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public Outcome create(Intent intent, String owner, Fence fence) {
        var d = intent.desired();
        List<String> unresolved = d.attributes().entrySet().stream().filter(e -> Reference.unresolved(e.getValue()))
                .map(e -> e.getKey() + " " + Reference.show(e.getValue())).sorted().toList();
        if (!unresolved.isEmpty()) {
            return new Outcome.Failed("cannot launch " + d.id() + ": " + String.join("; ", unresolved)
                    + " still names a resource that has no cloud id", null);
        }
        Ec2Client ec2 = Ec2Kind.ec2(aws, intent.region());
        RunInstancesRequest.Builder run = RunInstancesRequest.builder()
                .imageId(d.attribute("image"))
                .instanceType(d.attribute("size"))
                .minCount(1).maxCount(1)
                .clientToken(intent.clientToken(owner))
                .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.INSTANCE)
                        .tags(Ec2Tags.of(d.allTags(owner))).build());
        if (d.attribute("subnet") != null) {
            run.subnetId(d.attribute("subnet"));
        }
        if (d.attribute("securityGroups") != null) {
            run.securityGroupIds(Field.elements(d.attribute("securityGroups")));
        }
        if (d.attribute("keyName") != null) {
            run.keyName(d.attribute("keyName"));
        }
        String profile = d.attribute("iamInstanceProfile");
        if (profile != null && !profile.isEmpty()) {
            run.iamInstanceProfile(p -> p.name(profile));
        }
        if (d.attribute("userData") != null) {
            run.userData(Base64.getEncoder().encodeToString(d.attribute("userData").getBytes(StandardCharsets.UTF_8)));
        }
        if (d.attribute("monitoring") != null) {
            run.monitoring(m -> m.enabled(Boolean.parseBoolean(d.attribute("monitoring"))));
        }
        if (d.attribute("rootVolume") != null) {
            BlockDeviceMapping root;
            try {
                root = rootVolume(ec2, d);
            } catch (IllegalArgumentException e) {
                return new Outcome.Failed("cannot launch " + d.id() + ": " + e.getMessage(), null);
            }
            run.blockDeviceMappings(root);
        }
        fence.check();
        RunInstancesResponse r = ec2.runInstances(run.build());
        String id = AwsErrors.first(r.instances(), "RunInstances").instanceId();
        if (id == null || id.isBlank()) {
            throw SdkClientException.create("AWS answered RunInstances with an instance that has no id");
        }
        return new Outcome.Executed(id, AwsErrors.requestId(r), "created " + id);
    }

    /**
     * The declared root volume as a mapping on the image's root device (DescribeImages names it: /dev/xvda on
     * one image, /dev/sda1 on another). A size left out is the image's own, given explicitly (RunInstances
     * takes the image's snapshot for the root device either way); the volume is deleted with the instance, as
     * ovi deletes instances by terminating them and a volume left behind would cost on, unseen.
     *
     * @throws IllegalArgumentException when the image cannot take it: no EBS root, or a root larger than the size
     */
    private static BlockDeviceMapping rootVolume(Ec2Client ec2, DesiredResource d) {
        String imageId = d.attribute("image");
        Image image = AwsErrors.first(ec2.describeImages(b -> b.imageIds(imageId)).images(), "DescribeImages " + imageId);
        if (image.rootDeviceType() != DeviceType.EBS || image.rootDeviceName() == null) {
            throw new IllegalArgumentException("rootVolume needs an image whose root device is an EBS volume; " + imageId
                    + "'s is " + (image.rootDeviceType() == null ? "not given" : image.rootDeviceTypeAsString()));
        }
        Integer imageSize = image.blockDeviceMappings().stream()
                .filter(m -> image.rootDeviceName().equals(m.deviceName()) && m.ebs() != null)
                .map(m -> m.ebs().volumeSize()).filter(java.util.Objects::nonNull).findFirst().orElse(null);
        Map<String, String> want = Ec2Fields.rootVolumeParts(d.attribute("rootVolume"));
        EbsBlockDevice.Builder ebs = EbsBlockDevice.builder().deleteOnTermination(true)
                .encrypted(Boolean.parseBoolean(want.get("encrypted")));
        if (want.containsKey("size")) {
            int size = Integer.parseInt(want.get("size"));
            if (imageSize != null && size < imageSize) {
                throw new IllegalArgumentException("rootVolume size " + size + " GiB is smaller than " + imageId
                        + "'s root snapshot of " + imageSize + " GiB");
            }
            ebs.volumeSize(size);
        } else if (imageSize != null) {
            ebs.volumeSize(imageSize);
        }
        if (want.containsKey("type")) {
            ebs.volumeType(want.get("type"));
        }
        if (want.containsKey("iops")) {
            ebs.iops(Integer.parseInt(want.get("iops")));
        }
        return BlockDeviceMapping.builder().deviceName(image.rootDeviceName()).ebs(ebs.build()).build();
    }
}

package ovi.aws.s3;

import java.util.Map;
import java.util.TreeMap;
import ovi.aws.AwsClients;
import ovi.aws.AwsErrors;
import ovi.engine.ResourceKind;
import ovi.aws.Observations;
import ovi.engine.Fence;
import ovi.model.Intent;
import ovi.model.Outcome;
import software.amazon.awssdk.services.s3.S3Client;

/** PutBucketTagging replaces the whole set: the bucket's other tags are read first and kept. */
final class S3Updater implements ResourceKind.Updater {
    private final AwsClients aws;

    S3Updater(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public Outcome update(Intent intent, String owner, Fence fence, Map<String, String> before) {
        String bucket = intent.cloudId();
        S3Client s3 = S3Kind.s3(aws);
        Map<String, String> tags = new TreeMap<>(S3Buckets.bucketTags(s3, bucket));
        intent.changes().stream().filter(c -> c.field().startsWith("tags."))
                .forEach(c -> tags.put(c.field().substring(5), c.desired()));
        fence.check();
        String requestId = S3Creator.putTags(s3, bucket, tags);
        return new Outcome.Executed(bucket, requestId, "tagged bucket " + bucket);
    }
}

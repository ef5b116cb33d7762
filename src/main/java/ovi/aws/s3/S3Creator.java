package ovi.aws.s3;

import java.util.Map;
import ovi.aws.AwsClients;
import ovi.aws.AwsErrors;
import ovi.engine.ResourceKind;
import ovi.aws.Observations;
import ovi.engine.Fence;
import ovi.model.Intent;
import ovi.model.Outcome;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Tag;

/** CreateBucket in the declared region, then PutBucketTagging; a bucket we already own is only tagged. */
final class S3Creator implements ResourceKind.Creator {
    private final AwsClients aws;

    S3Creator(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public Outcome create(Intent intent, String owner, Fence fence) {
        String bucket = intent.desired().attribute("bucket");
        S3Client s3 = S3Kind.s3(aws);
        String requestId = null;
        fence.check();
        try {
            requestId = AwsErrors.requestId(s3.createBucket(b -> {
                b.bucket(bucket);
                if (!"us-east-1".equals(intent.region())) {
                    b.createBucketConfiguration(c -> c.locationConstraint(intent.region()));
                }
            }));
        } catch (AwsServiceException e) {
            if (!Observations.errorCode(e, "BucketAlreadyOwnedByYou")) {
                throw e;
            }
        }
        fence.check();
        requestId = putTags(s3, bucket, intent.desired().allTags(owner));
        return new Outcome.Executed(bucket, requestId, "created bucket " + bucket);
    }

    static String putTags(S3Client s3, String bucket, Map<String, String> tags) {
        return AwsErrors.requestId(s3.putBucketTagging(b -> b.bucket(bucket).tagging(t -> t.tagSet(
                tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
                        .toList()))));
    }
}

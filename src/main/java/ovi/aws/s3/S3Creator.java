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

/**
 * CreateBucket in the declared region, then each declared setting, then PutBucketTagging, last: a bucket
 * carries ovi's tags only once it is as declared. Killed before the tags, the bucket is not yet ovi's,
 * and crash recovery, finding it without them, carries the whole create out again (a bucket we already own
 * is not made twice; each setting is put again); killed before anything, nothing was made. Either way no
 * bucket tagged as ovi's is left open or unencrypted by a crash.
 */
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
        for (String setting : S3Updater.SETTINGS) {
            String value = intent.desired().attribute(setting);
            if (value != null && !newBucketHas(setting, value)) {
                requestId = S3Updater.put(s3, bucket, setting, value, fence);
            }
        }
        fence.check();
        requestId = putTags(s3, bucket, intent.desired().allTags(owner));
        return new Outcome.Executed(bucket, requestId, "created bucket " + bucket);
    }

    /**
     * A new bucket is never versioned and has no lifecycle: {@code versioning: false} and
     * {@code lifecycle: []} need no call (and Suspended would mark a bucket that never had versioning).
     */
    private static boolean newBucketHas(String setting, String value) {
        return (setting.equals(S3Settings.VERSIONING) && value.equals("false"))
                || (setting.equals(S3Settings.LIFECYCLE) && value.equals(S3Settings.NO_RULES));
    }

    static String putTags(S3Client s3, String bucket, Map<String, String> tags) {
        return AwsErrors.requestId(s3.putBucketTagging(b -> b.bucket(bucket).tagging(t -> t.tagSet(
                tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
                        .toList()))));
    }
}

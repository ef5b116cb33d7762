package ovi.aws.s3;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import ovi.aws.AwsClients;
import ovi.aws.AwsErrors;
import ovi.engine.Fence;
import ovi.engine.ResourceKind;
import ovi.model.Change;
import ovi.model.Intent;
import ovi.model.Outcome;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Puts each changed setting (PutBucketVersioning, PutBucketEncryption, PutPublicAccessBlock,
 * PutBucketLifecycleConfiguration or, for {@code lifecycle: []}, DeleteBucketLifecycle), then the tags.
 * Each call sets the declared value whatever the bucket holds, so an update cut off by a crash is carried
 * out again from where the bucket stands. PutBucketTagging replaces the whole set: the bucket's other tags
 * are read first and kept.
 */
final class S3Updater implements ResourceKind.Updater {
    /** The settings in the order they are put. */
    static final List<String> SETTINGS = List.of(S3Settings.ENCRYPTION, S3Settings.PUBLIC_ACCESS_BLOCK,
            S3Settings.VERSIONING, S3Settings.LIFECYCLE);

    private final AwsClients aws;

    S3Updater(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public Outcome update(Intent intent, String owner, Fence fence, Map<String, String> before) {
        String bucket = intent.cloudId();
        S3Client s3 = S3Kind.s3(aws);
        String requestId = null;
        List<String> done = new ArrayList<>();
        for (String setting : SETTINGS) {
            Change c = intent.changes().stream().filter(x -> x.field().equals(setting)).findFirst().orElse(null);
            if (c != null && c.desired() != null) {
                requestId = put(s3, bucket, setting, c.desired(), fence);
                done.add(setting);
            }
        }
        List<Change> tagChanges = intent.changes().stream().filter(c -> c.field().startsWith("tags.")).toList();
        if (!tagChanges.isEmpty()) {
            Map<String, String> tags = new TreeMap<>(S3Buckets.bucketTags(s3, bucket));
            tagChanges.forEach(c -> tags.put(c.field().substring(5), c.desired()));
            fence.check();
            requestId = S3Creator.putTags(s3, bucket, tags);
            done.add("tags " + String.join(", ", tagChanges.stream().map(c -> c.field().substring(5)).toList()));
        }
        return new Outcome.Executed(bucket, requestId, done.isEmpty() ? "bucket " + bucket + " needed nothing"
                : "updated bucket " + bucket + ": " + String.join("; ", done));
    }

    /** Sets one setting to its declared canonical value; returns the request id. */
    static String put(S3Client s3, String bucket, String setting, String desired, Fence fence) {
        fence.check();
        return AwsErrors.requestId(switch (setting) {
            case S3Settings.VERSIONING -> s3.putBucketVersioning(b -> b.bucket(bucket)
                    .versioningConfiguration(v -> v.status(S3Settings.versioningStatus(desired))));
            case S3Settings.ENCRYPTION -> s3.putBucketEncryption(b -> b.bucket(bucket)
                    .serverSideEncryptionConfiguration(S3Settings.encryptionConfiguration(desired)));
            case S3Settings.PUBLIC_ACCESS_BLOCK -> s3.putPublicAccessBlock(b -> b.bucket(bucket)
                    .publicAccessBlockConfiguration(S3Settings.publicAccessBlockConfiguration(desired)));
            case S3Settings.LIFECYCLE -> desired.equals(S3Settings.NO_RULES)
                    ? s3.deleteBucketLifecycle(b -> b.bucket(bucket))
                    : s3.putBucketLifecycleConfiguration(b -> b.bucket(bucket)
                            .lifecycleConfiguration(l -> l.rules(S3Settings.lifecycleRules(desired))));
            default -> throw new IllegalArgumentException("not a bucket setting: " + setting);
        });
    }
}

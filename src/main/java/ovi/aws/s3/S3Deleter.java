package ovi.aws.s3;

import ovi.aws.AwsClients;
import ovi.aws.AwsErrors;
import ovi.engine.ResourceKind;
import ovi.aws.Observations;
import ovi.engine.Fence;
import ovi.model.Intent;
import ovi.model.Outcome;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.s3.S3Client;

/** DeleteBucket, only of an empty bucket: ovi never deletes objects; a non-empty bucket is reported. */
final class S3Deleter implements ResourceKind.Deleter {
    private final AwsClients aws;

    S3Deleter(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public Outcome delete(Intent intent, String owner, Fence fence) {
        String bucket = intent.cloudId();
        S3Client s3 = S3Kind.s3(aws);
        // versions and delete markers count: a versioned bucket with only markers cannot be deleted either
        var versions = s3.listObjectVersions(b -> b.bucket(bucket).maxKeys(1));
        if (!versions.versions().isEmpty() || !versions.deleteMarkers().isEmpty()) {
            return notEmpty(bucket);
        }
        fence.check();
        try {
            var r = s3.deleteBucket(b -> b.bucket(bucket));
            return new Outcome.Executed(bucket, AwsErrors.requestId(r), "deleted bucket " + bucket);
        } catch (AwsServiceException e) {
            if (Observations.errorCode(e, "BucketNotEmpty")) {
                return notEmpty(bucket);
            }
            throw e;
        }
    }

    private static Outcome notEmpty(String bucket) {
        return new Outcome.Skipped(Outcome.SkipReason.NOT_EMPTY, "bucket " + bucket
                + " is not empty; ovi never deletes objects: empty it by hand to have it deleted");
    }
}

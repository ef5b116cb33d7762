package ovi.aws.s3;

import java.util.List;
import java.util.Map;
import ovi.aws.AwsClients;
import ovi.aws.Capabilities;
import ovi.aws.Observations;
import ovi.engine.ResourceLookup;
import ovi.model.Observation;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.s3.S3Client;

/** A bucket by name (HeadBucket), with its region and tags; one owned by another account has no tags to us. */
public final class S3Finder implements Capabilities.Finder {
    private final AwsClients aws;

    public S3Finder(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public List<Observation> find(ResourceLookup.Target t) {
        String bucket = t.cloudId();
        if (bucket == null) {
            throw new IllegalArgumentException("a bucket is looked up by its name, and none was given for " + t.oviId());
        }
        S3Client s3 = aws.s3();
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (AwsServiceException e) {
            if (e.statusCode() == 404) {
                return List.of();
            }
            if (e.statusCode() == 403) {
                // it exists, but is not ours to look into
                return List.of(Observations.s3(t.region(), bucket, Map.of()));
            }
            throw e;
        }
        return List.of(Observations.s3(Observations.bucketRegion(s3, bucket), bucket,
                Observations.bucketTags(s3, bucket)));
    }
}

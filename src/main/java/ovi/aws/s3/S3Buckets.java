package ovi.aws.s3;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import ovi.aws.AwsClients;
import ovi.aws.Observations;
import ovi.engine.AbstractResourceKind;
import ovi.engine.ResourceLookup;
import ovi.model.Observation;
import ovi.model.Tags;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.PublicAccessBlockConfiguration;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionConfiguration;

/**
 * S3 buckets through one run's clients. Tags come one call per bucket, and for the buckets ovi manages the
 * four settings one call each (GetBucketVersioning, GetBucketEncryption, GetPublicAccessBlock,
 * GetBucketLifecycleConfiguration): S3 has no other way to give them.
 */
final class S3Buckets extends AbstractResourceKind {
    private final AwsClients aws;

    S3Buckets(AwsClients aws) {
        super(S3Kind.TYPE, new S3Creator(aws), new S3Updater(aws), new S3Deleter(aws));
        this.aws = aws;
    }

    @Override
    public List<Observation> list(String region) {
        S3Client s3 = S3Kind.s3(aws);
        List<Observation> out = new ArrayList<>();
        for (var page : s3.listBucketsPaginator(r -> r.maxBuckets(1000))) {
            for (Bucket b : page.buckets()) {
                String bucketRegion = b.bucketRegion();
                if (bucketRegion == null || bucketRegion.isEmpty()) {
                    bucketRegion = bucketRegion(s3, b.name());
                }
                out.add(observation(s3, bucketRegion, b.name(), bucketTags(s3, b.name())));
            }
            aws.listed(type(), region, out.size());
        }
        return out;
    }

    /** A bucket by name (HeadBucket), with its region and tags; one owned by another account has no tags to us. */
    @Override
    public List<Observation> find(ResourceLookup.Target t) {
        String bucket = t.cloudId();
        if (bucket == null) {
            throw new IllegalArgumentException("a bucket is looked up by its name, and none was given for " + t.oviId());
        }
        S3Client s3 = S3Kind.s3(aws);
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (AwsServiceException e) {
            if (e.statusCode() == 404) {
                return List.of();
            }
            if (e.statusCode() == 403) {
                // it exists, but is not ours to look into
                return List.of(observation(t.region(), bucket, Map.of()));
            }
            throw e;
        }
        return List.of(observation(s3, bucketRegion(s3, bucket), bucket, bucketTags(s3, bucket)));
    }

    /** An unmanaged bucket is listed without its settings; {@code ovi import} reads them too. */
    @Override
    public Observation complete(Observation o) {
        if (o.managed()) {
            return o;
        }
        return new Observation(S3Kind.TYPE, o.region(), o.cloudId(), settings(S3Kind.s3(aws), o.cloudId()), o.tags());
    }

    static Observation observation(String region, String bucket, Map<String, String> tags) {
        return new Observation(S3Kind.TYPE, region, bucket, Map.of(), tags);
    }

    /**
     * A bucket with its settings when ovi manages it: only those are ever compared or changed, so the
     * others are spared four calls each.
     */
    static Observation observation(S3Client s3, String region, String bucket, Map<String, String> tags) {
        if (!"true".equals(tags.get(Tags.MANAGED))) {
            return observation(region, bucket, tags);
        }
        return new Observation(S3Kind.TYPE, region, bucket, settings(s3, bucket), tags);
    }

    /**
     * The four settings as canonical text. A setting S3 says is not configured reads as its absence means
     * (no encryption, no public access block, no lifecycle rules); any other error is thrown, so the
     * bucket is never believed open or unencrypted on the strength of a failed read.
     */
    static Map<String, String> settings(S3Client s3, String bucket) {
        Map<String, String> attrs = new HashMap<>();
        attrs.put(S3Settings.VERSIONING, S3Settings.versioning(s3.getBucketVersioning(r -> r.bucket(bucket)).status()));
        ServerSideEncryptionConfiguration encryption;
        try {
            encryption = s3.getBucketEncryption(r -> r.bucket(bucket)).serverSideEncryptionConfiguration();
        } catch (AwsServiceException e) {
            if (!Observations.errorCode(e, "ServerSideEncryptionConfigurationNotFoundError")) {
                throw e;
            }
            encryption = null;
        }
        attrs.put(S3Settings.ENCRYPTION, S3Settings.encryption(encryption));
        PublicAccessBlockConfiguration block;
        try {
            block = s3.getPublicAccessBlock(r -> r.bucket(bucket)).publicAccessBlockConfiguration();
        } catch (AwsServiceException e) {
            if (!Observations.errorCode(e, "NoSuchPublicAccessBlockConfiguration")) {
                throw e;
            }
            block = null;
        }
        attrs.put(S3Settings.PUBLIC_ACCESS_BLOCK, S3Settings.publicAccessBlock(block));
        List<LifecycleRule> rules;
        try {
            rules = s3.getBucketLifecycleConfiguration(r -> r.bucket(bucket)).rules();
        } catch (AwsServiceException e) {
            if (!Observations.errorCode(e, "NoSuchLifecycleConfiguration")) {
                throw e;
            }
            rules = List.of();
        }
        attrs.put(S3Settings.LIFECYCLE, S3Settings.lifecycle(rules));
        return attrs;
    }

    /** A bucket's region; GetBucketLocation answers null or "" for us-east-1, by an old convention. */
    static String bucketRegion(S3Client s3, String bucket) {
        String loc = s3.getBucketLocation(r -> r.bucket(bucket)).locationConstraintAsString();
        return loc == null || loc.isEmpty() ? "us-east-1" : loc;
    }

    static Map<String, String> bucketTags(S3Client s3, String bucket) {
        try {
            Map<String, String> tags = new HashMap<>();
            s3.getBucketTagging(r -> r.bucket(bucket)).tagSet().forEach(t -> tags.put(t.key(), t.value()));
            return tags;
        } catch (AwsServiceException e) {
            if (Observations.errorCode(e, "NoSuchTagSet")) {
                return Map.of();
            }
            throw e;
        }
    }
}

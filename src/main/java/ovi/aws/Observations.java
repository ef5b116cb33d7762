package ovi.aws;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import ovi.model.Observation;
import ovi.model.ResourceType;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * SDK resources as observations. The observer and the look-up before each action both go through here,
 * so a resource that did not change has the same content hash in both.
 */
public final class Observations {
    /** Instances in these states exist; terminated and shutting-down ones are on their way out. */
    public static final List<String> LIVE_EC2_STATES = List.of("pending", "running", "stopping", "stopped");

    private Observations() {
    }

    public static Observation ec2(String region, Instance i) {
        Map<String, String> tags = new HashMap<>();
        i.tags().forEach(t -> tags.put(t.key(), t.value()));
        Map<String, String> attrs = new HashMap<>();
        attrs.put("size", i.instanceTypeAsString());
        putIfPresent(attrs, "image", i.imageId());
        if (i.state() != null) {
            putIfPresent(attrs, "state", i.state().nameAsString());
        }
        return new Observation(ResourceType.EC2, region, i.instanceId(), attrs, tags);
    }

    public static boolean live(Instance i) {
        return i.state() != null && LIVE_EC2_STATES.contains(i.state().nameAsString());
    }

    /** A DB instance being deleted is on its way out: not observed. */
    public static boolean live(DBInstance db) {
        return !"deleting".equals(db.dbInstanceStatus());
    }

    public static Observation rds(String region, DBInstance db) {
        Map<String, String> tags = new HashMap<>();
        db.tagList().forEach(t -> tags.put(t.key(), t.value()));
        Map<String, String> attrs = new HashMap<>();
        putIfPresent(attrs, "size", db.dbInstanceClass());
        putIfPresent(attrs, "engine", db.engine());
        if (db.allocatedStorage() != null) {
            attrs.put("storage", db.allocatedStorage().toString());
        }
        putIfPresent(attrs, "state", db.dbInstanceStatus());
        return new Observation(ResourceType.RDS, region, db.dbInstanceIdentifier(), attrs, tags);
    }

    public static Observation s3(String region, String bucket, Map<String, String> tags) {
        return new Observation(ResourceType.S3, region, bucket, Map.of(), tags);
    }

    /** A bucket's region; GetBucketLocation answers null or "" for us-east-1, by an old convention. */
    public static String bucketRegion(S3Client s3, String bucket) {
        String loc = s3.getBucketLocation(r -> r.bucket(bucket)).locationConstraintAsString();
        return loc == null || loc.isEmpty() ? "us-east-1" : loc;
    }

    public static Map<String, String> bucketTags(S3Client s3, String bucket) {
        try {
            Map<String, String> tags = new HashMap<>();
            s3.getBucketTagging(r -> r.bucket(bucket)).tagSet().forEach(t -> tags.put(t.key(), t.value()));
            return tags;
        } catch (AwsServiceException e) {
            if (errorCode(e, "NoSuchTagSet")) {
                return Map.of();
            }
            throw e;
        }
    }

    public static boolean errorCode(AwsServiceException e, String... codes) {
        String code = e.awsErrorDetails() != null ? e.awsErrorDetails().errorCode() : null;
        for (String c : codes) {
            if (c.equals(code)) {
                return true;
            }
        }
        return false;
    }

    private static void putIfPresent(Map<String, String> m, String k, String v) {
        if (v != null) {
            m.put(k, v);
        }
    }
}

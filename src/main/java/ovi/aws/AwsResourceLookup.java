package ovi.aws;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import ovi.engine.ResourceLookup;
import ovi.model.Observation;
import ovi.model.ResourceType;
import ovi.model.Tags;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/**
 * Looks one resource up by id or by ovi's tags, for crash recovery: EC2 with DescribeInstances (by
 * instance id, else by the {@code ovi:id} and {@code ovi:owner} tags and the create's client token), RDS
 * with DescribeDBInstances, S3 with HeadBucket and GetBucketTagging.
 */
public final class AwsResourceLookup implements ResourceLookup {
    private final AwsClients aws;

    public AwsResourceLookup(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public Optional<Observation> find(Target t) {
        return switch (t.type()) {
            case EC2 -> ec2(t);
            case RDS -> rds(t);
            case S3 -> s3(t);
        };
    }

    private Optional<Observation> ec2(Target t) {
        List<Filter> filters = new ArrayList<>();
        filters.add(Filter.builder().name("instance-state-name").values(AwsResourceObserver.LIVE_EC2_STATES).build());
        if (t.cloudId() == null) {
            if (t.oviId() == null || t.owner() == null) {
                throw new IllegalArgumentException("an instance without an id needs its ovi:id and ovi:owner to be found");
            }
            filters.add(Filter.builder().name("tag:" + Tags.ID).values(t.oviId()).build());
            filters.add(Filter.builder().name("tag:" + Tags.OWNER).values(t.owner()).build());
        }
        try {
            for (var page : aws.ec2(t.region()).describeInstancesPaginator(r -> {
                r.filters(filters);
                if (t.cloudId() != null) {
                    r.instanceIds(t.cloudId());
                } else {
                    r.maxResults(1000);
                }
            })) {
                for (var res : page.reservations()) {
                    for (Instance i : res.instances()) {
                        // the token is compared here rather than with the client-token filter, which not every
                        // EC2-compatible endpoint implements; the tag filters have narrowed the list already
                        if (t.cloudId() == null && t.clientToken() != null && !t.clientToken().equals(i.clientToken())) {
                            continue;
                        }
                        return Optional.of(ec2(t.region(), i));
                    }
                }
            }
        } catch (AwsServiceException e) {
            if (code(e).startsWith("InvalidInstanceID")) {
                return Optional.empty();
            }
            throw e;
        }
        return Optional.empty();
    }

    private static Observation ec2(String region, Instance i) {
        Map<String, String> tags = new HashMap<>();
        i.tags().forEach(tag -> tags.put(tag.key(), tag.value()));
        Map<String, String> attrs = new HashMap<>();
        attrs.put("size", i.instanceTypeAsString());
        if (i.imageId() != null) {
            attrs.put("image", i.imageId());
        }
        if (i.state() != null) {
            attrs.put("state", i.state().nameAsString());
        }
        return new Observation(ResourceType.EC2, region, i.instanceId(), attrs, tags);
    }

    private Optional<Observation> rds(Target t) {
        try {
            var pages = t.cloudId() != null
                    ? aws.rds(t.region()).describeDBInstancesPaginator(r -> r.dbInstanceIdentifier(t.cloudId()))
                    : aws.rds(t.region()).describeDBInstancesPaginator(r -> r.maxRecords(100));
            for (var page : pages) {
                for (DBInstance db : page.dbInstances()) {
                    if ("deleting".equals(db.dbInstanceStatus())) {
                        continue;
                    }
                    Map<String, String> tags = new HashMap<>();
                    db.tagList().forEach(tag -> tags.put(tag.key(), tag.value()));
                    if (t.cloudId() == null && !(t.oviId().equals(tags.get(Tags.ID)) && t.owner().equals(tags.get(Tags.OWNER)))) {
                        continue;
                    }
                    Map<String, String> attrs = new HashMap<>();
                    put(attrs, "size", db.dbInstanceClass());
                    put(attrs, "engine", db.engine());
                    if (db.allocatedStorage() != null) {
                        attrs.put("storage", db.allocatedStorage().toString());
                    }
                    put(attrs, "state", db.dbInstanceStatus());
                    return Optional.of(new Observation(ResourceType.RDS, t.region(), db.dbInstanceIdentifier(), attrs, tags));
                }
            }
        } catch (DbInstanceNotFoundException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private Optional<Observation> s3(Target t) {
        if (t.cloudId() == null) {
            throw new IllegalArgumentException("a bucket is looked up by its name, and the entry names none");
        }
        S3Client s3 = aws.s3();
        try {
            s3.headBucket(r -> r.bucket(t.cloudId()));
        } catch (NoSuchBucketException e) {
            return Optional.empty();
        } catch (AwsServiceException e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
        Map<String, String> tags = new HashMap<>();
        try {
            s3.getBucketTagging(r -> r.bucket(t.cloudId())).tagSet().forEach(tag -> tags.put(tag.key(), tag.value()));
        } catch (AwsServiceException e) {
            if (!"NoSuchTagSet".equals(code(e))) {
                throw e;
            }
        }
        String region = t.region() == null || "global".equals(t.region()) ? "us-east-1" : t.region();
        return Optional.of(new Observation(ResourceType.S3, region, t.cloudId(), Map.of(), tags));
    }

    private static String code(AwsServiceException e) {
        return e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null ? e.awsErrorDetails().errorCode() : "";
    }

    private static void put(Map<String, String> m, String k, String v) {
        if (v != null) {
            m.put(k, v);
        }
    }
}

package ovi.aws.s3;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import ovi.aws.AwsClients;
import ovi.aws.AwsKind;
import ovi.aws.ReplyCheck;
import ovi.engine.ResourceKind;
import ovi.model.Action;
import ovi.model.Field;
import ovi.model.ResourceType;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3 buckets: {@code bucket}, the name, which is the cloud id and global. Listed once for the account;
 * only tags drift; only an empty bucket is deleted.
 */
public final class S3Kind implements AwsKind {
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern IP_ADDRESS = Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+");
    // Names AWS keeps for its own kinds of bucket and access point (S3 bucket naming rules).
    private static final List<String> RESERVED_PREFIXES = List.of("xn--", "sthree-", "amzn-s3-demo-");
    private static final List<String> RESERVED_SUFFIXES = List.of("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3");

    public static final ResourceType TYPE = ResourceType.global("s3", "bucket", List.of(
            Field.identity("bucket", S3Kind::bucket)),
            Set.of(Action.CREATE, Action.UPDATE, Action.DELETE));

    /** S3 speaks REST-XML: each reply ovi reads has its own root, and some have no body at all. */
    public static final ReplyCheck.Rules REPLIES = ReplyCheck.Rules.restXml(
            Map.of("ListBuckets", "ListAllMyBucketsResult",
                    "GetBucketTagging", "Tagging",
                    "GetBucketLocation", "LocationConstraint",
                    "ListObjectVersions", "ListVersionsResult",
                    "ListObjectsV2", "ListBucketResult"),
            Set.of("HeadBucket", "CreateBucket", "PutBucketTagging", "DeleteBucket", "DeleteBucketTagging"),
            Map.of("ListBuckets", "<Buckets"));

    @Override
    public ResourceType type() {
        return TYPE;
    }

    @Override
    public ResourceKind bind(AwsClients aws) {
        return new S3Buckets(aws);
    }

    /** One S3 client for the account; it follows buckets into their own regions. */
    static S3Client s3(AwsClients aws) {
        return aws.client("s3", null, S3Client::builder, b -> b
                // an endpoint override (moto, a local gateway) serves every bucket under one host
                .forcePathStyle(aws.endpointOverridden())
                .crossRegionAccessEnabled(true), REPLIES);
    }

    private static String bucket(Field.Value v) {
        String b = Field.matching(BUCKET, "an S3 bucket name: 3 to 63 lower-case letters, digits, '.' or '-', "
                + "starting and ending with a letter or digit").read(v);
        if (b.contains("..") || IP_ADDRESS.matcher(b).matches()) {
            throw new IllegalArgumentException("'" + b + "' is not a valid S3 bucket name: it must not contain '..' "
                    + "or look like an IP address");
        }
        for (String p : RESERVED_PREFIXES) {
            if (b.startsWith(p)) {
                throw new IllegalArgumentException("'" + b + "' is not a valid S3 bucket name: AWS reserves the prefix '"
                        + p + "'");
            }
        }
        for (String s : RESERVED_SUFFIXES) {
            if (b.endsWith(s)) {
                throw new IllegalArgumentException("'" + b + "' is not a valid S3 bucket name: AWS reserves the suffix '"
                        + s + "'");
            }
        }
        return b;
    }
}

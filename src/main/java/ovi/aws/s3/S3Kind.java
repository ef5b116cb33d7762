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
 * S3 buckets: {@code bucket}, the name, which is the cloud id and global; and the settings that keep a
 * bucket private ({@link S3Settings}): {@code versioning} (compared when given), {@code encryption}
 * (default {@code aes256}), {@code publicAccessBlock} (default all four on) and {@code lifecycle}
 * (compared when given). Listed once for the account; only an empty bucket is deleted.
 */
public final class S3Kind implements AwsKind {
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern IP_ADDRESS = Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+");
    // Names AWS keeps for its own kinds of bucket and access point (S3 bucket naming rules).
    private static final List<String> RESERVED_PREFIXES = List.of("xn--", "sthree-", "amzn-s3-demo-");
    private static final List<String> RESERVED_SUFFIXES = List.of("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3");

    // A bucket made without a word about encryption or public access is made encrypted and private: the
    // secure setting is the default, and a bucket opened by hand is drift that apply closes again.
    public static final ResourceType TYPE = ResourceType.global("s3", "bucket", List.of(
            Field.identity("bucket", S3Kind::bucket),
            Field.compared(S3Settings.VERSIONING, Field.bool()).optional(),
            Field.compared(S3Settings.ENCRYPTION, S3Settings.ENCRYPTION_READER)
                    .orElse((owner, id) -> S3Settings.AES256),
            Field.compared(S3Settings.PUBLIC_ACCESS_BLOCK, S3Settings.PUBLIC_ACCESS_BLOCK_READER)
                    .orElse((owner, id) -> S3Settings.ALL_ON),
            Field.compared(S3Settings.LIFECYCLE, S3Settings.LIFECYCLE_READER).optional()),
            Set.of(Action.CREATE, Action.UPDATE, Action.DELETE));

    /**
     * S3 speaks REST-XML: each reply ovi reads has its own root, and some have no body at all. A settings
     * reply of another root (an HTML page, another operation's XML) is an error, never a setting read as
     * absent. moto names GetBucketVersioning's reply {@code GetBucketVersioningResponse}, where AWS says
     * {@code VersioningConfiguration}; both are that operation's document.
     */
    public static final ReplyCheck.Rules REPLIES = ReplyCheck.Rules.restXml(
            Map.of("ListBuckets", "ListAllMyBucketsResult",
                    "GetBucketTagging", "Tagging",
                    "GetBucketLocation", "LocationConstraint",
                    "ListObjectVersions", "ListVersionsResult",
                    "ListObjectsV2", "ListBucketResult",
                    "GetBucketVersioning", "VersioningConfiguration|GetBucketVersioningResponse",
                    "GetBucketEncryption", "ServerSideEncryptionConfiguration",
                    "GetPublicAccessBlock", "PublicAccessBlockConfiguration",
                    "GetBucketLifecycleConfiguration", "LifecycleConfiguration"),
            Set.of("HeadBucket", "CreateBucket", "PutBucketTagging", "DeleteBucket", "DeleteBucketTagging",
                    "PutBucketVersioning", "PutBucketEncryption", "PutPublicAccessBlock",
                    "PutBucketLifecycleConfiguration", "DeleteBucketLifecycle"),
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

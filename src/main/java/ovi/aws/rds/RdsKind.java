package ovi.aws.rds;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import ovi.aws.AwsClients;
import ovi.aws.AwsKind;
import ovi.aws.ReplyCheck;
import ovi.engine.ResourceKind;
import ovi.model.Action;
import ovi.model.Durations;
import ovi.model.Field;
import ovi.model.ResourceType;
import ovi.model.StorageSize;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * RDS DB instances: {@code size} (the instance class), {@code engine} and {@code storage} (whole GiB); where
 * it runs, {@code subnetGroup} (a DB subnet group's name) and {@code securityGroups} (VPC security group ids
 * or names of declared {@code security-group} resources); {@code multiAz}, {@code deletionProtection}
 * (default on), {@code backupRetention} (days, 0 to 35), {@code storageEncrypted} (default on; AWS cannot
 * change it in place, so a difference is reported, never made) and {@code publiclyAccessible} (default off).
 * All compared. Listed per region; created under the identifier {@code <owner>-<id>}, so a repeated create
 * collides instead of making a second instance. AWS refuses to delete an instance whose deletion protection
 * is on, so the plan says how to let such an instance go instead of planning a delete that would fail.
 */
public final class RdsKind implements AwsKind {
    /** A VPC security group id: {@code sg-} and 8 or 17 hex digits. */
    static final Pattern SECURITY_GROUP_ID = Pattern.compile("sg-[0-9a-f]{8}(?:[0-9a-f]{9})?");
    /** AWS's rule for DB subnet group names; it keeps them in lower case. */
    private static final Pattern SUBNET_GROUP = Pattern.compile("[A-Za-z0-9._ -]{1,255}");
    static final int MAX_BACKUP_DAYS = 35;

    public static final ResourceType TYPE = ResourceType.regional("rds", "DB instance", List.of(
            Field.compared("size", RdsKind::instanceClass),
            Field.compared("engine", Field.text()),
            Field.compared("storage", RdsKind::storage),
            Field.compared("subnetGroup", RdsKind::subnetGroup).optional(),
            Field.compared("securityGroups", RdsKind.securityGroups()).optional().refersTo("security-group"),
            Field.compared("multiAz", Field.bool()).optional(),
            // secure by default: a database ovi makes cannot be deleted by one stray call, its storage is
            // encrypted, and it is reachable only from inside its VPC; an explicit value always wins
            Field.compared("deletionProtection", Field.bool()).orElse((owner, id) -> "true"),
            Field.compared("backupRetention", RdsKind.backupRetention()).optional(),
            Field.fixed("storageEncrypted", Field.bool()).orElse((owner, id) -> "true"),
            Field.compared("publiclyAccessible", Field.bool()).orElse((owner, id) -> "false")),
            Set.of(Action.CREATE, Action.UPDATE, Action.DELETE)).deletionProtectedBy("deletionProtection");

    public static final ReplyCheck.Rules REPLIES = ReplyCheck.Rules.query(Map.of("DescribeDBInstances", "<DBInstances"));

    @Override
    public ResourceType type() {
        return TYPE;
    }

    @Override
    public ResourceKind bind(AwsClients aws) {
        return new RdsInstances(aws);
    }

    static RdsClient rds(AwsClients aws, String region) {
        return aws.client("rds", region, RdsClient::builder, b -> b, REPLIES);
    }

    private static String instanceClass(Field.Value v) {
        String c = Field.text().read(v);
        if (c.startsWith("db.") && c.length() > 3) {
            return c;
        }
        throw new IllegalArgumentException("'" + c + "' is not an RDS instance class; those start with 'db.', e.g. "
                + "db.t3.micro");
    }

    /** "storage: 20" reads as a YAML integer and means 20 GiB, so numbers are taken as their text. */
    private static String storage(Field.Value v) {
        if (!v.string() && !v.number()) {
            throw new IllegalArgumentException("storage must be a size such as 20Gi, not " + v.description());
        }
        return Long.toString(StorageSize.parseGiB(v.text()));
    }

    /** A DB subnet group name, in the lower case AWS keeps it in. */
    private static String subnetGroup(Field.Value v) {
        String name = Field.matching(SUBNET_GROUP, "a DB subnet group name of up to 255 letters, digits, periods, "
                + "underscores, spaces or hyphens").read(v);
        if (name.isBlank()) {
            throw new IllegalArgumentException("must not be empty");
        }
        return name.toLowerCase(java.util.Locale.ROOT);
    }

    /** At least one security group: a DB instance is always in one, so an empty set could never match. */
    private static Field.Reader securityGroups() {
        return Field.nonEmptySetOf(Field.reference(SECURITY_GROUP_ID, "a security group id such as sg-0123456789abcdef0"),
                "a DB instance is always in at least one security group; leave securityGroups out for its VPC's "
                        + "default group");
    }

    /**
     * Days of automated backups, 0 (none) to 35, as AWS counts them: a duration in whole days ({@code 7d},
     * {@code 1w}) or a bare number of days; canonical as the number of days.
     */
    static Field.Reader backupRetention() {
        return new Field.Reader() {
            @Override
            public String read(Field.Value v) {
                long days;
                if (v.tree() instanceof Long n) {
                    days = n;
                } else if (v.string()) {
                    java.time.Duration d = Durations.parse(v.text());
                    if (d.toMillis() % java.time.Duration.ofDays(1).toMillis() != 0) {
                        throw new IllegalArgumentException("'" + v.text() + "' is not whole days; RDS keeps backups for "
                                + "whole days, such as 7d");
                    }
                    days = d.toDays();
                } else {
                    throw new IllegalArgumentException("expected a duration in whole days such as 7d, or a number of days, "
                            + "got " + v.description());
                }
                if (days < 0 || days > MAX_BACKUP_DAYS) {
                    throw new IllegalArgumentException("'" + v.text() + "' is out of range: 0d (no automated backups) to "
                            + MAX_BACKUP_DAYS + "d");
                }
                return Long.toString(days);
            }

            @Override
            public String show(String canonical) {
                try {
                    long days = Long.parseLong(canonical);
                    return days == 0 ? "0d" : Durations.format(java.time.Duration.ofDays(days));
                } catch (NumberFormatException e) {
                    return canonical;
                }
            }
        };
    }
}

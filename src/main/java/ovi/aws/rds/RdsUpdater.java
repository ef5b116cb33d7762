package ovi.aws.rds;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import ovi.aws.AwsClients;
import ovi.aws.AwsErrors;
import ovi.engine.ResourceKind;
import ovi.engine.Fence;
import ovi.model.Change;
import ovi.model.DesiredResource;
import ovi.model.Field;
import ovi.model.Intent;
import ovi.model.Outcome;
import ovi.model.Reference;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;

/**
 * One ModifyDBInstance, applied immediately, for every setting that changed (class, storage, subnet group,
 * security groups, Multi-AZ, deletion protection, backup retention, public access), then
 * AddTagsToResource. The engine cannot change, storage can only grow (AWS refuses to shrink it, so ovi
 * reports that before calling anything), and encryption cannot change in place (the plan reports it; the
 * rest of an update goes ahead without it).
 */
final class RdsUpdater implements ResourceKind.Updater {
    private final AwsClients aws;

    RdsUpdater(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public Outcome update(Intent intent, String owner, Fence fence, Map<String, String> before) {
        String identifier = intent.cloudId();
        Change engine = change(intent, "engine");
        if (engine != null) {
            return new Outcome.Failed("the engine of " + identifier + " cannot be changed in place (" + engine.current()
                    + " -> " + engine.desired() + "); replace the DB instance by hand", null);
        }
        Change shrink = change(intent, "storage");
        if (shrink != null && shrink.current() != null
                && Long.parseLong(shrink.desired()) < Long.parseLong(shrink.current())) {
            return new Outcome.Failed("RDS cannot shrink the storage of " + identifier + " (" + shrink.current() + " -> "
                    + shrink.desired() + " GiB): declare storage of at least " + shrink.current()
                    + " GiB, or replace the DB instance by hand; nothing was changed", null);
        }
        String unresolved = unresolved(intent.desired());
        if (unresolved != null) {
            return new Outcome.Failed("cannot update " + identifier + ": " + unresolved + "; nothing was changed", null);
        }
        RdsClient rds = RdsKind.rds(aws, intent.region());
        List<String> done = new ArrayList<>();
        String requestId = null;
        ModifyDbInstanceRequest modify = modify(intent, done);
        if (modify != null) {
            fence.check();
            requestId = AwsErrors.requestId(rds.modifyDBInstance(modify));
        }
        Map<String, String> tags = new TreeMap<>();
        intent.changes().stream().filter(c -> c.field().startsWith("tags."))
                .forEach(c -> tags.put(c.field().substring(5), c.desired()));
        if (!tags.isEmpty()) {
            String arn = AwsErrors.first(rds.describeDBInstances(b -> b.dbInstanceIdentifier(identifier)).dbInstances(),
                    "DescribeDBInstances " + identifier).dbInstanceArn();
            fence.check();
            requestId = AwsErrors.requestId(rds.addTagsToResource(b -> b.resourceName(arn)
                    .tags(RdsCreator.tags(tags))));
            done.add("tags " + String.join(", ", tags.keySet()));
        }
        return new Outcome.Executed(identifier, requestId, "updated " + identifier + ": " + String.join("; ", done));
    }

    /**
     * The ModifyDBInstance that makes the intent's changes of the settings AWS changes in place, saying each
     * in {@code done}; null when none changed. Every value is the declared one, so a repeat converges.
     */
    static ModifyDbInstanceRequest modify(Intent intent, List<String> done) {
        ModifyDbInstanceRequest.Builder b = ModifyDbInstanceRequest.builder().dbInstanceIdentifier(intent.cloudId())
                .applyImmediately(true);
        int before = done.size();
        Change size = change(intent, "size");
        if (size != null) {
            b.dbInstanceClass(size.desired());
            done.add("class " + size.current() + " -> " + size.desired());
        }
        Change storage = change(intent, "storage");
        if (storage != null) {
            b.allocatedStorage(Integer.valueOf(storage.desired()));
            done.add("storage " + storage.current() + " -> " + storage.desired() + " GiB");
        }
        Change subnetGroup = change(intent, "subnetGroup");
        if (subnetGroup != null) {
            b.dbSubnetGroupName(subnetGroup.desired());
            done.add("subnet group " + shown(subnetGroup.current()) + " -> " + subnetGroup.desired());
        }
        List<Change> groups = intent.changes().stream().filter(c -> c.field().equals("securityGroups")).toList();
        if (!groups.isEmpty()) {
            // AWS takes the whole list: the declared set, whatever was added or taken away by hand
            b.vpcSecurityGroupIds(Field.elements(intent.desired().attribute("securityGroups")));
            List<String> moved = new ArrayList<>();
            groups.stream().filter(c -> c.desired() != null).forEach(c -> moved.add("+" + c.desired()));
            groups.stream().filter(c -> c.current() != null).forEach(c -> moved.add("-" + c.current()));
            done.add("security groups " + String.join(" ", moved));
        }
        bool(intent, "multiAz", "Multi-AZ", b::multiAZ, done);
        bool(intent, "deletionProtection", "deletion protection", b::deletionProtection, done);
        Change retention = change(intent, "backupRetention");
        if (retention != null) {
            b.backupRetentionPeriod(Integer.valueOf(retention.desired()));
            Field f = RdsKind.TYPE.field("backupRetention").orElseThrow();
            done.add("backup retention " + shown(f.show(retention.current())) + " -> " + f.show(retention.desired()));
        }
        bool(intent, "publiclyAccessible", "publicly accessible", b::publiclyAccessible, done);
        return done.size() > before ? b.build() : null;
    }

    private static void bool(Intent intent, String field, String words, java.util.function.Consumer<Boolean> set,
                             List<String> done) {
        Change c = change(intent, field);
        if (c != null) {
            set.accept(Boolean.valueOf(c.desired()));
            done.add(words + " " + shown(c.current()) + " -> " + c.desired());
        }
    }

    /**
     * What still names a declared resource by config name instead of its cloud id (apply resolves those
     * before calling a kind), or null when every value is a cloud id.
     */
    static String unresolved(DesiredResource d) {
        String groups = d.attribute("securityGroups");
        if (!Reference.unresolved(groups)) {
            return null;
        }
        return "securityGroups still names " + String.join(", ", Reference.in(groups)) + ", whose id is not known; "
                + "the security group must exist first";
    }

    /** A setting AWS did not report (moto leaves public access out unless it was given), as plans show it. */
    private static String shown(String current) {
        return current == null ? "(absent)" : current;
    }

    private static Change change(Intent intent, String field) {
        return intent.changes().stream().filter(c -> c.field().equals(field)).findFirst().orElse(null);
    }
}

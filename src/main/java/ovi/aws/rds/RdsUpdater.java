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
import ovi.model.Intent;
import ovi.model.Outcome;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;

/**
 * ModifyDBInstance (class, storage; applied immediately) and AddTagsToResource. The engine cannot change,
 * and storage can only grow: AWS refuses to shrink it, so ovi reports that before calling anything.
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
        RdsClient rds = RdsKind.rds(aws, intent.region());
        List<String> done = new ArrayList<>();
        String requestId = null;
        Change size = change(intent, "size");
        Change storage = change(intent, "storage");
        if (size != null || storage != null) {
            ModifyDbInstanceRequest.Builder b = ModifyDbInstanceRequest.builder().dbInstanceIdentifier(identifier)
                    .applyImmediately(true);
            if (size != null) {
                b.dbInstanceClass(size.desired());
                done.add("class " + size.current() + " -> " + size.desired());
            }
            if (storage != null) {
                b.allocatedStorage(Integer.valueOf(storage.desired()));
                done.add("storage " + storage.current() + " -> " + storage.desired() + " GiB");
            }
            fence.check();
            requestId = AwsErrors.requestId(rds.modifyDBInstance(b.build()));
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

    private static Change change(Intent intent, String field) {
        return intent.changes().stream().filter(c -> c.field().equals(field)).findFirst().orElse(null);
    }
}

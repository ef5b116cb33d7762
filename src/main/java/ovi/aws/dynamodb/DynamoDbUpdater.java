package ovi.aws.dynamodb;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import ovi.aws.AwsClients;
import ovi.aws.AwsErrors;
import ovi.engine.Fence;
import ovi.engine.ResourceKind;
import ovi.model.Change;
import ovi.model.Intent;
import ovi.model.Outcome;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.Tag;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableRequest;

/**
 * UpdateTable for billing, UpdateContinuousBackups for point-in-time recovery, UpdateTimeToLive for TTL,
 * TagResource for tags; each sets the declared value, so a repeat is harmless. Keys cannot change in
 * place: such an update fails before any call, and the table is never dropped to change them.
 */
final class DynamoDbUpdater implements ResourceKind.Updater {
    private final AwsClients aws;

    DynamoDbUpdater(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public Outcome update(Intent intent, String owner, Fence fence, Map<String, String> before) {
        String name = intent.cloudId();
        // keys are a fixed field: the plan reports a change of them and never hands it here to make
        DynamoDbClient db = DynamoDbKind.dynamodb(aws, intent.region());
        List<String> done = new ArrayList<>();
        String requestId = null;
        Change billing = change(intent, "billing");
        if (billing != null) {
            UpdateTableRequest.Builder req = UpdateTableRequest.builder().tableName(name);
            if (DynamoDbKind.ON_DEMAND.equals(billing.desired())) {
                req.billingMode(BillingMode.PAY_PER_REQUEST);
            } else {
                long[] rw = DynamoDbKind.capacity(billing.desired());
                req.billingMode(BillingMode.PROVISIONED).provisionedThroughput(p -> p.readCapacityUnits(rw[0])
                        .writeCapacityUnits(rw[1]));
            }
            fence.check();
            requestId = AwsErrors.requestId(db.updateTable(req.build()));
            done.add("billing " + billing.current() + " -> " + billing.desired());
        }
        Change streams = change(intent, "streams");
        if (streams != null) {
            requestId = streams(db, name, streams.current(), streams.desired(), fence, requestId);
            done.add("streams " + streams.current() + " -> " + streams.desired());
        }
        Change pitr = change(intent, "pointInTimeRecovery");
        if (pitr != null) {
            requestId = pointInTimeRecovery(db, name, pitr.desired(), fence, requestId);
            done.add("point-in-time recovery " + pitr.desired());
        }
        Change ttl = change(intent, "ttl");
        if (ttl != null) {
            requestId = ttl(db, name, ttl.current(), ttl.desired(), fence, requestId);
            done.add("ttl " + ttl.current() + " -> " + ttl.desired());
        }
        List<Tag> tags = intent.changes().stream().filter(c -> c.field().startsWith("tags."))
                .map(c -> Tag.builder().key(c.field().substring(5)).value(c.desired()).build()).toList();
        if (!tags.isEmpty()) {
            String arn = db.describeTable(b -> b.tableName(name)).table().tableArn();
            fence.check();
            requestId = AwsErrors.requestId(db.tagResource(b -> b.resourceArn(arn).tags(tags)));
            done.add("tags " + String.join(", ", tags.stream().map(Tag::key).toList()));
        }
        return new Outcome.Executed(name, requestId, "updated table " + name + ": " + String.join("; ", done));
    }

    /**
     * A stream switched on, off, or to another view: DynamoDB changes a view only by switching the stream
     * off and on again, each an UpdateTable after which the table must be active again.
     */
    static String streams(DynamoDbClient db, String name, String current, String desired, Fence fence, String requestId) {
        if (current != null && !current.equals("off")) {
            fence.check();
            requestId = AwsErrors.requestId(db.updateTable(b -> b.tableName(name).streamSpecification(s -> s
                    .streamEnabled(false))));
            db.waiter().waitUntilTableExists(b -> b.tableName(name));
        }
        if (!desired.equals("off")) {
            fence.check();
            requestId = AwsErrors.requestId(db.updateTable(b -> b.tableName(name).streamSpecification(s -> s
                    .streamEnabled(true).streamViewType(DynamoDbKind.viewType(desired)))));
        }
        return requestId;
    }

    static String pointInTimeRecovery(DynamoDbClient db, String name, String enabled, Fence fence, String requestId) {
        if (enabled == null) {
            return requestId;
        }
        fence.check();
        return AwsErrors.requestId(db.updateContinuousBackups(b -> b.tableName(name)
                .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(Boolean.parseBoolean(enabled)))));
    }

    /** Turns TTL off on the attribute it was on, then on for the declared one (DynamoDB keeps one at a time). */
    static String ttl(DynamoDbClient db, String name, String current, String desired, Fence fence, String requestId) {
        if (current != null && !current.equals(desired)) {
            fence.check();
            requestId = AwsErrors.requestId(db.updateTimeToLive(b -> b.tableName(name)
                    .timeToLiveSpecification(t -> t.attributeName(current).enabled(false))));
        }
        if (desired != null) {
            fence.check();
            requestId = AwsErrors.requestId(db.updateTimeToLive(b -> b.tableName(name)
                    .timeToLiveSpecification(t -> t.attributeName(desired).enabled(true))));
        }
        return requestId;
    }

    private static Change change(Intent intent, String field) {
        return intent.changes().stream().filter(c -> c.field().equals(field)).findFirst().orElse(null);
    }
}

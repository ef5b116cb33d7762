package ovi.aws.dynamodb;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import ovi.aws.AwsClients;
import ovi.aws.AwsErrors;
import ovi.aws.Observations;
import ovi.engine.Fence;
import ovi.engine.ResourceKind;
import ovi.model.Intent;
import ovi.model.Observation;
import ovi.model.Outcome;
import ovi.model.Tags;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Tag;

/**
 * CreateTable with its keys, billing and every tag in one call; point-in-time recovery and TTL, which need
 * the table to exist, follow. CreateTable takes no client token: a repeat meets ResourceInUseException, and
 * the table of that name is taken as this one only if it carries this declaration's ovi tags; then only
 * the settings it lacks are set, so a repeat after a crash between the calls finishes the create.
 */
final class DynamoDbCreator implements ResourceKind.Creator {
    private final AwsClients aws;

    DynamoDbCreator(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public Outcome create(Intent intent, String owner, Fence fence) {
        var d = intent.desired();
        String name = d.cloudId();
        DynamoDbClient db = DynamoDbKind.dynamodb(aws, intent.region());
        CreateTableRequest.Builder req = CreateTableRequest.builder().tableName(name)
                .tags(d.allTags(owner).entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue())
                        .build()).toList());
        List<KeySchemaElement> schema = new ArrayList<>();
        List<AttributeDefinition> definitions = new ArrayList<>();
        String[] keys = d.attribute("keys").split(",");
        for (int i = 0; i < keys.length; i++) {
            String[] k = keys[i].split(":");
            schema.add(KeySchemaElement.builder().attributeName(k[0]).keyType(i == 0 ? KeyType.HASH : KeyType.RANGE).build());
            definitions.add(AttributeDefinition.builder().attributeName(k[0]).attributeType(k[1]).build());
        }
        req.keySchema(schema).attributeDefinitions(definitions);
        String billing = d.attribute("billing");
        if (DynamoDbKind.ON_DEMAND.equals(billing)) {
            req.billingMode(BillingMode.PAY_PER_REQUEST);
        } else {
            long[] rw = DynamoDbKind.capacity(billing);
            req.billingMode(BillingMode.PROVISIONED).provisionedThroughput(p -> p.readCapacityUnits(rw[0])
                    .writeCapacityUnits(rw[1]));
        }
        String streams = d.attribute("streams");
        if (streams != null && !streams.equals("off")) {
            req.streamSpecification(b -> b.streamEnabled(true).streamViewType(DynamoDbKind.viewType(streams)));
        }
        String requestId;
        Observation found = null; // the table a create before this one made, when taken over
        try {
            fence.check();
            var r = db.createTable(req.build());
            if (r.tableDescription() == null || !name.equals(r.tableDescription().tableName())) {
                throw SdkClientException.create("AWS answered CreateTable without the table " + name);
            }
            requestId = AwsErrors.requestId(r);
        } catch (AwsServiceException e) {
            if (!Observations.errorCode(e, "ResourceInUseException")) {
                throw e;
            }
            Optional<Observation> named = DynamoDbTables.read(db, intent.region(), name);
            if (named.isEmpty() || !named.get().madeFor(owner, intent.id())) {
                return new Outcome.Failed("a table named '" + name + "' already exists"
                        + (named.isEmpty() ? " (or is being deleted)" : "") + " and is not tagged " + Tags.OWNER + "="
                        + owner + ", " + Tags.ID + "=" + intent.id() + "; ovi does not take over a table it did not "
                        + "make: give this one another table name, or remove that table; nothing was done",
                        AwsErrors.requestId(e));
            }
            found = named.get();
            requestId = null;
        }
        List<String> left = DynamoDbTables.toSet(d, found);
        if (!left.isEmpty()) {
            db.waiter().waitUntilTableExists(b -> b.tableName(name));
        }
        if (left.contains("pointInTimeRecovery")) {
            requestId = DynamoDbUpdater.pointInTimeRecovery(db, name, d.attribute("pointInTimeRecovery"), fence, requestId);
        }
        if (left.contains("ttl")) {
            requestId = DynamoDbUpdater.ttl(db, name, found == null ? null : found.attribute("ttl"), d.attribute("ttl"),
                    fence, requestId);
        }
        if (found != null) {
            return new Outcome.Executed(name, requestId, "found table " + name + ", which a create before this one "
                    + "made" + (left.isEmpty() ? "" : ": set " + String.join(", ", left)));
        }
        return new Outcome.Executed(name, requestId, "created table " + name);
    }
}

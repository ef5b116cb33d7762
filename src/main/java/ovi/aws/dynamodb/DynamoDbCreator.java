package ovi.aws.dynamodb;

import java.util.ArrayList;
import java.util.List;
import ovi.aws.AwsClients;
import ovi.aws.AwsErrors;
import ovi.engine.Fence;
import ovi.engine.ResourceKind;
import ovi.model.Intent;
import ovi.model.Outcome;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Tag;

/**
 * CreateTable with its keys, billing and every tag in one call (a second create of the name fails, so a
 * retry makes nothing new); point-in-time recovery and TTL, which need the table to exist, follow. A crash
 * between the two leaves a tagged table whose settings the next plan shows as drift.
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
        fence.check();
        var r = db.createTable(req.build());
        if (r.tableDescription() == null || !name.equals(r.tableDescription().tableName())) {
            throw SdkClientException.create("AWS answered CreateTable without the table " + name);
        }
        String requestId = AwsErrors.requestId(r);
        if ("true".equals(d.attribute("pointInTimeRecovery")) || d.attribute("ttl") != null) {
            db.waiter().waitUntilTableExists(b -> b.tableName(name));
            requestId = DynamoDbUpdater.pointInTimeRecovery(db, name, d.attribute("pointInTimeRecovery"), fence, requestId);
            requestId = DynamoDbUpdater.ttl(db, name, null, d.attribute("ttl"), fence, requestId);
        }
        return new Outcome.Executed(name, requestId, "created table " + name);
    }
}

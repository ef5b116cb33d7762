package ovi.aws.dynamodb;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import ovi.aws.AwsClients;
import ovi.aws.Observations;
import ovi.engine.AbstractResourceKind;
import ovi.engine.ResourceLookup;
import ovi.model.Action;
import ovi.model.DesiredResource;
import ovi.model.Intent;
import ovi.model.Observation;
import ovi.model.Tags;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * DynamoDB tables through one run's clients. ListTables gives only names: each table's settings and tags
 * take a call each (DescribeTable, ListTagsOfResource), and for the tables ovi manages, point-in-time
 * recovery and TTL one more each, as DynamoDB has no other way to give them.
 */
final class DynamoDbTables extends AbstractResourceKind {
    private final AwsClients aws;

    DynamoDbTables(AwsClients aws) {
        super(DynamoDbKind.TYPE, new DynamoDbCreator(aws), new DynamoDbUpdater(aws), new DynamoDbDeleter(aws));
        this.aws = aws;
    }

    @Override
    public List<Observation> list(String region) {
        DynamoDbClient db = DynamoDbKind.dynamodb(aws, region);
        List<Observation> out = new ArrayList<>();
        for (var page : db.listTablesPaginator(r -> r.limit(100))) {
            for (String name : page.tableNames()) {
                read(db, region, name).ifPresent(out::add);
            }
            aws.listed(type(), region, out.size());
        }
        return out;
    }

    @Override
    public List<Observation> find(ResourceLookup.Target t) {
        if (t.cloudId() == null) {
            throw new IllegalArgumentException("a table is looked up by its name, and none was given for " + t.oviId());
        }
        return read(DynamoDbKind.dynamodb(aws, t.region()), t.region(), t.cloudId()).map(List::of).orElse(List.of());
    }

    /**
     * A create is several calls (the table, then point-in-time recovery and TTL, which need it to exist):
     * one cut off between them left a tagged table without those settings, which crash recovery finishes by
     * creating again (the creator takes its own table over and sets only what is left).
     */
    @Override
    public List<String> unfinished(Intent intent, Map<String, String> before, Observation found) {
        if (intent.action() != Action.CREATE) {
            return List.of();
        }
        return toSet(intent.desired(), found).stream().map(f -> f + " is "
                + (found.attribute(f) == null ? "absent" : found.attribute(f)) + ", not "
                + intent.desired().attribute(f)).toList();
    }

    /**
     * The fields a create still has to set after CreateTable ({@code pointInTimeRecovery}, {@code ttl}) on
     * the table as {@code found}, or as a table just made (neither set) when null.
     */
    static List<String> toSet(DesiredResource d, Observation found) {
        List<String> out = new ArrayList<>();
        String pitr = d.attribute("pointInTimeRecovery");
        String pitrNow = found == null ? "false" : found.attribute("pointInTimeRecovery");
        if (pitr != null && !pitr.equals(pitrNow)) {
            out.add("pointInTimeRecovery");
        }
        String ttl = d.attribute("ttl");
        if (ttl != null && !ttl.equals(found == null ? null : found.attribute("ttl"))) {
            out.add("ttl");
        }
        return out;
    }

    /** One table as an observation; empty when there is none, or it is being deleted. */
    static Optional<Observation> read(DynamoDbClient db, String region, String name) {
        try {
            TableDescription t = db.describeTable(b -> b.tableName(name)).table();
            if (t == null || t.tableStatus() == TableStatus.DELETING) {
                return Optional.empty();
            }
            Map<String, String> tags = tags(db, t.tableArn());
            Map<String, String> attrs = new HashMap<>();
            attrs.put("keys", keys(t));
            attrs.put("billing", billing(t));
            var stream = t.streamSpecification();
            attrs.put("streams", stream == null || !Boolean.TRUE.equals(stream.streamEnabled()) ? "off"
                    : stream.streamViewTypeAsString().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            Observations.putIfPresent(attrs, "state", t.tableStatusAsString());
            if ("true".equals(tags.get(Tags.MANAGED))) {
                // only ovi's own tables are compared with a declaration: the others are spared two calls each
                var backups = db.describeContinuousBackups(b -> b.tableName(name)).continuousBackupsDescription();
                boolean pitr = backups != null && backups.pointInTimeRecoveryDescription() != null
                        && "ENABLED".equals(backups.pointInTimeRecoveryDescription().pointInTimeRecoveryStatusAsString());
                attrs.put("pointInTimeRecovery", Boolean.toString(pitr));
                var ttl = db.describeTimeToLive(b -> b.tableName(name)).timeToLiveDescription();
                if (ttl != null && ttl.timeToLiveStatus() == TimeToLiveStatus.ENABLED && ttl.attributeName() != null) {
                    attrs.put("ttl", ttl.attributeName());
                }
            }
            return Optional.of(new Observation(DynamoDbKind.TYPE, region, t.tableName(), attrs, tags));
        } catch (AwsServiceException e) {
            if (Observations.errorCode(e, "ResourceNotFoundException")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static Map<String, String> tags(DynamoDbClient db, String arn) {
        Map<String, String> tags = new HashMap<>();
        // the SDK has no paginator for ListTagsOfResource: its NextToken is followed here
        String next = null;
        do {
            String token = next;
            var page = db.listTagsOfResource(b -> b.resourceArn(arn).nextToken(token));
            page.tags().forEach(t -> tags.put(t.key(), t.value()));
            next = page.nextToken();
        } while (next != null && !next.isEmpty());
        return tags;
    }

    /** The key schema as declared: {@code id:S} or {@code id:S,created:N}, hash key first. */
    static String keys(TableDescription t) {
        Map<String, String> types = new HashMap<>();
        for (AttributeDefinition a : t.attributeDefinitions()) {
            types.put(a.attributeName(), a.attributeTypeAsString());
        }
        List<String> keys = new ArrayList<>();
        for (KeyType kt : List.of(KeyType.HASH, KeyType.RANGE)) {
            for (KeySchemaElement k : t.keySchema()) {
                if (k.keyType() == kt) {
                    keys.add(k.attributeName() + ":" + types.getOrDefault(k.attributeName(), "?"));
                }
            }
        }
        return String.join(",", keys);
    }

    static String billing(TableDescription t) {
        boolean onDemand = t.billingModeSummary() != null
                && t.billingModeSummary().billingMode() == BillingMode.PAY_PER_REQUEST;
        if (onDemand || t.provisionedThroughput() == null) {
            return DynamoDbKind.ON_DEMAND;
        }
        return "provisioned:" + t.provisionedThroughput().readCapacityUnits() + "/"
                + t.provisionedThroughput().writeCapacityUnits();
    }
}

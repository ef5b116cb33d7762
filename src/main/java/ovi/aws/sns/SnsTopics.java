package ovi.aws.sns;

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
import ovi.model.Field;
import ovi.model.Observation;
import ovi.model.Tags;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.Topic;

/**
 * SNS topics through one run's clients. ListTopics gives only ARNs: each topic's attributes and tags take
 * one call each (GetTopicAttributes, ListTagsForResource), as SNS has no other way to give them.
 */
final class SnsTopics extends AbstractResourceKind {
    private final AwsClients aws;
    private final SnsPublisher publisher;

    SnsTopics(AwsClients aws) {
        super(SnsKind.TYPE, new SnsCreator(aws), new SnsUpdater(aws), new SnsDeleter(aws));
        this.aws = aws;
        this.publisher = new SnsPublisher(aws);
    }

    @Override
    public Optional<Publisher> publisher() {
        return Optional.of(publisher);
    }

    @Override
    public List<Observation> list(String region) {
        SnsClient sns = SnsKind.sns(aws, region);
        List<Observation> out = new ArrayList<>();
        for (String arn : arns(sns)) {
            read(sns, region, arn).ifPresent(out::add);
        }
        aws.listed(type(), region, out.size());
        return out;
    }

    /** A topic by name; SNS finds topics only by ARN, so the list is read until the name turns up. */
    @Override
    public List<Observation> find(ResourceLookup.Target t) {
        if (t.cloudId() == null) {
            throw new IllegalArgumentException("a topic is looked up by its name, and none was given for " + t.oviId());
        }
        SnsClient sns = SnsKind.sns(aws, t.region());
        return arn(sns, t.cloudId()).flatMap(arn -> read(sns, t.region(), arn)).map(List::of).orElse(List.of());
    }

    /**
     * A create is several calls (the topic, then one per subscription): one cut off between them left a
     * tagged topic without some of its subscriptions, which crash recovery finishes by creating again (the
     * creator subscribes only what is missing).
     */
    @Override
    public List<String> unfinished(Intent intent, Map<String, String> before, Observation found) {
        if (intent.action() != Action.CREATE) {
            return List.of();
        }
        return toSubscribe(intent.desired(), Field.elements(found.attribute("subscriptions"))).stream()
                .map(s -> "subscriptions lacks " + s).toList();
    }

    /** The declared subscriptions ({@code <protocol> <endpoint>}) not among those a topic {@code has}. */
    static List<String> toSubscribe(DesiredResource d, java.util.Collection<String> has) {
        return Field.elements(d.attribute("subscriptions")).stream().filter(s -> !has.contains(s)).toList();
    }

    private static List<String> arns(SnsClient sns) {
        List<String> arns = new ArrayList<>();
        for (var page : sns.listTopicsPaginator()) {
            page.topics().stream().map(Topic::topicArn).forEach(arns::add);
        }
        return arns;
    }

    /** The ARN of a topic by name, or empty when there is none. */
    static Optional<String> arn(SnsClient sns, String name) {
        return arns(sns).stream().filter(a -> name(a).equals(name)).findFirst();
    }

    private static Optional<Observation> read(SnsClient sns, String region, String arn) {
        try {
            Map<String, String> a = sns.getTopicAttributes(b -> b.topicArn(arn)).attributes();
            Map<String, String> tags = new HashMap<>();
            sns.listTagsForResource(b -> b.resourceArn(arn)).tags().forEach(t -> tags.put(t.key(), t.value()));
            Map<String, String> attrs = new HashMap<>();
            // an empty display name is no display name: SNS answers "" for a topic that never had one
            String display = a.get("DisplayName");
            if (display != null && !display.isEmpty()) {
                attrs.put("displayName", display);
            }
            Observations.putIfPresent(attrs, "arn", arn);
            String key = a.get("KmsMasterKeyId");
            attrs.put("encryption", key == null || key.isEmpty() ? "none" : "kms:" + key);
            if ("true".equals(tags.get(Tags.MANAGED))) {
                // only ovi's own topics are compared with a declaration: the others are spared the call
                attrs.put("subscriptions", Field.setValue(subscriptions(sns, arn).keySet()));
            }
            return Optional.of(new Observation(SnsKind.TYPE, region, name(arn), attrs, tags));
        } catch (AwsServiceException e) {
            if (Observations.errorCode(e, "NotFound", "NotFoundException")) {
                return Optional.empty(); // deleted between the list and this call
            }
            throw e;
        }
    }

    /** A topic's subscriptions: {@code <protocol> <endpoint>} -> subscription ARN ("PendingConfirmation" until confirmed). */
    static Map<String, String> subscriptions(SnsClient sns, String arn) {
        Map<String, String> out = new java.util.TreeMap<>();
        for (var page : sns.listSubscriptionsByTopicPaginator(b -> b.topicArn(arn))) {
            page.subscriptions().forEach(s -> out.put(s.protocol() + " " + s.endpoint(), s.subscriptionArn()));
        }
        return out;
    }

    /** A topic's name is the last part of its ARN. */
    static String name(String arn) {
        return arn.substring(arn.lastIndexOf(':') + 1);
    }
}

package ovi.aws.sqs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import ovi.aws.AwsClients;
import ovi.aws.Observations;
import ovi.engine.AbstractResourceKind;
import ovi.engine.ResourceLookup;
import ovi.model.Observation;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * SQS queues through one run's clients. ListQueues gives only URLs: each queue's settings and tags take
 * one call each (GetQueueAttributes, ListQueueTags), as SQS has no other way to give them.
 */
final class SqsQueues extends AbstractResourceKind {
    private final AwsClients aws;

    SqsQueues(AwsClients aws) {
        super(SqsKind.TYPE, new SqsCreator(aws), new SqsUpdater(aws), new SqsDeleter(aws));
        this.aws = aws;
    }

    @Override
    public List<Observation> list(String region) {
        SqsClient sqs = SqsKind.sqs(aws, region);
        List<Observation> out = new ArrayList<>();
        for (var page : sqs.listQueuesPaginator(r -> r.maxResults(1000))) {
            for (String url : page.queueUrls()) {
                read(sqs, region, url).ifPresent(out::add);
            }
            aws.listed(type(), region, out.size());
        }
        return out;
    }

    /** A queue by name: the observed one, or the one ovi would create. */
    @Override
    public List<Observation> find(ResourceLookup.Target t) {
        if (t.cloudId() == null) {
            throw new IllegalArgumentException("a queue is looked up by its name, and none was given for " + t.oviId());
        }
        SqsClient sqs = SqsKind.sqs(aws, t.region());
        return url(sqs, t.cloudId()).flatMap(url -> read(sqs, t.region(), url)).map(List::of).orElse(List.of());
    }

    /** The URL of a queue by name, or empty when there is none. */
    static Optional<String> url(SqsClient sqs, String name) {
        try {
            return Optional.ofNullable(sqs.getQueueUrl(b -> b.queueName(name)).queueUrl());
        } catch (AwsServiceException e) {
            if (gone(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** One queue as an observation; empty when it went between the listing and this call. */
    private static Optional<Observation> read(SqsClient sqs, String region, String url) {
        try {
            Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(url)
                    .attributeNames(QueueAttributeName.ALL)).attributes();
            Map<String, String> tags = new HashMap<>(sqs.listQueueTags(b -> b.queueUrl(url)).tags());
            Map<String, String> attrs = SqsKind.observed(a);
            return Optional.of(new Observation(SqsKind.TYPE, region, name(url), attrs, tags));
        } catch (AwsServiceException e) {
            if (gone(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    static boolean gone(AwsServiceException e) {
        return Observations.errorCode(e, "AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist",
                "NonExistentQueue");
    }

    /** The ARN of a queue by name (for a dead-letter target), from its own attributes. */
    static String arn(SqsClient sqs, String name) {
        if (ovi.model.Reference.unresolved(name)) {
            throw new IllegalArgumentException("the dead-letter queue " + ovi.model.Reference.show(name)
                    + " is not known yet");
        }
        String url = url(sqs, name).orElseThrow(() -> new IllegalArgumentException("the dead-letter queue " + name
                + " does not exist"));
        String arn = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        if (arn == null || !arn.endsWith(":" + name)) {
            throw software.amazon.awssdk.core.exception.SdkClientException.create("AWS answered GetQueueAttributes for "
                    + name + " without its ARN");
        }
        return arn;
    }

    /** A queue's name is the last part of its URL. */
    static String name(String url) {
        return url.substring(url.lastIndexOf('/') + 1);
    }
}

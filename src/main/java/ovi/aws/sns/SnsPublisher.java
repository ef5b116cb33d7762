package ovi.aws.sns;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import ovi.aws.AwsClients;
import ovi.engine.ResourceKind;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * Publish through the run's SNS client (its lane, rate limit, breaker, retries and reply check). A topic
 * the config names by declared name is found by that name once per run; one given by ARN is used as is.
 */
final class SnsPublisher implements ResourceKind.Publisher {
    /** SNS takes a subject of at most 100 printable ASCII characters. */
    static final int MAX_SUBJECT = 100;

    private final AwsClients aws;
    private final Map<String, String> arns = new ConcurrentHashMap<>();

    SnsPublisher(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public String publish(String region, String topic, String subject, String message) {
        SnsClient sns = SnsKind.sns(aws, region);
        String arn = topic.startsWith("arn:") ? topic : arns.computeIfAbsent(region + " " + topic,
                k -> SnsTopics.arn(sns, topic).orElseThrow(() -> SdkClientException.create("no topic " + topic
                        + " in " + region + " (is it created yet?)")));
        var r = sns.publish(b -> b.topicArn(arn).subject(subject(subject)).message(message));
        if (r.messageId() == null || r.messageId().isBlank()) {
            throw SdkClientException.create("AWS answered Publish without a message id");
        }
        return r.messageId();
    }

    static String subject(String s) {
        String ascii = s.replaceAll("[^\\x20-\\x7e]", "?");
        return ascii.length() <= MAX_SUBJECT ? ascii : ascii.substring(0, MAX_SUBJECT - 3) + "...";
    }
}

package ovi.model;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The AWS services ovi calls, by the SDK's name of each (its endpoint prefix), with the requests per second
 * ovi sends each by default: below AWS's published quotas, so a run does not spend its retries on
 * refusals. EC2 refills its Describe bucket at 20 a second and its mutating one at 5; the control planes
 * of RDS, IAM, DynamoDB and Lambda allow a few tens; S3's bucket operations, SQS and SNS far more. A
 * service is not a kind: EC2 serves instances and security groups, and both share its rates.
 */
public enum AwsService {
    EC2(18, 4),
    RDS(10, 4),
    S3(100, 20),
    IAM(10, 4),
    DYNAMODB(10, 4),
    LAMBDA(10, 4),
    SQS(50, 20),
    SNS(20, 10),
    STS(10, 10);

    private final double reads;
    private final double writes;

    AwsService(double reads, double writes) {
        this.reads = reads;
        this.writes = writes;
    }

    /** The SDK's name of the service, as the config's rateLimits and --rate-limit name it. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Default reads (Describe, List, Get, Head) per second. */
    public double reads() {
        return reads;
    }

    /** Default writes (everything else) per second. */
    public double writes() {
        return writes;
    }

    public static Optional<AwsService> of(String key) {
        return Arrays.stream(values()).filter(s -> s.key().equals(key)).findFirst();
    }

    public static List<String> keys() {
        return Arrays.stream(values()).map(AwsService::key).toList();
    }
}

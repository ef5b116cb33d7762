package ovi.aws;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The SDK clients of one run, sharing one HTTP client, one credential provider, one retry strategy and
 * one call counter. Clients are made per region on first use.
 */
public final class AwsClients implements AutoCloseable {
    /** Attempts per call, throttling included; the SDK backs off with jitter between them. */
    static final int MAX_ATTEMPTS = 6;

    private static final ReplyCheck REPLY_CHECK = new ReplyCheck();

    private final AwsSettings settings;
    private final String defaultRegion;
    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final AtomicLong calls = new AtomicLong();
    private final Map<String, AutoCloseable> clients = new ConcurrentHashMap<>();

    public AwsClients(AwsSettings settings, String defaultRegion) {
        this.settings = settings;
        this.defaultRegion = defaultRegion;
        this.http = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(10))
                .socketTimeout(Duration.ofSeconds(30))
                .build();
        this.credentials = settings.profile() != null
                ? ProfileCredentialsProvider.create(settings.profile())
                : DefaultCredentialsProvider.builder().build();
    }

    /** HTTP requests sent so far, retries included. */
    public long calls() {
        return calls.get();
    }

    public Ec2Client ec2(String region) {
        return client("ec2:" + region, () -> configure(Ec2Client.builder(), region).build());
    }

    public RdsClient rds(String region) {
        return client("rds:" + region, () -> configure(RdsClient.builder(), region).build());
    }

    /** One S3 client for the account; it follows buckets into their own regions. */
    public S3Client s3() {
        return client("s3", () -> configure(S3Client.builder(), defaultRegion)
                // an endpoint override (moto, a local gateway) serves every bucket under one host
                .forcePathStyle(settings.endpoint() != null)
                .crossRegionAccessEnabled(true)
                .build());
    }

    public StsClient sts() {
        return client("sts", () -> configure(StsClient.builder(), defaultRegion).build());
    }

    @SuppressWarnings("unchecked")
    private <C extends AutoCloseable> C client(String key, java.util.function.Supplier<C> make) {
        return (C) clients.computeIfAbsent(key, k -> make.get());
    }

    private <B extends AwsClientBuilder<B, ?> & software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, ?>>
    B configure(B builder, String region) {
        builder.region(Region.of(region))
                .credentialsProvider(credentials)
                .httpClient(http)
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(MAX_ATTEMPTS).build())
                        .apiCallAttemptTimeout(Duration.ofSeconds(30))
                        .apiCallTimeout(Duration.ofMinutes(3))
                        .addExecutionInterceptor(REPLY_CHECK)
                        .addExecutionInterceptor(new ExecutionInterceptor() {
                            @Override
                            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attrs) {
                                calls.incrementAndGet();
                            }
                        })
                        .build());
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        return builder;
    }

    @Override
    public void close() {
        for (AutoCloseable c : clients.values()) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing an idle SDK client cannot lose anything
            }
        }
        clients.clear();
        http.close();
    }
}

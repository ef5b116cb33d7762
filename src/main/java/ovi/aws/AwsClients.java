package ovi.aws;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The SDK clients of one run, sharing one HTTP client, one credential provider, one retry strategy and
 * one call counter. Clients are made per service and region on first use; each kind asks for its own.
 */
public final class AwsClients implements AutoCloseable {
    /** Attempts per call, throttling included; the SDK backs off with jitter between them. */
    static final int MAX_ATTEMPTS = 6;

    private final AwsSettings settings;
    private final String defaultRegion;
    private final SdkHttpClient http;
    private final ProfileCredentials credentials;
    private final AtomicLong calls = new AtomicLong();
    private final Map<String, AutoCloseable> clients = new ConcurrentHashMap<>();
    private final Traffic traffic;

    public AwsClients(AwsSettings settings, String defaultRegion) {
        this(settings, defaultRegion, Traffic.Policy.defaults());
    }

    public AwsClients(AwsSettings settings, String defaultRegion, Traffic.Policy policy) {
        this.settings = settings;
        this.defaultRegion = defaultRegion;
        this.traffic = new Traffic(policy, java.time.Clock.systemUTC());
        this.http = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(10))
                .socketTimeout(policy.attemptTimeout())
                .build();
        this.credentials = new ProfileCredentials(settings.profile());
    }

    /** Rate limits, breakers, the deadline and the counts of every call of this run. */
    public Traffic traffic() {
        return traffic;
    }

    /**
     * Where each kind says a page was listed (ovi's progress while observing), set by the observer; until
     * then nowhere.
     */
    private volatile ovi.engine.Progress pages = message -> { };

    void pagesTo(ovi.engine.Progress progress) {
        pages = progress;
    }

    /** A kind listed one more page of {@code type} in {@code region}: {@code resources} found there so far. */
    public void listed(ovi.model.ResourceType type, String region, int resources) {
        pages.listed(ovi.model.Scope.of(type, region), resources);
    }

    /** HTTP requests sent so far, retries included. */
    public long calls() {
        return calls.get();
    }

    /**
     * The client of one service in one region, made on first use with the run's shared settings: HTTP
     * client, credentials, retry strategy, timeouts, call counter and the check that a successful reply
     * is the document its operation returns ({@code replies}).
     *
     * @param service   the service's name, for the cache ({@code ec2}, {@code s3})
     * @param region    the region, or null for the run's default region
     * @param builder   the SDK's builder ({@code Ec2Client::builder})
     * @param customize further settings of the service's own (S3's path style), or {@code b -> b}
     */
    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C extends SdkClient> C client(
            String service, String region, Supplier<B> builder, UnaryOperator<B> customize, ReplyCheck.Rules replies) {
        String r = region == null ? defaultRegion : region;
        return client(service + ":" + r, () -> {
            java.util.concurrent.atomic.AtomicReference<String> name = new java.util.concurrent.atomic.AtomicReference<>();
            C c = customize.apply(configure(builder.get(), name::get, r, replies)).build();
            name.set(c.serviceName());
            return c;
        });
    }

    /** Whether an endpoint is set ({@code --endpoint-url}, {@code AWS_ENDPOINT_URL}): moto or a local gateway. */
    public boolean endpointOverridden() {
        return settings.endpoint() != null;
    }

    public StsClient sts() {
        return client("sts", null, StsClient::builder, b -> b, STS_REPLIES);
    }

    private static final ReplyCheck.Rules STS_REPLIES = ReplyCheck.Rules.query(
            java.util.Map.of("GetCallerIdentity", "<Account>"));

    @SuppressWarnings("unchecked")
    private <C extends AutoCloseable> C client(String key, java.util.function.Supplier<C> make) {
        return (C) clients.computeIfAbsent(key, k -> make.get());
    }

    private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B builder, Supplier<String> service,
                                                                                     String region, ReplyCheck.Rules replies) {
        Traffic.Policy policy = traffic.policy();
        var retry = (policy.adaptive() ? AwsRetryStrategy.adaptiveRetryStrategy() : AwsRetryStrategy.standardRetryStrategy())
                .toBuilder().maxAttempts(MAX_ATTEMPTS).build();
        builder.region(Region.of(region))
                .credentialsProvider(credentials)
                .httpClient(http)
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(retry)
                        .apiCallAttemptTimeout(policy.attemptTimeout())
                        .apiCallTimeout(policy.callTimeout())
                        .addExecutionInterceptor(traffic.interceptor(service, region))
                        .addExecutionInterceptor(new ReplyCheck(replies))
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
        credentials.close();
        http.close();
    }
}

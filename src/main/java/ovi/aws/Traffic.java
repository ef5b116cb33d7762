package ovi.aws;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import ovi.model.AwsService;
import ovi.model.ErrorClass;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Everything a run sends to AWS passes here, per service and region: a client-side rate limit (one for
 * reads, one for writes, shared by every thread of the run, kept below AWS's own quotas so a run does not
 * spend its retries on refusals), a circuit breaker (after repeated throttling or outages the rest of that
 * scope is refused at once, so nothing is derived from it and other scopes carry on), the run's deadline
 * ({@code --timeout}: no call and no retry starts after it), and the counts the metrics file reports.
 * One {@link #interceptor} per SDK client.
 */
public final class Traffic {

    /** Requests per second a service is sent, for reads (Describe, List, Get, Head) and for the rest. */
    public record Rate(double reads, double writes) {
        public Rate {
            if (!(reads > 0) || !(writes > 0) || Double.isInfinite(reads) || Double.isInfinite(writes)) {
                throw new IllegalArgumentException("rates must be positive numbers per second");
            }
        }

        @Override
        public String toString() {
            return number(reads) + "/" + number(writes);
        }

        private static String number(double d) {
            return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
        }
    }

    /** The rate a service is sent by default: see {@link AwsService}; one ovi does not know, 10 and 4. */
    public static Rate defaultRate(String service) {
        return AwsService.of(service).map(s -> new Rate(s.reads(), s.writes())).orElse(new Rate(10, 4));
    }

    /**
     * How a run talks to AWS.
     *
     * @param rates          the rate of each service (missing: its default); ignored when not {@code paced}
     * @param paced          whether rate limits apply at all ({@code --rate-limit off} turns them off)
     * @param attemptTimeout how long one HTTP attempt may take
     * @param callTimeout    how long one call may take, every retry and backoff included
     * @param adaptive       the SDK's adaptive retry mode (its own client-side rate limiting on throttles)
     *                       instead of the standard one
     * @param breakers       whether circuit breakers open
     */
    public record Policy(Map<String, Rate> rates, boolean paced, Duration attemptTimeout, Duration callTimeout,
                         boolean adaptive, boolean breakers) {
        public static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(20);
        public static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

        public Policy {
            rates = Map.copyOf(rates);
        }

        public static Policy defaults() {
            return new Policy(Map.of(), true, ATTEMPT_TIMEOUT, CALL_TIMEOUT, false, true);
        }

        public Rate rate(String service) {
            return rates.getOrDefault(service, defaultRate(service));
        }
    }

    /** Calls made before a breaker may open, the window it judges, and the share of them that must fail. */
    static final int BREAKER_MINIMUM_CALLS = 3;
    static final int BREAKER_WINDOW = 5;
    static final float BREAKER_FAILURE_RATE = 80;
    /** How long an open breaker refuses before it lets one call through to try again. */
    static final Duration BREAKER_OPEN_FOR = Duration.ofSeconds(60);

    /** The counts of one service, over every region. */
    public static final class Counts {
        final AtomicLong calls = new AtomicLong();
        final AtomicLong attempts = new AtomicLong();
        final AtomicLong retries = new AtomicLong();
        final AtomicLong throttles = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final AtomicLong pacedNanos = new AtomicLong();
        final Map<ErrorClass, AtomicLong> errors = new EnumMap<>(ErrorClass.class);

        Counts() {
            for (ErrorClass c : ErrorClass.values()) {
                errors.put(c, new AtomicLong());
            }
        }

        /** Calls begun (one per SDK call, whatever its retries). */
        public long calls() { return calls.get(); }
        /** HTTP requests sent, retries included. */
        public long attempts() { return attempts.get(); }
        public long retries() { return retries.get(); }
        /** Attempts AWS answered with a throttling error. */
        public long throttles() { return throttles.get(); }
        /** Calls ovi refused itself: breaker open, or past the deadline. */
        public long refused() { return refused.get(); }
        /** Time spent waiting for the rate limit, over every thread. */
        public Duration paced() { return Duration.ofNanos(pacedNanos.get()); }
        /** Calls that ended in an error of class {@code c} (after retries). */
        public long errors(ErrorClass c) { return errors.get(c).get(); }
    }

    /** What became of one scope's breaker. */
    public record Breaker(String service, String region, String state, long failedCalls, long refusedCalls,
                          String lastFailure) {
        public boolean opened() {
            return !state.equals("closed");
        }

        public String scope() {
            return service + "/" + region;
        }
    }

    private final class Lane {
        final String service;
        final String region;
        final RateLimiter reads;
        final RateLimiter writes;
        final CircuitBreaker breaker;
        final AtomicLong failed = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        volatile String lastFailure;

        Lane(String service, String region) {
            this.service = service;
            this.region = region;
            Rate rate = policy.rate(service);
            this.reads = policy.paced() ? limiter(service + ":" + region + ":reads", rate.reads()) : null;
            this.writes = policy.paced() ? limiter(service + ":" + region + ":writes", rate.writes()) : null;
            this.breaker = policy.breakers() ? CircuitBreaker.of(service + "/" + region, CircuitBreakerConfig.custom()
                    .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                    .slidingWindowSize(BREAKER_WINDOW)
                    .minimumNumberOfCalls(BREAKER_MINIMUM_CALLS)
                    .failureRateThreshold(BREAKER_FAILURE_RATE)
                    .waitDurationInOpenState(BREAKER_OPEN_FOR)
                    .permittedNumberOfCallsInHalfOpenState(1)
                    .recordException(t -> {
                        ErrorClass c = AwsErrors.classify(t);
                        return c != null && c.transientFailure();
                    })
                    .build()) : null;
            if (breaker != null) {
                breaker.getEventPublisher().onStateTransition(e -> {
                    CircuitBreaker.State to = e.getStateTransition().getToState();
                    if (to == CircuitBreaker.State.OPEN) {
                        warn.accept("circuit breaker for " + service + " in " + region + " opened after "
                                + failed.get() + " failed calls (last: " + lastFailure + "): its calls are refused for "
                                + BREAKER_OPEN_FOR.toSeconds() + "s, and what depends on them is not observed or done");
                    } else if (to == CircuitBreaker.State.CLOSED) {
                        warn.accept("circuit breaker for " + service + " in " + region + " closed again");
                    }
                });
            }
        }

        /**
         * One permit every 1/rate seconds: requests are spaced evenly rather than sent in bursts at the start
         * of each second, which is what a token bucket like AWS's throttles least (and 2.5 a second is 2.5,
         * not 2).
         */
        private RateLimiter limiter(String name, double perSecond) {
            return RateLimiter.of(name, RateLimiterConfig.custom().limitForPeriod(1)
                    .limitRefreshPeriod(Duration.ofNanos(Math.max(1, Math.round(1e9 / perSecond))))
                    .timeoutDuration(policy.callTimeout()).build());
        }

        String refusal() {
            return service + " in " + region + " is not called again now: its circuit breaker opened after "
                    + failed.get() + " failed calls (last: " + lastFailure + ")";
        }
    }

    private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("ovi.started");
    private static final ExecutionAttribute<Long> SENT = new ExecutionAttribute<>("ovi.sent");
    private static final ExecutionAttribute<Integer> ATTEMPT = new ExecutionAttribute<>("ovi.attempt");
    private static final ExecutionAttribute<Boolean> PERMITTED = new ExecutionAttribute<>("ovi.permitted");

    private final Policy policy;
    private final Clock clock;
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private final Map<String, Counts> counts = new ConcurrentHashMap<>();
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private volatile Consumer<String> warn = m -> { };
    private volatile Consumer<String> debug = null;
    private volatile Instant deadline;
    private volatile String deadlineText;

    public Traffic(Policy policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
    }

    public Policy policy() {
        return policy;
    }

    /** Where breaker transitions are said (the run's stderr); each is also kept for {@link #warnings()}. */
    public void warnTo(Consumer<String> sink) {
        this.warn = m -> {
            warnings.add(m);
            sink.accept(m);
        };
    }

    /** Where each attempt is described with its request id and timing ({@code --debug}), or null. */
    public void debugTo(Consumer<String> sink) {
        this.debug = sink;
    }

    /** No call and no retry starts after {@code at} ({@code --timeout}); {@code what} says why, in errors. */
    public void deadline(Instant at, String what) {
        this.deadlineText = what;
        this.deadline = at;
    }

    public boolean deadlinePassed() {
        Instant d = deadline;
        return d != null && !clock.instant().isBefore(d);
    }

    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** The counts of each service called, by service name. */
    public Map<String, Counts> counts() {
        return new TreeMap<>(counts);
    }

    /** Every breaker of the run, by scope. */
    public List<Breaker> breakers() {
        List<Breaker> out = new ArrayList<>();
        for (Lane l : new TreeMap<>(lanes).values()) {
            String state = l.breaker == null ? "closed" : switch (l.breaker.getState()) {
                case OPEN, FORCED_OPEN -> "open";
                case HALF_OPEN -> "half-open";
                default -> "closed";
            };
            out.add(new Breaker(l.service, l.region, state, l.failed.get(), l.refused.get(), l.lastFailure));
        }
        return out;
    }

    /**
     * The interceptor of a client in {@code region}; {@code service} names the client's service (the SDK's
     * name, known once the client is built: two kinds' clients of one service share its lane).
     */
    ExecutionInterceptor interceptor(java.util.function.Supplier<String> service, String region) {
        return new ExecutionInterceptor() {
            private volatile Lane lane;
            private volatile Counts c;

            private void resolve() {
                if (lane == null) {
                    String s = service.get();
                    c = counts.computeIfAbsent(s, k -> new Counts());
                    lane = lanes.computeIfAbsent(s + ":" + region, k -> new Lane(s, region));
                }
            }

            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attrs) {
                resolve();
                c.calls.incrementAndGet();
                attrs.putAttribute(STARTED, System.nanoTime());
                attrs.putAttribute(ATTEMPT, 0);
                if (deadlinePassed()) {
                    c.refused.incrementAndGet();
                    throw new AwsErrors.Refused("not sent: " + deadlineText, ErrorClass.UNAVAILABLE);
                }
                if (lane.breaker != null) {
                    if (!lane.breaker.tryAcquirePermission()) {
                        c.refused.incrementAndGet();
                        lane.refused.incrementAndGet();
                        throw new AwsErrors.Refused(lane.refusal(), ErrorClass.UNAVAILABLE);
                    }
                    attrs.putAttribute(PERMITTED, true);
                }
            }

            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attrs) {
                int attempt = attrs.getAttribute(ATTEMPT) + 1;
                attrs.putAttribute(ATTEMPT, attempt);
                if (attempt > 1) {
                    if (deadlinePassed()) {
                        c.refused.incrementAndGet();
                        throw new AwsErrors.Refused("not retried: " + deadlineText + " (the attempt before may "
                                + "have taken effect; the next run looks again)", ErrorClass.UNAVAILABLE);
                    }
                    c.retries.incrementAndGet();
                }
                RateLimiter limiter = read(attrs) ? lane.reads : lane.writes;
                if (limiter != null) {
                    long before = System.nanoTime();
                    if (!limiter.acquirePermission()) {
                        c.refused.incrementAndGet();
                        throw new AwsErrors.Refused("not sent: no room under the " + lane.service + " rate limit for "
                                + policy.callTimeout().toSeconds() + "s", ErrorClass.THROTTLED);
                    }
                    c.pacedNanos.addAndGet(System.nanoTime() - before);
                }
                c.attempts.incrementAndGet();
                attrs.putAttribute(SENT, System.nanoTime());
            }

            @Override
            public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context,
                                                                   ExecutionAttributes attrs) {
                SdkHttpResponse http = context.httpResponse();
                Optional<InputStream> body = context.responseBody();
                if (http.isSuccessful()) {
                    describe(attrs, http, null);
                    return body;
                }
                // an error reply is small: read it to tell throttling from the rest, then hand it on as it was
                byte[] bytes = ReplyCheck.readAll(body.orElse(null));
                String code = throttleCode(http.statusCode(), bytes);
                if (code != null) {
                    c.throttles.incrementAndGet();
                }
                describe(attrs, http, code != null ? code : "HTTP " + http.statusCode());
                return Optional.of(new ByteArrayInputStream(bytes));
            }

            @Override
            public void afterExecution(Context.AfterExecution context, ExecutionAttributes attrs) {
                if (Boolean.TRUE.equals(attrs.getAttribute(PERMITTED))) {
                    lane.breaker.onSuccess(elapsed(attrs), TimeUnit.NANOSECONDS);
                }
            }

            @Override
            public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attrs) {
                Throwable t = context.exception();
                if (t instanceof AwsErrors.Refused && !Boolean.TRUE.equals(attrs.getAttribute(PERMITTED))) {
                    return; // refused before it was let through: neither a call of the service nor a failure
                }
                ErrorClass cls = AwsErrors.classify(t);
                if (cls != null) {
                    c.errors.get(cls).incrementAndGet();
                }
                if (Boolean.TRUE.equals(attrs.getAttribute(PERMITTED))) {
                    if (cls != null && cls.transientFailure() && !(t instanceof AwsErrors.Refused)) {
                        lane.failed.incrementAndGet();
                        lane.lastFailure = AwsErrors.describe(t);
                        lane.breaker.onError(elapsed(attrs), TimeUnit.NANOSECONDS, t);
                    } else {
                        // an answer (denied, not found, ...) shows the service works; a refusal of our own
                        // (the deadline) says nothing of it
                        lane.breaker.releasePermission();
                    }
                }
            }

            private void describe(ExecutionAttributes attrs, SdkHttpResponse http, String error) {
                Consumer<String> d = debug;
                if (d == null) {
                    return;
                }
                Long sent = attrs.getAttribute(SENT);
                long ms = sent == null ? -1 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
                String id = http.firstMatchingHeader("x-amzn-RequestId")
                        .or(() -> http.firstMatchingHeader("x-amz-request-id"))
                        .or(() -> http.firstMatchingHeader("x-amzn-requestid")).orElse("-");
                d.accept(lane.service + " " + region + " " + attrs.getAttribute(SdkExecutionAttribute.OPERATION_NAME)
                        + " attempt " + attrs.getAttribute(ATTEMPT) + ": HTTP " + http.statusCode()
                        + (error != null && !error.startsWith("HTTP") ? " " + error : "") + " in " + ms
                        + " ms, request " + id);
            }
        };
    }

    private static long elapsed(ExecutionAttributes attrs) {
        Long started = attrs.getAttribute(STARTED);
        return started == null ? 0 : System.nanoTime() - started;
    }

    /** Describe, List, Get and Head calls read; everything else writes (AWS's own split of its quotas). */
    static boolean read(ExecutionAttributes attrs) {
        String op = attrs.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        return op != null && (op.startsWith("Describe") || op.startsWith("List") || op.startsWith("Get")
                || op.startsWith("Head"));
    }

    private static final Set<String> THROTTLE_CODES = Set.of("Throttling", "ThrottlingException", "ThrottledException",
            "RequestThrottledException", "TooManyRequestsException", "ProvisionedThroughputExceededException",
            "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException",
            "RequestThrottled", "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException");

    /** The throttling error code an error reply carries, or null. */
    static String throttleCode(int status, byte[] body) {
        if (status == 429) {
            return "HTTP 429";
        }
        String text = new String(body, 0, Math.min(body.length, 2048), StandardCharsets.UTF_8);
        for (String code : THROTTLE_CODES) {
            if (text.contains(">" + code + "<") || text.contains("\"" + code + "\"") || text.contains("#" + code + "\"")) {
                return code;
            }
        }
        return null;
    }
}

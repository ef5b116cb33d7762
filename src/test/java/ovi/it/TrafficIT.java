package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * How ovi presses on AWS that refuses or stalls, through the fault proxy in front of moto: client-side
 * rate limits against a service that throttles above a quota, as AWS does (a token bucket, so what is
 * throttled depends on how fast ovi sends: pacing is measured, not assumed); a circuit breaker against a
 * service that throttles everything; {@code --timeout} against an endpoint that hangs, before and in the
 * middle of a create.
 */
class TrafficIT {
    @TempDir
    Path dir;
    FaultProxy proxy;

    @BeforeEach
    void setUp() throws Exception {
        Moto.reset();
        proxy = FaultProxy.start();
    }

    @AfterEach
    void tearDown() {
        proxy.close();
    }

    Path config(int instances) throws Exception {
        Path c = dir.resolve("ovi-" + instances + ".yaml");
        Files.writeString(c, """
                version: v1
                provider: aws
                region: us-east-1
                owner: team-web
                resources:
                  - type: ec2
                    name: web
                    count: %d
                    size: t3.micro
                    image: ami-12c6146b
                """.formatted(instances));
        return c;
    }

    Cli.Result run(String verb, Path config, Path state, String... extra) {
        List<String> args = new ArrayList<>(List.of(verb, "-c", config.toString(), "--state-dir", state.toString(),
                "--endpoint-url", proxy.endpoint().toString(), "-q", "-o", "json"));
        if (verb.equals("apply")) {
            args.add("--auto-approve");
        }
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    /**
     * A plan through the proxy with no fault yet: moto loads each service's backend on its first call, which
     * on a busy machine takes seconds that a test of --timeout must not spend.
     */
    void warmUp() throws Exception {
        Cli.Result r = run("plan", config(1), Files.createTempDirectory(dir, "warm"));
        assertEquals(0, r.code(), r::toString);
    }

    static int liveInstances() {
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            return (int) ec2.describeInstances().reservations().stream().flatMap(r -> r.instances().stream())
                    .filter(i -> !i.state().nameAsString().equals("terminated")).count();
        }
    }

    /** AWS's throttling: a token bucket of {@code burst} refilled at {@code perSecond}; a request finding it empty is refused. */
    static final class Quota implements Predicate<FaultProxy.Request> {
        private final double perSecond;
        private final double burst;
        private double tokens;
        private long last = System.nanoTime();
        int throttled;
        int total;

        Quota(double perSecond, double burst) {
            this.perSecond = perSecond;
            this.burst = burst;
            this.tokens = burst;
        }

        @Override
        public synchronized boolean test(FaultProxy.Request r) {
            if (!r.operation().startsWith("ec2:")) {
                return false;
            }
            long now = System.nanoTime();
            tokens = Math.min(burst, tokens + (now - last) / 1e9 * perSecond);
            last = now;
            total++;
            if (tokens >= 1) {
                tokens -= 1;
                return false;
            }
            throttled++;
            return true;
        }
    }

    record Measured(int requests, int throttled, int exit, int instances) {
        double throttledShare() {
            return requests == 0 ? 0 : (double) throttled / requests;
        }

        @Override
        public String toString() {
            return requests + " EC2 requests, " + throttled + " throttled (" + Math.round(100 * throttledShare())
                    + "%), exit " + exit + ", " + instances + " instances";
        }
    }

    /** One apply creating {@code n} instances through a fresh proxy quota, from an empty account. */
    Measured applyUnder(double perSecond, double burst, int n, String... options) throws Exception {
        Moto.reset();
        proxy.close();
        proxy = FaultProxy.start();
        Quota quota = new Quota(perSecond, burst);
        proxy.when(quota, -1, FaultProxy.throttle());
        Path state = Files.createTempDirectory(dir, "state");
        List<String> args = new ArrayList<>(List.of("--concurrency", "8"));
        args.addAll(List.of(options));
        Cli.Result r = run("apply", config(n), state, args.toArray(String[]::new));
        return new Measured(quota.total, quota.throttled, r.code(), liveInstances());
    }

    @Test
    void pacedBelowTheQuotaARunSendsFewerRequestsThanUnpacedAtThirtyAndSixtyPercentThrottling() throws Exception {
        int n = 10;
        // two quotas: the unpaced run of today is throttled on about a third, then on more than half, of its
        // requests; paced below them, the same apply gets through with fewer requests in all
        for (double[] q : new double[][] {{8, 8}, {3, 3}}) {
            Measured unpaced = applyUnder(q[0], q[1], n, "--rate-limit", "off");
            Measured adaptive = applyUnder(q[0], q[1], n, "--rate-limit", "off", "--retry-mode", "adaptive");
            double under = q[0] * 0.8;
            Measured paced = applyUnder(q[0], q[1], n, "--rate-limit", "ec2=" + (under * 0.6) + "/" + (under * 0.4));
            System.out.printf("TrafficIT quota %.0f/s: unpaced %s; adaptive retries %s; paced %s%n", q[0], unpaced,
                    adaptive, paced);
            assertEquals(0, paced.exit(), "paced, every create gets through: " + paced);
            assertEquals(n, paced.instances(), paced::toString);
            assertTrue(unpaced.throttled() > 0, "the quota must bite unpaced, or this measures nothing: " + unpaced);
            assertTrue(paced.requests() < unpaced.requests(), "paced " + paced + " vs unpaced " + unpaced);
            assertTrue(paced.throttledShare() < unpaced.throttledShare(), "paced " + paced + " vs unpaced " + unpaced);
        }
    }

    @Test
    void aServiceThrottledOnEveryCallOpensItsBreakerAndTheRestIsRefusedAtOnce() throws Exception {
        int n = 20;
        Path config = config(n);
        Path state = dir.resolve("state");
        // the listing gets through; from then on EC2 throttles everything, so each create's look-up fails
        AtomicBoolean listed = new AtomicBoolean();
        proxy.when(r -> r.operation().equals("ec2:DescribeInstances") && !listed.compareAndSet(false, true), -1,
                FaultProxy.throttle());
        proxy.on("ec2:RunInstances", -1, FaultProxy.throttle());

        Path metrics = dir.resolve("ovi.prom");
        Cli.Result r = run("apply", config, state, "--concurrency", "4", "--call-timeout", "10s",
                "--attempt-timeout", "5s", "--metrics-file", metrics.toString());

        assertEquals(3, r.code(), r::toString);
        JsonNode json = r.json();
        JsonNode breaker = StreamSupport.stream(json.get("aws").get("breakers").spliterator(), false)
                .filter(b -> b.get("service").asText().equals("ec2")).findFirst().orElseThrow(() -> new AssertionError(r));
        assertEquals("open", breaker.get("state").asText(), r::toString);
        // each look-up is throttled until its --call-timeout ends it
        String last = breaker.get("lastFailure").asText();
        assertTrue(last.startsWith("throttled: RequestLimitExceeded") || last.startsWith("unavailable: no answer in time"),
                r::toString);
        JsonNode ec2 = json.get("aws").get("services").get("ec2");
        assertEquals(ec2.get("attempts").asLong() - 2, ec2.get("throttles").asLong(), "all but the listing: " + r);
        long failed = breaker.get("failedCalls").asLong();
        long refused = breaker.get("refusedCalls").asLong();
        // it opens after 3 failed calls; the 4 in flight then may still fail on their own
        assertTrue(failed >= 3 && failed <= 3 + 4, r::toString);
        assertEquals(n, failed + refused, "every look-up either failed or was refused: " + r);
        int lookups = proxy.requests("ec2:DescribeInstances").size() - 1;
        assertTrue(lookups <= failed * 6, "at most 6 attempts per failed call, none for a refused one: " + lookups
                + " look-ups sent; " + r);
        assertTrue(lookups < n * 6 / 2, "without the breaker every look-up would be retried 6 times: " + lookups);
        assertEquals(0, proxy.requests("ec2:RunInstances").size(), "nothing is created unlooked-up");
        for (JsonNode o : json.get("outcomes")) {
            if (o.get("action").asText().equals("notify")) {
                continue; // the default security group, unmanaged
            }
            assertEquals("skipped", o.get("outcome").asText(), o::toString);
            assertEquals("unobserved", o.get("reason").asText(), o::toString);
        }
        assertTrue(StreamSupport.stream(json.get("outcomes").spliterator(), false)
                .anyMatch(o -> o.get("message").asText().contains("its circuit breaker opened after")), r::toString);
        assertTrue(r.err().contains("ovi: warning: circuit breaker for ec2 in us-east-1 opened after"), r::toString);
        assertTrue(r.err().contains("circuit breaker opened, so these were skipped for the rest of the run: "
                + "ec2/us-east-1"), r::toString);
        assertEquals(0, liveInstances());

        // what a cron operator's alert reads: the same figures in the metrics file
        List<Prometheus.Sample> samples = Prometheus.parse(metrics);
        assertEquals(2, Prometheus.value(samples, "ovi_aws_breaker_state", "service", "ec2", "region", "us-east-1"));
        assertEquals(ec2.get("throttles").asDouble(), Prometheus.value(samples, "ovi_aws_throttles", "service", "ec2"));
        assertEquals(refused, (long) Prometheus.value(samples, "ovi_aws_refused_calls", "service", "ec2"));
        assertEquals(3, Prometheus.value(samples, "ovi_last_run_exit_code"));
    }

    @Test
    void anEndpointThatHangsEndsTheRunAtTimeout() throws Exception {
        Path config = config(1);
        warmUp();
        int warm = proxy.requests("ec2:DescribeInstances").size();
        proxy.on("ec2:DescribeInstances", -1, FaultProxy.hang());

        long began = System.nanoTime();
        Cli.Result r = run("plan", config, dir.resolve("state"), "--timeout", "3s", "--attempt-timeout", "2s");
        Duration took = Duration.ofNanos(System.nanoTime() - began);

        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().contains("ovi: error: the run reached --timeout 3s"), r::toString);
        JsonNode unobserved = r.json().get("unobserved");
        assertTrue(StreamSupport.stream(unobserved.spliterator(), false).anyMatch(u -> u.get("type").asText().equals("ec2")
                && u.get("errorClass").asText().equals("unavailable")), r::toString);
        // no retry starts after the deadline: the attempt in flight then ends within --attempt-timeout
        // (6 attempts of 2s and their backoff would take more than 12s)
        assertTrue(took.compareTo(Duration.ofSeconds(3 + 2 + 5)) < 0, "took " + took + "; " + r);
        int attempts = proxy.requests("ec2:DescribeInstances").size() - warm;
        assertTrue(attempts >= 1 && attempts <= 3, attempts + " attempts; " + r);
    }

    @Test
    void aCreateCutShortByTheTimeoutIsRecordedAsEndedAndTheNextRunFindsItMade() throws Exception {
        Path config = config(1);
        Path state = dir.resolve("state");
        warmUp();
        CountDownLatch sent = new CountDownLatch(1);
        // RunInstances reaches moto and takes effect, but its reply never comes
        proxy.on("ec2:RunInstances", -1, (ex, req, p) -> {
            p.forward(req);
            sent.countDown();
            FaultProxy.hang().answer(ex, req, p);
        });

        Cli.Result r = run("apply", config, state, "--timeout", "5s", "--attempt-timeout", "7s");

        assertTrue(sent.await(0, TimeUnit.SECONDS), "the create was sent before the deadline: " + r);
        assertEquals(1, r.code(), r::toString);
        JsonNode outcome = r.json().get("outcomes").get(0);
        assertEquals("failed", outcome.get("outcome").asText(), r::toString);
        assertEquals("unavailable", outcome.get("errorClass").asText(), r::toString);
        assertTrue(outcome.get("message").asText().contains("the run reached --timeout 5s"), r::toString);
        assertEquals(1, proxy.requests("ec2:RunInstances").size(), "no retry after the deadline: " + r);
        assertEquals(1, liveInstances(), "moto made it");

        proxy.close();
        proxy = FaultProxy.start();
        Cli.Result again = run("apply", config, state);
        assertEquals(0, again.code(), again::toString);
        assertEquals(0, proxy.requests("ec2:RunInstances").size(), "found made, not made twice: " + again);
        assertEquals(1, liveInstances());
    }

    @Test
    void aRunStuckPastItsTimeoutOutsideAnyAwsCallStopsTheProcessAndTheNextRunSettlesIt() throws Exception {
        Path config = config(1);
        Path state = dir.resolve("state");
        warmUp();
        // the crash point holds the run still right before RunInstances, as a store that stopped answering
        // would: no AWS timeout bounds it, only the watchdog of --timeout
        Process p = Cli.process(List.of("-Dovi.crashpoint=before-call:web-0:1"), "apply", "-c", config.toString(),
                "--state-dir", state.toString(), "--auto-approve", "--endpoint-url", proxy.endpoint().toString(),
                // 15s: on a loaded machine the observation alone has taken more than 6s
                "--timeout", "15s", "--attempt-timeout", "1s", "--claim-ttl", "1s").redirectOutput(
                dir.resolve("stuck.out").toFile()).start();
        Cli.awaitLine(p, "crash point before-call:web-0:1 reached");
        String rest = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the process ends on its own");
        assertEquals(1, p.exitValue(), rest);
        assertTrue(rest.contains("ovi: error: the run reached --timeout 15s and is still going 6s later; the process "
                + "stops now"), rest);
        assertEquals(0, proxy.requests("ec2:RunInstances").size());

        // its claim lapses after --claim-ttl; the next run settles the executing entry and creates the instance
        Cli.Result again;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        do {
            again = run("apply", config, state);
            assertEquals(0, again.code(), again::toString);
        } while (liveInstances() == 0 && System.nanoTime() < until);
        assertEquals(1, liveInstances(), again::toString);
        assertEquals(1, proxy.requests("ec2:RunInstances").size(), again::toString);
    }

    @Test
    void answersThatAreNotTransientAreNeitherRetriedNorCountedAgainstTheService() throws Exception {
        Path config = config(1);
        proxy.on("ec2:DescribeInstances", -1, FaultProxy.body(403, "text/xml", "<?xml version=\"1.0\"?><Response>"
                + "<Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized.</Message></Error>"
                + "</Errors><RequestID>fault-proxy</RequestID></Response>"));
        proxy.on("ec2:DescribeSecurityGroups", -1, FaultProxy.body(400, "text/xml", "<?xml version=\"1.0\"?><Response>"
                + "<Errors><Error><Code>InvalidParameterValue</Code><Message>bad filter</Message></Error>"
                + "</Errors><RequestID>fault-proxy</RequestID></Response>"));

        Cli.Result r = run("plan", config, dir.resolve("state"));

        assertEquals(0, r.code(), "unobserved, without --detailed-exitcode: " + r);
        java.util.Map<String, String> classes = new java.util.HashMap<>();
        r.json().get("unobserved").forEach(u -> classes.put(u.get("type").asText(), u.get("errorClass").asText()));
        assertEquals(java.util.Map.of("ec2", "denied", "security-group", "invalid"), classes, r::toString);
        assertTrue(r.json().get("unobserved").get(0).get("error").asText().matches("(denied|invalid): .*"), r::toString);
        assertEquals(1, proxy.requests("ec2:DescribeInstances").size(), "denied is not retried");
        assertEquals(1, proxy.requests("ec2:DescribeSecurityGroups").size(), "invalid is not retried");
        JsonNode ec2 = r.json().get("aws").get("services").get("ec2");
        assertEquals(1, ec2.get("errors").get("denied").asLong(), r::toString);
        assertEquals(1, ec2.get("errors").get("invalid").asLong(), r::toString);
        JsonNode breaker = r.json().get("aws").get("breakers");
        breaker.forEach(b -> assertEquals("closed", b.get("state").asText(), r::toString));
    }

    @Test
    void badRateLimitsAndTimeoutsAreUsageErrors() throws Exception {
        Path config = config(1);
        Path state = dir.resolve("state");
        Cli.Result unknown = run("plan", config, state, "--rate-limit", "ec3=5");
        assertEquals(64, unknown.code(), unknown::toString);
        assertTrue(unknown.err().contains("--rate-limit takes SERVICE=READS[/WRITES] or off, SERVICE one of ec2, rds"),
                unknown::toString);
        Cli.Result zero = run("plan", config, state, "--rate-limit", "ec2=0");
        assertEquals(64, zero.code(), zero::toString);
        assertTrue(zero.err().contains("--rate-limit ec2 takes requests per second from 0.01 to 10000"), zero::toString);
        Cli.Result order = run("plan", config, state, "--call-timeout", "1s", "--attempt-timeout", "5s");
        assertEquals(64, order.code(), order::toString);
        assertTrue(order.err().contains("--call-timeout (1s) must not be shorter than --attempt-timeout (5s)"),
                order::toString);
        Cli.Result jitter = run("plan", config, state, "--jitter", "10s", "--timeout", "5s");
        assertEquals(64, jitter.code(), jitter::toString);
        assertTrue(jitter.err().contains("--jitter (10s) must be shorter than --timeout (5s)"), jitter::toString);
        assertFalse(Files.exists(state.resolve("wal")), "a usage error opens nothing");
        assertNotNull(proxy);
        assertEquals(0, proxy.requests().size(), "and calls nothing");
    }
}

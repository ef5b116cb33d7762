package ovi.cli;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ovi.aws.AwsSettings;
import ovi.aws.Traffic;
import ovi.config.OviConfig;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** How to reach AWS, and how hard to press it. */
public final class AwsOptions {
    @Option(names = "--profile", paramLabel = "NAME",
            description = "Named profile from ~/.aws/config or ~/.aws/credentials, SSO ones included (log in first "
                    + "with 'aws sso login --profile NAME'; default: the SDK's default credential chain).")
    String profile;

    @Option(names = "--region", paramLabel = "REGION", description =
            "The default region when the config has no 'region:' (default: AWS_REGION, else the "
            + "profile's region). A resource's own region wins, then the config's region; when the "
            + "config's region differs from this or AWS_REGION, ovi says so. 'ovi import' takes several, "
            + "comma-separated: the regions to read, the first the config's region.")
    String region;

    @Option(names = "--endpoint-url", paramLabel = "URL",
            description = "Send every AWS call to this endpoint (default: the AWS_ENDPOINT_URL variable, else AWS itself).")
    String endpointUrl;

    @Option(names = "--rate-limit", paramLabel = "SERVICE=READS[/WRITES]|off", split = ",",
            description = "Requests per second sent to a service, reads (Describe, List, Get) and writes, shared by "
            + "every "
            + "thread of the run: ec2=10/2, s3=50. Repeatable; wins over the config's rateLimits. 'off' sends "
            + "as fast as the run goes. Defaults, below AWS's quotas: ec2 18/4, rds 10/4, s3 100/20, iam 10/4, "
            + "dynamodb 10/4, lambda 10/4, sqs 50/20, sns 20/10.")
    List<String> rateLimits = List.of();

    @Option(names = "--attempt-timeout", paramLabel = "DURATION", converter = AttemptTimeout.class,
            description = "How long one HTTP attempt may take (default: 20s).")
    Duration attemptTimeout;

    @Option(names = "--call-timeout", paramLabel = "DURATION", converter = CallTimeout.class,
            description = "How long one AWS call may take, retries and their backoff included (default: 60s).")
    Duration callTimeout;

    @Option(names = "--retry-mode", paramLabel = "MODE", defaultValue = "standard",
            description = "The SDK's retry mode: standard (backoff with jitter) or adaptive (also slows its own "
            + "sending "
            + "after throttling). Either way at most 6 attempts a call (default: ${DEFAULT-VALUE}).")
    RetryMode retryMode = RetryMode.standard;

    enum RetryMode { standard, adaptive }

    /** The per-attempt timeout this run uses. */
    Duration attemptTimeout() {
        return attemptTimeout != null ? attemptTimeout : Traffic.Policy.ATTEMPT_TIMEOUT;
    }

    /** A default region from outside the config, and where it came from, for {@code ovi.config.ConfigLoader}. */
    record Fallback(String region, String from, boolean explicit) {
    }

    /**
     * The default region this run offers a config that names none: {@code --region}, else {@code AWS_REGION},
     * else the profile's region; null when none. A --region that is not an AWS region is a usage error naming
     * it; a bad AWS_REGION or profile region is a config problem, only when the config has no region.
     */
    static Fallback fallback(String region, String profile, CommandLine cl) {
        Fallback f = region != null ? new Fallback(region.trim(), "--region", true)
                : System.getenv("AWS_REGION") != null && !System.getenv("AWS_REGION").isBlank()
                ? new Fallback(System.getenv("AWS_REGION").trim(), "AWS_REGION", true)
                : java.util.Optional.ofNullable(AwsSettings.profileRegion(profile))
                        .map(r -> new Fallback(r, "the region of profile " + (profile != null ? profile
                                : System.getenv().getOrDefault("AWS_PROFILE", "default")), false)).orElse(null);
        // a bad AWS_REGION or profile region matters only to a config that has no region: the config says so then
        if (f != null && f.from().equals("--region") && !ovi.config.ConfigLoader.knownRegion(f.region())) {
            throw new CommandLine.ParameterException(cl, f.from() + " '" + f.region() + "' is not an AWS region "
                    + "this ovi knows, such as us-east-1");
        }
        return f;
    }

    Fallback fallback(CommandLine cl) {
        return fallback(region, profile, cl);
    }

    /**
     * The one line said when the config's own region is not the one --region or AWS_REGION gives: the config
     * wins, and a person who set the other should know.
     */
    static java.util.Optional<String> disagreement(Fallback f, OviConfig config) {
        if (f == null || !f.explicit() || f.region().equals(config.region())) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("the config's region " + config.region() + " is this run's default region, not "
                + f.region() + " from " + f.from() + ": a region in the config wins (leave it out of the config to "
                + "choose it per run)");
    }

    /** The config, its default region from this run's options when it names none; the disagreement said once. */
    OviConfig loadConfig(java.nio.file.Path file, CommandLine cl, java.util.function.Consumer<String> warn) {
        return loadConfig(file, cl, warn, null);
    }

    /** ... checking in {@code secrets} the notify targets' secrets, for a run that will notify (null: not checked). */
    OviConfig loadConfig(java.nio.file.Path file, CommandLine cl, java.util.function.Consumer<String> warn,
                         java.util.function.Function<String, String> secrets) {
        Fallback f = fallback(cl);
        OviConfig config = Session.loadConfig(file, f, secrets);
        disagreement(f, config).ifPresent(warn);
        return config;
    }

    public AwsSettings settings() {
        return AwsSettings.of(profile, endpointUrl);
    }

    /** How this run talks to AWS: the options, over the config's rateLimits, over the defaults. */
    Traffic.Policy policy(OviConfig config, CommandLine cl) {
        Map<String, Traffic.Rate> rates = new LinkedHashMap<>();
        boolean paced = true;
        config.rateLimits().forEach((service, r) -> {
            Traffic.Rate d = Traffic.Policy.defaults().rate(service);
            rates.put(service, new Traffic.Rate(r.reads() != null ? r.reads() : d.reads(),
                    r.writes() != null ? r.writes() : d.writes()));
        });
        for (String spec : rateLimits) {
            String s = spec.trim();
            if (s.equals("off")) {
                paced = false;
                continue;
            }
            int eq = s.indexOf('=');
            String service = eq < 0 ? "" : s.substring(0, eq).trim();
            if (!ovi.config.ConfigLoader.rateServices().contains(service)) {
                throw new CommandLine.ParameterException(cl, "--rate-limit takes SERVICE=READS[/WRITES] or off, "
                        + "SERVICE one of " + String.join(", ", ovi.config.ConfigLoader.rateServices()) + "; not '" + spec + "'");
            }
            String[] parts = s.substring(eq + 1).split("/", -1);
            try {
                Traffic.Rate d = rates.getOrDefault(service, Traffic.Policy.defaults().rate(service));
                double reads = rate(parts[0]);
                double writes = parts.length > 1 ? rate(parts[1]) : d.writes();
                if (parts.length > 2) {
                    throw new NumberFormatException();
                }
                rates.put(service, new Traffic.Rate(reads, writes));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, "--rate-limit " + service + " takes requests per second "
                        + "from 0.01 to 10000, READS or READS/WRITES such as ec2=10/2; not '" + spec + "'");
            }
        }
        Traffic.Policy d = Traffic.Policy.defaults();
        Duration attempt = attemptTimeout != null ? attemptTimeout : d.attemptTimeout();
        Duration call = callTimeout != null ? callTimeout : d.callTimeout();
        if (call.compareTo(attempt) < 0) {
            throw new CommandLine.ParameterException(cl, "--call-timeout (" + ovi.model.Durations.format(call)
                    + ") must not be shorter than --attempt-timeout (" + ovi.model.Durations.format(attempt) + ")");
        }
        return new Traffic.Policy(rates, paced, attempt, call, retryMode == RetryMode.adaptive, true);
    }

    private static double rate(String s) {
        double d = Double.parseDouble(s.trim());
        if (!(d >= 0.01 && d <= 10_000)) {
            throw new NumberFormatException(s);
        }
        return d;
    }

    static final class AttemptTimeout extends Durations.Bounded {
        AttemptTimeout() {
            super("--attempt-timeout", Duration.ofMillis(100), Duration.ofMinutes(10));
        }
    }

    static final class CallTimeout extends Durations.Bounded {
        CallTimeout() {
            super("--call-timeout", Duration.ofMillis(100), Duration.ofHours(1));
        }
    }
}

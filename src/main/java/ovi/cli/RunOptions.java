package ovi.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import ovi.engine.OviException;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** How long a run may take, and when it starts: for cron. */
public final class RunOptions {
    @Option(names = "--timeout", paramLabel = "DURATION", converter = Timeout.class, description = {
        "End the run this long after it started (jitter included): no AWS call or retry",
        "starts after it, actions not started are skipped, one in flight ends within",
        "--attempt-timeout and is recorded as it ended (its create converges next run),",
        "and the run exits 1. Set it below the cron interval (default: no limit)."})
    Duration timeout;

    @Option(names = "--jitter", paramLabel = "DURATION", converter = Jitter.class, description = {
        "Wait a random time up to this long before starting, so cron jobs on many hosts",
        "do not all call AWS in the same second: 30s, 2m (default: none)."})
    Duration jitter;

    /** When the run must end, counted from {@code started}, or null. */
    Instant deadline(Instant started) {
        return timeout == null ? null : started.plus(timeout);
    }

    void check(CommandLine cl) {
        if (timeout != null && jitter != null && jitter.compareTo(timeout) >= 0) {
            throw new CommandLine.ParameterException(cl, "--jitter (" + ovi.model.Durations.format(jitter)
                    + ") must be shorter than --timeout (" + ovi.model.Durations.format(timeout) + "), which counts it");
        }
    }

    /** Waits the random part of {@code --jitter}, saying how long. */
    void waitJitter(Consumer<String> progress) {
        if (jitter == null || jitter.isZero()) {
            return;
        }
        long ms = ThreadLocalRandom.current().nextLong(jitter.toMillis() + 1);
        progress.accept("waiting " + ovi.model.Durations.format(Duration.ofMillis(ms)) + " before starting (--jitter "
                + ovi.model.Durations.format(jitter) + ")");
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw OviException.failure("interrupted while waiting out --jitter; nothing was done");
        }
    }

    /**
     * Sets the run's deadline on its traffic, and where its breakers warn: the run's log, even with -q (a cron
     * log must show why a scope was skipped); with {@code debug}, every attempt is logged too.
     */
    void setUp(ovi.aws.Traffic traffic, Instant started, Log log, boolean debug) {
        Instant d = deadline(started);
        if (d != null) {
            traffic.deadline(d, reached());
        }
        traffic.warnTo(log::warn);
        if (debug) {
            traffic.debugTo(log::debug);
        }
    }

    /** The error message of a run that reached its deadline. */
    String reached() {
        return "the run reached --timeout " + ovi.model.Durations.format(timeout);
    }

    static final class Timeout extends Durations.Bounded {
        Timeout() {
            super("--timeout", Duration.ofSeconds(1), Duration.ofDays(1));
        }
    }

    static final class Jitter extends Durations.Bounded {
        Jitter() {
            super("--jitter", Duration.ZERO, Duration.ofHours(1));
        }
    }
}

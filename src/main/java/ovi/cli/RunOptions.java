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
    @Option(names = "--timeout", paramLabel = "DURATION", converter = Timeout.class,
            description = "End the run this long after it started (jitter included): no AWS call or retry starts "
            + "after it, "
            + "actions not started are skipped, one in flight ends within --attempt-timeout and is recorded as "
            + "it ended (its create converges next run), and the run exits 1. Set it below the cron interval "
            + "(default: no limit).")
    Duration timeout;

    @Option(names = "--jitter", paramLabel = "DURATION", converter = Jitter.class,
            description = "Wait a random time up to this long before starting, so cron jobs on many hosts do not all "
            + "call "
            + "AWS in the same second: 30s, 2m (default: none).")
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

    /** Set by {@code Ovi.main}: a run past its deadline may stop the process (never when ovi runs in-process). */
    private static volatile boolean mayHalt;

    /** For {@code main} only: a run stuck past --timeout ends the process, as kill -9 would. */
    public static void mayStopTheProcess() {
        mayHalt = true;
    }

    /** How long past the deadline and the attempt in flight a run may go on writing its outcome. */
    static final Duration GRACE = Duration.ofSeconds(5);

    /**
     * The last resort of --timeout, for what no AWS timeout bounds (a store that stopped answering, a lock
     * never released): once {@code attemptTimeout} and {@link #GRACE} have passed after the deadline, the run
     * says so and the process exits 1 at once. Nothing recorded is lost: the WAL's executing entries say
     * what was in flight, and the next run settles them as after a crash. Closing it disarms it.
     */
    /** An armed watchdog; closing it disarms it. */
    interface Armed extends AutoCloseable {
        @Override
        void close();
    }

    Armed watchdog(Instant started, Duration attemptTimeout, Log log, Runnable beforeHalt) {
        Instant d = deadline(started);
        if (d == null || !mayHalt) {
            return () -> { };
        }
        Instant at = d.plus(attemptTimeout).plus(GRACE);
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(Math.max(0, Duration.between(Instant.now(), at).toMillis()));
            } catch (InterruptedException e) {
                return; // the run ended in time
            }
            log.error(reached() + " and is still going " + ovi.model.Durations.format(attemptTimeout.plus(GRACE))
                    + " later; the process stops now (what was in flight is settled by the next run, as after a crash)");
            try {
                beforeHalt.run();
            } finally {
                Runtime.getRuntime().halt(ovi.engine.ExitCode.ERROR);
            }
        }, "ovi-timeout");
        t.setDaemon(true);
        t.start();
        return t::interrupt;
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

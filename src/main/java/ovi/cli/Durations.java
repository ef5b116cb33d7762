package ovi.cli;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import picocli.CommandLine;

/** Durations and points in time on the command line, as picocli converters. */
final class Durations {
    static final String EXPECTED_DURATION = ovi.model.Durations.EXPECTED;
    static final String EXPECTED_TIME = "a duration ago (2h, 7d), an ISO time (2026-11-21T03:10:00Z), "
            + "a local date-time (2026-11-21T03:10) or a date (2026-11-21)";

    private Durations() {
    }

    /** ovi's one duration grammar: see {@link ovi.model.Durations#parse}. */
    static Duration parse(String s) {
        return ovi.model.Durations.parse(s);
    }

    /** A point in time: a duration counts back from {@code now}; local times are in {@code zone}. */
    static Instant time(String s, Instant now, ZoneId zone) {
        String t = s.trim();
        try {
            return now.minus(parse(t));
        } catch (IllegalArgumentException notADuration) {
            // try the absolute forms
        }
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeException ignored) {
            // no offset
        }
        try {
            return LocalDateTime.parse(t).atZone(zone).toInstant();
        } catch (DateTimeException ignored) {
            // no time
        }
        try {
            return LocalDate.parse(t).atStartOfDay(zone).toInstant();
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("'" + s + "' is not " + EXPECTED_TIME);
        }
    }

    /**
     * A duration option with its own bounds, in the one grammar: out of bounds is a usage error (exit 64)
     * that names the option and its range.
     */
    abstract static class Bounded implements CommandLine.ITypeConverter<Duration> {
        private final String option;
        private final Duration min;
        private final Duration max;

        Bounded(String option, Duration min, Duration max) {
            this.option = option;
            this.min = min;
            this.max = max;
        }

        @Override
        public Duration convert(String value) {
            Duration d;
            try {
                d = parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new CommandLine.TypeConversionException(option + " must be from "
                        + ovi.model.Durations.format(min) + " to " + ovi.model.Durations.format(max) + ", not '" + value
                        + "'");
            }
            return d;
        }
    }

    /** How long a claim outlives a process that died holding it. */
    static final class ClaimTtl extends Bounded {
        ClaimTtl() {
            super("--claim-ttl", Duration.ofMillis(100), Duration.ofDays(1));
        }
    }

    /** From the start of one watched run to the start of the next. */
    static final class Interval extends Bounded {
        Interval() {
            super("--interval", Duration.ofMillis(100), Duration.ofDays(7));
        }
    }

    /** How often ovi watch apply reconciles every resource even when nothing changed. */
    static final class Resync extends Bounded {
        Resync() {
            super("--resync", Duration.ofSeconds(1), Duration.ofDays(30));
        }
    }

    /** The first and the longest wait of ovi watch apply's backoff after a failed action. */
    static final class Backoff extends Bounded {
        Backoff() {
            super("--backoff-base and --backoff-max", Duration.ofMillis(100), Duration.ofDays(1));
        }
    }

    /** How old the last successful run may be for a health check to pass. */
    static final class MaxAge extends Bounded {
        MaxAge() {
            super("--max-age", Duration.ofSeconds(1), Duration.ofDays(3650));
        }
    }

    /** How much WAL history to keep: the WAL is pruned by whole days. */
    static final class Retention extends Bounded {
        Retention() {
            super("--wal-retention", Duration.ofDays(1), Duration.ofDays(3650));
        }
    }

    /** picocli converter for --since/--until, relative to the moment the command line is parsed. */
    static final class TimeConverter implements CommandLine.ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return time(value, Instant.now(), ZoneId.systemDefault());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}

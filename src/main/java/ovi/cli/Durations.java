package ovi.cli;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** ovi's one duration grammar ({@code 500ms 30s 1h30m 2d 1w}, ISO-8601 {@code PT2H}) and points in time. */
final class Durations {
    /** One part of a duration: a whole number and a unit. */
    private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|w|d|h|m|s)");
    private static final java.util.List<String> UNITS = java.util.List.of("w", "d", "h", "m", "s", "ms");
    static final String EXPECTED_DURATION = "a duration such as 500ms, 30s, 15m, 1h30m, 2d, 1w or PT2H";
    static final String EXPECTED_TIME = "a duration ago (2h, 7d), an ISO time (2026-11-21T03:10:00Z), "
            + "a local date-time (2026-11-21T03:10) or a date (2026-11-21)";

    private Durations() {
    }

    /**
     * The one duration grammar of every option: parts of a whole number and a unit, largest unit first,
     * each unit at most once ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h30m}, {@code 2d}, {@code 1w}),
     * or ISO-8601 ({@code PT2H}). Never negative.
     */
    static Duration parse(String s) {
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.startsWith("p")) {
            try {
                Duration d = Duration.parse(t.toUpperCase(java.util.Locale.ROOT));
                if (!d.isNegative()) {
                    return d;
                }
            } catch (RuntimeException e) {
                // reported below
            }
            throw new IllegalArgumentException("'" + s + "' is not " + EXPECTED_DURATION);
        }
        Matcher m = PART.matcher(t);
        Duration total = Duration.ZERO;
        int at = 0;
        int lastUnit = -1;
        while (at < t.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException("'" + s + "' is not " + EXPECTED_DURATION);
            }
            int unit = UNITS.indexOf(m.group(2));
            if (unit <= lastUnit) {
                throw new IllegalArgumentException("'" + s + "' is not " + EXPECTED_DURATION
                        + " (largest unit first, each unit once)");
            }
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "w" -> Duration.ofDays(7 * n);
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMillis(n);
            });
            lastUnit = unit;
            at = m.end();
        }
        if (at == 0) {
            throw new IllegalArgumentException("'" + s + "' is not " + EXPECTED_DURATION);
        }
        return total;
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

    /** picocli converter: a bad duration is a usage error (exit 64) saying what was expected. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
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

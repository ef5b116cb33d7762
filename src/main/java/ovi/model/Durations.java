package ovi.model;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** ovi's one duration grammar ({@code 500ms 30s 1h30m 2d 1w}, ISO-8601 {@code PT2H}), for options and config alike. */
public final class Durations {
    /** One part of a duration: a whole number and a unit. */
    private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|w|d|h|m|s)");
    private static final List<String> UNITS = List.of("w", "d", "h", "m", "s", "ms");
    public static final String EXPECTED = "a duration such as 500ms, 30s, 15m, 1h30m, 2d, 1w or PT2H";

    private Durations() {
    }

    /**
     * The one duration grammar of every option: parts of a whole number and a unit, largest unit first,
     * each unit at most once ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h30m}, {@code 2d}, {@code 1w}),
     * or ISO-8601 ({@code PT2H}). Never negative.
     */
    public static Duration parse(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("p")) {
            try {
                Duration d = Duration.parse(t.toUpperCase(Locale.ROOT));
                if (!d.isNegative()) {
                    return d;
                }
            } catch (RuntimeException e) {
                // reported below
            }
            throw new IllegalArgumentException("'" + s + "' is not " + EXPECTED);
        }
        Matcher m = PART.matcher(t);
        Duration total = Duration.ZERO;
        int at = 0;
        int lastUnit = -1;
        while (at < t.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException("'" + s + "' is not " + EXPECTED);
            }
            int unit = UNITS.indexOf(m.group(2));
            if (unit <= lastUnit) {
                throw new IllegalArgumentException("'" + s + "' is not " + EXPECTED
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
            throw new IllegalArgumentException("'" + s + "' is not " + EXPECTED);
        }
        return total;
    }

    /** A duration in the grammar's own form, largest unit first ({@code 1h30m}, {@code 14d}, {@code 0s}). */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        long ms = d.toMillis();
        long[] sizes = {7L * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1};
        for (int i = 0; i < sizes.length; i++) {
            if (ms >= sizes[i]) {
                sb.append(ms / sizes[i]).append(UNITS.get(i));
                ms %= sizes[i];
            }
        }
        return sb.toString();
    }
}

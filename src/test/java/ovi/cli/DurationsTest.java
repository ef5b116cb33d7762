package ovi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @ParameterizedTest
    @CsvSource({"30s,PT30S", "15m,PT15M", "2h,PT2H", "7d,PT168H", "2w,PT336H", "PT2H,PT2H", "pt90m,PT1H30M",
        "500ms,PT0.5S", "1500ms,PT1.5S", "1h30m,PT1H30M", "2d12h,PT60H", "1w2d3h4m5s6ms,PT219H4M5.006S", "90s,PT1M30S"})
    void durations(String text, String iso) {
        assertEquals(Duration.parse(iso), Durations.parse(text));
    }

    @ParameterizedTest
    @CsvSource({
        "2h,2026-11-21T10:00:00Z",
        "2026-11-21T03:10:00Z,2026-11-21T03:10:00Z",
        "2026-11-21T03:10:00+01:00,2026-11-21T02:10:00Z",
        "2026-11-21T03:10,2026-11-21T02:10:00Z",
        "2026-11-21,2026-11-20T23:00:00Z",
    })
    void times(String text, String instant) {
        assertEquals(Instant.parse(instant), Durations.time(text, NOW, BERLIN));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "2", "2x", "-2h", "two hours", "PT-2H", "30m1h", "1h1h", "1h 30m", "soon", "h"})
    void badDurationsSayWhatWasExpected(String text) {
        var e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertTrue(e.getMessage().contains("500ms, 30s, 15m, 1h30m, 2d, 1w"), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void everyDurationOptionReadsTheSameGrammar() {
        // --claim-ttl had a twin parser of its own that knew ms but not days; --interval the reverse
        var picocli = new picocli.CommandLine(new ApplyCommand());
        picocli.parseArgs("-c", "x.yaml", "--claim-ttl", "1h30m");
        assertEquals(Duration.ofMinutes(90), ((ApplyCommand) picocli.getCommand()).claimTtl);
        picocli = new picocli.CommandLine(new ApplyCommand());
        picocli.parseArgs("-c", "x.yaml", "--claim-ttl", "500ms");
        assertEquals(Duration.ofMillis(500), ((ApplyCommand) picocli.getCommand()).claimTtl);
        var watch = new picocli.CommandLine(new WatchCommand()).setStopAtPositional(true);
        watch.parseArgs("--interval", "500ms", "plan", "-c", "x.yaml");
        assertEquals(Duration.ofMillis(500), ((WatchCommand) watch.getCommand()).interval);
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "2026-13-01", "21/11/2026 03:10"})
    void badTimesSayWhatWasExpected(String text) {
        var e = assertThrows(IllegalArgumentException.class, () -> Durations.time(text, NOW, BERLIN));
        assertTrue(e.getMessage().contains("2026-11-21T03:10:00Z"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"--claim-ttl,2d,--claim-ttl must be from 100ms to 1d, not '2d'",
        "--claim-ttl,0s,--claim-ttl must be from 100ms to 1d, not '0s'"})
    void eachDurationOptionHasItsOwnBounds(String option, String value, String message) {
        var picocli = new picocli.CommandLine(new ApplyCommand());
        var e = assertThrows(picocli.CommandLine.ParameterException.class,
                () -> picocli.parseArgs("-c", "x.yaml", option, value));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void theOtherDurationOptionsAreBoundedToo() {
        assertThrows(picocli.CommandLine.TypeConversionException.class, () -> new Durations.Interval().convert("8d"));
        assertEquals(Duration.ofDays(7), new Durations.Interval().convert("1w"));
        assertThrows(picocli.CommandLine.TypeConversionException.class, () -> new Durations.Retention().convert("12h"),
                "the WAL is pruned by whole days");
        assertEquals(Duration.ofDays(30), new Durations.Retention().convert("30d"));
        assertThrows(picocli.CommandLine.TypeConversionException.class, () -> new Durations.MaxAge().convert("500ms"));
    }
}

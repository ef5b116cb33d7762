package ovi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ApplyCommandTest {
    final ApplyCommand.DurationConverter convert = new ApplyCommand.DurationConverter();

    @Test
    void durationsAsPeopleWriteThem() {
        assertEquals(Duration.ofSeconds(90), convert.convert("90s"));
        assertEquals(Duration.ofMinutes(5), convert.convert("5m"));
        assertEquals(Duration.ofHours(1), convert.convert("1h"));
        assertEquals(Duration.ofMillis(1500), convert.convert("1500ms"));
        assertEquals(Duration.ofMinutes(5), convert.convert("PT5M"));
        assertThrows(CommandLine.TypeConversionException.class, () -> convert.convert("soon"));
        assertThrows(CommandLine.TypeConversionException.class, () -> convert.convert("5d"));
        assertThrows(CommandLine.TypeConversionException.class, () -> convert.convert(""));
    }
}

package ovi.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StorageSizeTest {

    @ParameterizedTest(name = "{0} is {1} GiB")
    @CsvSource({
            "20Gi, 20",
            "20, 20",
            "20G, 20",
            "20480Mi, 20",
            "20480M, 20",
            "0.5Ti, 512",
            "0.5T, 512",
            "1Ti, 1024",
            "1048576Ki, 1",
            "2.0Gi, 2",
    })
    void readsSizesInWholeGiB(String text, long expected) {
        assertEquals(expected, StorageSize.parseGiB(text));
    }

    @ParameterizedTest(name = "{0} is accepted at the edge")
    @CsvSource({"1, 1", "65536, 65536", "64Ti, 65536", "1024Mi, 1"})
    void acceptsTheLimits(String text, long expected) {
        assertEquals(expected, StorageSize.parseGiB(text));
    }

    @ParameterizedTest(name = "''{0}'' is malformed")
    @ValueSource(strings = {"20 GB", "abc", "-5Gi", "", "1e3Gi", "20GB", "20gi", " 20Gi", "20Gi ", ".5Ti", "5.Ti",
            "+5Gi", "20Pi", "Gi"})
    void rejectsMalformedSizesNamingTheValue(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StorageSize.parseGiB(text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("malformed"), e.getMessage());
    }

    @ParameterizedTest(name = "''{0}'' is not whole GiB")
    @ValueSource(strings = {"1.5Gi", "1536Mi", "100Ki", "0.3T"})
    void rejectsFractionsOfAGiB(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StorageSize.parseGiB(text));
        assertTrue(e.getMessage().contains("'" + text + "'") && e.getMessage().contains("whole GiB"), e.getMessage());
    }

    @ParameterizedTest(name = "''{0}'' is out of range")
    @ValueSource(strings = {"0", "0Gi", "0.0Ti", "65537", "65Ti", "100T"})
    void rejectsSizesOutOfRange(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StorageSize.parseGiB(text));
        assertTrue(e.getMessage().contains("'" + text + "'")
                && (e.getMessage().contains("minimum") || e.getMessage().contains("maximum")), e.getMessage());
    }

    @Test
    void rejectsNull() {
        assertThrows(IllegalArgumentException.class, () -> StorageSize.parseGiB(null));
    }
}

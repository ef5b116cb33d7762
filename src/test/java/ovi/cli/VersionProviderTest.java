package ovi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code ovi --version}: what the build wrote, the commit included. */
class VersionProviderTest {
    @Test
    void versionNamesTheCommitAndTheBuildTime() {
        String[] lines = new VersionProvider().getVersion();

        assertEquals(3, lines.length, String.join("\n", lines));
        assertTrue(lines[0].matches("ovi \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), lines[0]);
        assertTrue(lines[1].matches("commit ([0-9a-f]{12}|unknown), built \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), lines[1]);
        assertTrue(lines[2].startsWith("Java 17") || lines[2].startsWith("Java 2"), lines[2]);
    }
}

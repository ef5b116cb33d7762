package ovi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ImportNamesTest {

    @Test
    void aNameTagIsLowerCasedWithEachRunOfOtherCharactersOneDash() {
        assertEquals("web-server-1", ImportNames.sanitise("Web Server #1"));
        assertEquals("a-b-c", ImportNames.sanitise("a: b\n\"c\""));
        assertEquals("cafe-creme", ImportNames.sanitise("Café Crème"));
    }

    @Test
    void leadingDigitsAndDashesAreDroppedSoTheNameStartsWithALetter() {
        assertEquals("web", ImportNames.sanitise("--1-web--"));
        assertNull(ImportNames.sanitise("1234 !!"));
        assertNull(ImportNames.sanitise("日本"));
        assertNull(ImportNames.sanitise(""));
    }

    @Test
    void aLongNameIsCutToFortyOneCharactersWithoutATrailingDash() {
        String s = ImportNames.sanitise("x".repeat(40) + "-yyyy" + "z".repeat(10_000));
        assertEquals("x".repeat(40), s);
        assertTrue(ImportNames.valid(s));
        assertEquals(ImportNames.MAX, ImportNames.sanitise("a".repeat(500)).length());
    }

    @Test
    void withoutANameTagTheCloudIdGivesTheName() {
        assertEquals("i-0abc123", ImportNames.derive(null, "i-0abc123", "ec2", Set.of()));
        assertEquals("my-bucket-logs", ImportNames.derive("", "my.bucket.logs", "s3", Set.of()));
        assertEquals("ec2", ImportNames.derive("###", "0000", "ec2", Set.of()));
    }

    @Test
    void aNameTakenAlreadyGetsTheFirstFreeNumber() {
        Set<String> taken = new HashSet<>();
        for (String expected : new String[] {"web", "web-2", "web-3"}) {
            String name = ImportNames.derive("Web", "i-1", "ec2", taken);
            assertEquals(expected, name);
            taken.add(name);
        }
    }

    @Test
    void aNumberedLongNameIsCutShortToStayValid() {
        Set<String> taken = new HashSet<>();
        String first = ImportNames.derive("a".repeat(60), "i-1", "ec2", taken);
        taken.add(first);
        String second = ImportNames.derive("a".repeat(60), "i-2", "ec2", taken);
        assertEquals("a".repeat(39) + "-2", second);
        assertTrue(ImportNames.valid(second));
        assertTrue(ImportNames.valid(second + "-0".substring(0, 0)));
    }

    @Test
    void everyDerivedNameIsValid() {
        Set<String> taken = new HashSet<>();
        for (String tag : new String[] {"yes", "null", "~", "a: b", "#x", "'q'", "\"q\"", "x\ny", "-", "Ünïcödé",
                "x".repeat(300), "9lives", "UPPER_case"}) {
            String n = ImportNames.derive(tag, "id-" + tag.length(), "sqs", taken);
            assertTrue(ImportNames.valid(n), n);
            assertTrue(taken.add(n), "not told apart: " + n);
        }
    }
}

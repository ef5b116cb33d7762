package ovi.aws.rds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RdsNamesTest {

    @ParameterizedTest
    @CsvSource({
        "team-web, db-0, team-web-db-0",
        "Team_Web, db-0, team-web-db-0",
        "team--web., db-0, team-web-db-0",
        "9lives, db-0, ovi-9lives-db-0",
        "_x_, db-0, x-db-0",
    })
    void identifiersAreValidAndDerivedFromOwnerAndId(String owner, String id, String expected) {
        assertEquals(expected, RdsNames.identifier(owner, id));
    }

    @ParameterizedTest
    @CsvSource({
        "a.very.long.owner.name.of.sixty.four.characters.exactly.ok.yes, some-database-0",
        "team-web, a-name-of-forty-one-characters-long-xxxxx-0",
    })
    void longIdentifiersAreCutAndKeptApartByAHash(String owner, String id) {
        String a = RdsNames.identifier(owner, id);
        String b = RdsNames.identifier(owner, id.replace("-0", "-1"));
        for (String s : new String[] {a, b}) {
            assertTrue(s.matches("[a-z](?:[a-z0-9]|-(?!-))*"), s);
            assertTrue(s.length() <= 63, s);
            assertTrue(!s.endsWith("-"), s);
        }
        if (a.length() == 63) {
            assertNotEquals(a, b);
        }
        assertEquals(a, RdsNames.identifier(owner, id), "the same owner and id always give the same identifier");
    }
}

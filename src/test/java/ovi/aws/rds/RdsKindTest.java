package ovi.aws.rds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import ovi.config.ConfigException;
import ovi.config.ConfigLoader;
import ovi.config.Problem;
import ovi.model.DesiredResource;
import ovi.model.Field;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The RDS kind's field readers, through the config as a user writes it. */
class RdsKindTest {
    private static final String HEADER = """
            version: v1
            provider: aws
            region: us-east-1
            owner: team-web
            resources:
              - type: rds
                name: db
                size: db.t3.micro
                engine: postgres
                storage: 20Gi
            """;

    static DesiredResource db(String extra) throws ConfigException {
        return ConfigLoader.parse(HEADER + extra, Path.of("ovi.yaml")).desired().get(0);
    }

    static Problem problem(String extra) {
        ConfigException e = assertThrows(ConfigException.class, () -> db(extra));
        assertEquals(1, e.problems().size(), e::getMessage);
        return e.problems().get(0);
    }

    @Test
    void aDatabaseIsSecureByDefault() throws ConfigException {
        DesiredResource d = db("");
        assertEquals("true", d.attribute("deletionProtection"));
        assertEquals("true", d.attribute("storageEncrypted"));
        assertEquals("false", d.attribute("publiclyAccessible"));
        for (String leftToAws : List.of("subnetGroup", "securityGroups", "multiAz", "backupRetention")) {
            assertNull(d.attribute(leftToAws), leftToAws + " left out is AWS's choice, not compared");
        }
    }

    @Test
    void anExplicitValueWinsOverEachSecureDefault() throws ConfigException {
        DesiredResource d = db("""
                    deletionProtection: false
                    storageEncrypted: false
                    publiclyAccessible: true
                    multiAz: true
                """);
        assertEquals(Map.of("deletionProtection", "false", "storageEncrypted", "false", "publiclyAccessible", "true",
                "multiAz", "true"), Map.of("deletionProtection", d.attribute("deletionProtection"), "storageEncrypted",
                d.attribute("storageEncrypted"), "publiclyAccessible", d.attribute("publiclyAccessible"), "multiAz",
                d.attribute("multiAz")));
    }

    @Test
    void storageEncryptionCannotChangeInPlaceAndDeletionProtectionGuardsDeletes() {
        assertTrue(RdsKind.TYPE.field("storageEncrypted").orElseThrow().fixed());
        assertEquals(List.of("deletionProtection"), RdsKind.TYPE.deletionProtection().stream().toList());
        assertTrue(RdsKind.TYPE.fields().stream().filter(f -> !f.name().equals("storageEncrypted"))
                .noneMatch(Field::fixed), "every other setting is changed in place");
    }

    @ParameterizedTest
    @CsvSource({"7d, 7", "1w, 7", "0, 0", "0d, 0", "35d, 35", "5w, 35", "14, 14", "P3D, 3"})
    void backupRetentionIsWholeDaysInTheDurationGrammarOrABareNumberOfDays(String written, String days)
            throws ConfigException {
        assertEquals(days, db("    backupRetention: " + written + "\n").attribute("backupRetention"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "36d | out of range: 0d (no automated backups) to 35d",
        "6w | out of range",
        "-1 | out of range",
        "12h | not whole days",
        "1d12h | not whole days",
        "soon | is not a duration such as",
        "true | expected a duration in whole days such as 7d",
    })
    void backupRetentionOutsideZeroToThirtyFiveDaysIsAConfigError(String written, String fragment) {
        Problem p = problem("    backupRetention: " + written + "\n");
        assertEquals("resources[0].backupRetention", p.key(), p::toString);
        assertTrue(p.message().contains(fragment), p::toString);
    }

    @Test
    void backupRetentionReadsToPeopleAsADuration() {
        Field f = RdsKind.TYPE.field("backupRetention").orElseThrow();
        assertEquals("1w", f.show("7"));
        assertEquals("0d", f.show("0"));
        assertEquals("1d", f.show("1"));
        assertEquals("5w", f.show("35"));
    }

    @Test
    void securityGroupsAreASetOfIds() throws ConfigException {
        DesiredResource d = db("    securityGroups: [sg-0123456789abcdef0, sg-12345678, sg-0123456789abcdef0]\n");
        assertEquals("sg-0123456789abcdef0\nsg-12345678", d.attribute("securityGroups"), "sorted, once each");
        assertEquals("sg-12345678", db("    securityGroups: sg-12345678\n").attribute("securityGroups"),
                "a single id is a set of one");
        assertEquals("[sg-0123456789abcdef0, sg-12345678]",
                RdsKind.TYPE.field("securityGroups").orElseThrow().show(d.attribute("securityGroups")));
        assertEquals(java.util.Set.of("security-group"), RdsKind.TYPE.field("securityGroups").orElseThrow().refersTo());
        assertTrue(RdsKind.TYPE.field("securityGroups").orElseThrow().set(), "compared group by group");
    }

    @Test
    void aSecurityGroupNameMustBeADeclaredResource() {
        Problem p = problem("    securityGroups: [web-sg]\n");
        assertTrue(p.message().contains("'web-sg' is not a declared resource"), p::toString);
    }

    @Test
    void anEmptyListOfSecurityGroupsIsRefused() {
        Problem p = problem("    securityGroups: []\n");
        assertTrue(p.message().contains("always in at least one security group"), p::toString);
        Problem bad = problem("    securityGroups: [SG-1]\n");
        assertTrue(bad.message().contains("neither a security group id such as sg-0123456789abcdef0"), bad::toString);
    }

    @Test
    void aSubnetGroupIsANameInTheLowerCaseAwsKeepsItIn() throws ConfigException {
        assertEquals("private-db", db("    subnetGroup: Private-DB\n").attribute("subnetGroup"));
        assertTrue(problem("    subnetGroup: \"a/b\"\n").message().contains("a DB subnet group name"));
        assertTrue(problem("    subnetGroup: 5\n").message().contains("expected a string"));
    }

    @Test
    void theSwitchesAreTrueOrFalse() {
        Problem p = problem("    multiAz: yes please\n");
        assertEquals("resources[0].multiAz", p.key());
        assertTrue(p.message().contains("expected true or false"), p::toString);
    }
}

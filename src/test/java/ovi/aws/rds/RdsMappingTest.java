package ovi.aws.rds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import ovi.model.Action;
import ovi.model.Change;
import ovi.model.DesiredResource;
import ovi.model.Intent;
import ovi.model.Observation;
import ovi.model.Reference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;

/** How a DB instance reads as an observation, and how changes become one ModifyDBInstance. */
class RdsMappingTest {
    static final DBInstance DB = DBInstance.builder().dbInstanceIdentifier("team-web-db-0").dbInstanceClass("db.t3.micro")
            .engine("postgres").allocatedStorage(20).dbInstanceStatus("available")
            .dbSubnetGroup(g -> g.dbSubnetGroupName("Private"))
            .vpcSecurityGroups(g -> g.vpcSecurityGroupId("sg-22222222").status("active"),
                    g -> g.vpcSecurityGroupId("sg-11111111").status("active"))
            .multiAZ(false).deletionProtection(true).backupRetentionPeriod(7).storageEncrypted(true)
            .publiclyAccessible(false).build();

    @Test
    void everySettingIsObservedInItsFieldsCanonicalForm() {
        Observation o = RdsInstances.observation("us-east-1", DB);
        assertEquals("private", o.attribute("subnetGroup"), "AWS keeps subnet group names in lower case");
        assertEquals("sg-11111111\nsg-22222222", o.attribute("securityGroups"), "a sorted set");
        assertEquals("false", o.attribute("multiAz"));
        assertEquals("true", o.attribute("deletionProtection"));
        assertEquals("7", o.attribute("backupRetention"), "days, as the reader gives 7d");
        assertEquals("true", o.attribute("storageEncrypted"));
        assertEquals("false", o.attribute("publiclyAccessible"));
        assertEquals("20", o.attribute("storage"));
        assertTrue(RdsKind.TYPE.deletionProtected(o));
    }

    @Test
    void aSettingAwsDoesNotReportIsAbsentNotFalse() {
        Observation o = RdsInstances.observation("us-east-1", DBInstance.builder().dbInstanceIdentifier("x")
                .dbInstanceClass("db.t3.micro").engine("postgres").build());
        for (String f : List.of("subnetGroup", "securityGroups", "multiAz", "deletionProtection", "backupRetention",
                "storageEncrypted", "publiclyAccessible")) {
            assertNull(o.attribute(f), f);
        }
        assertFalse(RdsKind.TYPE.deletionProtected(o));
    }

    @Test
    void aChangeAwsHasAcceptedButNotYetMadeIsReadAsMade() {
        DBInstance modifying = DB.toBuilder().dbInstanceStatus("modifying").pendingModifiedValues(p -> p
                .dbInstanceClass("db.t3.small").allocatedStorage(30).multiAZ(true).backupRetentionPeriod(14)
                .dbSubnetGroupName("other")).build();
        Observation o = RdsInstances.observation("us-east-1", modifying);
        assertEquals("db.t3.small", o.attribute("size"));
        assertEquals("30", o.attribute("storage"));
        assertEquals("true", o.attribute("multiAz"));
        assertEquals("14", o.attribute("backupRetention"));
        assertEquals("other", o.attribute("subnetGroup"));
    }

    static Intent update(Map<String, String> desired, Change... changes) {
        return new Intent(Action.UPDATE, "drifted", "db-0", RdsKind.TYPE, "us-east-1", "team-web-db-0", "hash",
                new DesiredResource("db-0", RdsKind.TYPE, "us-east-1", desired, Map.of()), List.of(changes), "r", "run");
    }

    @Test
    void everyChangedSettingGoesIntoOneModifyAppliedImmediately() {
        List<String> done = new ArrayList<>();
        ModifyDbInstanceRequest m = RdsUpdater.modify(update(Map.of("securityGroups", "sg-11111111\nsg-33333333"),
                new Change("subnetGroup", "default", "private"),
                new Change("securityGroups", "sg-22222222", null),
                new Change("securityGroups", null, "sg-33333333"),
                new Change("multiAz", "false", "true"),
                new Change("deletionProtection", "false", "true"),
                new Change("backupRetention", "1", "7"),
                new Change("publiclyAccessible", "true", "false"),
                new Change("tags.team", null, "web")), done);
        assertEquals("team-web-db-0", m.dbInstanceIdentifier());
        assertTrue(m.applyImmediately());
        assertEquals("private", m.dbSubnetGroupName());
        assertEquals(List.of("sg-11111111", "sg-33333333"), m.vpcSecurityGroupIds(),
                "the whole declared set, as AWS takes it");
        assertTrue(m.multiAZ());
        assertTrue(m.deletionProtection());
        assertEquals(7, m.backupRetentionPeriod());
        assertFalse(m.publiclyAccessible());
        assertNull(m.dbInstanceClass(), "what did not change is not sent");
        assertNull(m.allocatedStorage());
        assertEquals(List.of("subnet group default -> private", "security groups +sg-33333333 -sg-22222222",
                "Multi-AZ false -> true", "deletion protection false -> true", "backup retention 1d -> 1w",
                "publicly accessible true -> false"), done);
    }

    @Test
    void encryptionIsNeverChangedInPlace() {
        List<String> done = new ArrayList<>();
        assertNull(RdsUpdater.modify(update(Map.of(), new Change("storageEncrypted", "false", "true"),
                new Change("tags.team", null, "web")), done), "no ModifyDBInstance for a fixed field or for tags");
        assertEquals(List.of(), done);
    }

    @Test
    void aSecurityGroupStillNamedByReferenceIsRefused() {
        assertNull(RdsUpdater.unresolved(new DesiredResource("db-0", RdsKind.TYPE, "us-east-1",
                Map.of("securityGroups", "sg-11111111"), Map.of())));
        String why = RdsUpdater.unresolved(new DesiredResource("db-0", RdsKind.TYPE, "us-east-1",
                Map.of("securityGroups", Reference.token("web-sg-0") + "\nsg-11111111"), Map.of()));
        assertTrue(why.contains("securityGroups still names web-sg-0"), why);
    }

    @Test
    void awsRefusingToDeleteAProtectedInstanceIsToldApart() {
        AwsServiceException refused = AwsServiceException.builder().statusCode(400).awsErrorDetails(AwsErrorDetails
                .builder().errorCode("InvalidParameterCombination").errorMessage("Cannot delete protected DB Instance, "
                        + "please disable deletion protection and try again.").build()).build();
        AwsServiceException other = AwsServiceException.builder().statusCode(400).awsErrorDetails(AwsErrorDetails
                .builder().errorCode("InvalidParameterCombination").errorMessage("FinalDBSnapshotIdentifier can not "
                        + "be specified when deleting a replica").build()).build();
        assertTrue(RdsDeleter.protectedFromDeletion(refused));
        assertFalse(RdsDeleter.protectedFromDeletion(other));
        assertEquals("deletion protection is on for db-1: declare it with deletionProtection: false and apply, then "
                + "remove it from the config", RdsDeleter.protectedMessage("db-1"));
    }
}

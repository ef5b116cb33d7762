package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import ovi.aws.AwsActionExecutor;
import ovi.aws.AwsClients;
import ovi.aws.AwsSettings;
import ovi.aws.ec2.Ec2Kind;
import ovi.aws.rds.RdsKind;
import ovi.aws.s3.S3Kind;
import ovi.engine.ResourceLookup.Target;
import ovi.engine.ResourceLookup;
import ovi.kinds.ResourceKinds;
import ovi.model.Observation;
import ovi.model.ResourceType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.Tag;
import software.amazon.awssdk.services.s3.S3Client;

/** Looking single resources up again, as apply and crash recovery do, against moto. */
class AwsResourceLookupIT {
    private AwsClients aws;
    private ResourceLookup lookup;

    @BeforeEach
    void setUp() throws Exception {
        Moto.reset();
        aws = new AwsClients(AwsSettings.of(null, Moto.endpoint().toString()), Moto.REGION);
        lookup = new AwsActionExecutor(ResourceKinds.bind(aws));
    }

    @AfterEach
    void tearDown() {
        aws.close();
    }

    /** The first match, as crash recovery takes it. */
    private Optional<Observation> first(Target t) {
        return lookup.find(t).stream().findFirst();
    }

    private static Target ec2(String oviId, String cloudId, String token) {
        return new Target(Ec2Kind.TYPE, Moto.REGION, "team-web", oviId, cloudId, token);
    }

    @Test
    void anInstanceIsFoundByItsTagsOrIdAndNotOnceTerminated() {
        String id;
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            id = Moto.runInstance(ec2, "t3.micro", Moto.managed("team-web", "web-0"));
            Moto.runInstance(ec2, "t3.micro", Moto.managed("team-data", "web-1"));

            Optional<Observation> byTags = first(ec2("web-0", null, null));
            assertEquals(id, byTags.orElseThrow().cloudId());
            assertEquals("t3.micro", byTags.get().attribute("size"));
            assertEquals(id, first(ec2("web-0", id, null)).orElseThrow().cloudId());
            assertTrue(first(ec2("web-1", null, null)).isEmpty(), "another owner's web-1 is not ours");
            assertTrue(first(ec2("web-2", null, null)).isEmpty());
            assertTrue(first(ec2("web-0", "i-0123456789abcdef0", null)).isEmpty(), "an unknown id is not found");

            ec2.terminateInstances(r -> r.instanceIds(id));
            assertTrue(first(ec2("web-0", null, null)).isEmpty(), "a terminated instance is gone");
            assertTrue(first(ec2("web-0", id, null)).isEmpty());
        }
    }

    @Test
    void theClientTokenOfTheCreateNarrowsTheSearch() {
        try (Ec2Client ec2 = Moto.ec2(Moto.REGION)) {
            String id = ec2.runInstances(r -> r.imageId("ami-12c6146b").instanceType("t3.micro").minCount(1).maxCount(1)
                    .clientToken("tok-1").tagSpecifications(t -> t.resourceType("instance").tags(
                            Moto.managed("team-web", "web-0").entrySet().stream().map(e ->
                                    software.amazon.awssdk.services.ec2.model.Tag.builder().key(e.getKey())
                                            .value(e.getValue()).build()).toList())))
                    .instances().get(0).instanceId();
            assertEquals(id, first(ec2("web-0", null, "tok-1")).orElseThrow().cloudId());
            assertTrue(first(ec2("web-0", null, "tok-other")).isEmpty());
        }
    }

    @Test
    void aDbInstanceIsFoundByIdentifier() {
        try (RdsClient rds = Moto.rds(Moto.REGION)) {
            rds.createDBInstance(r -> r.dbInstanceIdentifier(ovi.aws.rds.RdsNames.identifier("team-web", "db-0")).dbInstanceClass("db.t3.micro").engine("postgres")
                    .allocatedStorage(20).masterUsername("ovi").manageMasterUserPassword(true)
                    .tags(Moto.managed("team-web", "db-0").entrySet().stream()
                            .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList()));
        }
        String identifier = ovi.aws.rds.RdsNames.identifier("team-web", "db-0");
        Target t = new Target(RdsKind.TYPE, Moto.REGION, "team-web", "db-0", identifier, null);
        Observation o = first(t).orElseThrow();
        assertEquals("20", o.attribute("storage"));
        assertEquals("db-0", o.oviId());
        assertEquals(identifier, first(new Target(RdsKind.TYPE, Moto.REGION, "team-web", "db-0", null, null))
                .orElseThrow().cloudId(), "found by the identifier ovi derives from owner and id when none is given");
        assertTrue(first(new Target(RdsKind.TYPE, Moto.REGION, "team-web", "db-1", "db-1-web", null)).isEmpty());
    }

    @Test
    void aBucketIsFoundWithItsTags() {
        try (S3Client s3 = Moto.s3()) {
            s3.createBucket(r -> r.bucket("team-web-assets"));
            s3.putBucketTagging(r -> r.bucket("team-web-assets").tagging(t -> t.tagSet(List.of(
                    software.amazon.awssdk.services.s3.model.Tag.builder().key("ovi:id").value("assets-0").build()))));
            s3.createBucket(r -> r.bucket("untagged"));
        }
        Observation o = first(new Target(S3Kind.TYPE, Moto.REGION, "team-web", "assets-0", "team-web-assets", null))
                .orElseThrow();
        assertEquals(Map.of("ovi:id", "assets-0"), o.tags());
        assertEquals(Map.of(), first(new Target(S3Kind.TYPE, Moto.REGION, "team-web", "x", "untagged", null))
                .orElseThrow().tags());
        assertTrue(first(new Target(S3Kind.TYPE, Moto.REGION, "team-web", "x", "no-such-bucket-here", null)).isEmpty());
    }
}

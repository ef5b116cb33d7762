package ovi.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import ovi.aws.ec2.Ec2Kind;
import ovi.aws.rds.RdsKind;
import ovi.aws.s3.S3Kind;
import org.junit.jupiter.api.Test;

class ReplyCheckTest {
    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theRootElementIsFoundAfterTheDeclarationCommentsAndABom() {
        assertEquals("DescribeInstancesResponse", ReplyCheck.rootElement(b("\uFEFF<?xml version=\"1.0\"?>\n<!-- x -->\n"
                + "<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">")));
        assertEquals("Tagging", ReplyCheck.rootElement(b("<s3:Tagging xmlns:s3=\"x\"/>")));
        assertEquals("html", ReplyCheck.rootElement(b("<!DOCTYPE html><html>")));
        assertEquals("", ReplyCheck.rootElement(b("{\"Reservations\": []}")));
        assertNull(ReplyCheck.rootElement(b("")));
        assertNull(ReplyCheck.rootElement(b("  \n")));
    }

    @Test
    void aQueryReplyMustBeTheOperationsResponseWithItsList() {
        assertNull(ReplyCheck.problem(Ec2Kind.REPLIES, "DescribeInstances",
                b("<DescribeInstancesResponse><requestId>1</requestId><reservationSet/></DescribeInstancesResponse>")));
        assertTrue(ReplyCheck.problem(Ec2Kind.REPLIES, "DescribeInstances",
                b("<DescribeInstancesResponse><requestId>1</requestId></DescribeInstancesResponse>")).contains("reservationSet"));
        assertTrue(ReplyCheck.problem(RdsKind.REPLIES, "CreateDBInstance", b("<html><body>hi</body></html>")).contains("<html>"));
        assertTrue(ReplyCheck.problem(ReplyCheck.Rules.query(java.util.Map.of("GetCallerIdentity", "<Account>")), "GetCallerIdentity", b("")).contains("empty"));
        assertTrue(ReplyCheck.problem(Ec2Kind.REPLIES, "RunInstances", b("OK")).contains("not XML"));
    }

    @Test
    void s3RepliesAreCheckedPerOperationAndSomeMayBeEmpty() {
        assertNull(ReplyCheck.problem(S3Kind.REPLIES, "PutBucketTagging", b("")));
        assertNull(ReplyCheck.problem(S3Kind.REPLIES, "ListBuckets", b("<ListAllMyBucketsResult><Buckets/></ListAllMyBucketsResult>")));
        assertTrue(ReplyCheck.problem(S3Kind.REPLIES, "ListBuckets", b("<!DOCTYPE html><html>")).contains("not <ListAllMyBucketsResult>"));
        assertTrue(ReplyCheck.problem(S3Kind.REPLIES, "GetBucketTagging", b("")).contains("empty"));
        assertTrue(ReplyCheck.problem(S3Kind.REPLIES, "CreateBucket", b("<html><body/></html>")).contains("HTML"));
    }

    @Test
    void aRootMayNameTheDocumentAsEachServerNamesIt() {
        var rules = ReplyCheck.Rules.restXml(java.util.Map.of("GetThing", "Thing|GetThingResponse"),
                java.util.Set.of(), java.util.Map.of());
        assertNull(ReplyCheck.problem(rules, "GetThing", b("<Thing/>")));
        assertNull(ReplyCheck.problem(rules, "GetThing", b("<GetThingResponse/>")));
        assertEquals("a <Other> document, not <Thing> or <GetThingResponse>",
                ReplyCheck.problem(rules, "GetThing", b("<Other/>")));
        assertEquals("not XML", ReplyCheck.problem(rules, "GetThing", b("Thing")));
    }

    @Test
    void aBucketSettingsReplyOfAnotherDocumentIsAnErrorNotAnAbsentSetting() {
        for (String put : java.util.List.of("PutBucketVersioning", "PutBucketEncryption", "PutPublicAccessBlock",
                "PutBucketLifecycleConfiguration", "DeleteBucketLifecycle")) {
            assertNull(ReplyCheck.problem(S3Kind.REPLIES, put, b("")), put);
        }
        assertNull(ReplyCheck.problem(S3Kind.REPLIES, "GetBucketVersioning", b("<VersioningConfiguration/>")));
        assertNull(ReplyCheck.problem(S3Kind.REPLIES, "GetBucketVersioning", b("<GetBucketVersioningResponse/>")),
                "as moto names it");
        assertEquals("a <Tagging> document, not <VersioningConfiguration> or <GetBucketVersioningResponse>",
                ReplyCheck.problem(S3Kind.REPLIES, "GetBucketVersioning", b("<Tagging><TagSet/></Tagging>")));
        assertTrue(ReplyCheck.problem(S3Kind.REPLIES, "GetBucketEncryption", b("")).contains("empty"));
        assertTrue(ReplyCheck.problem(S3Kind.REPLIES, "GetPublicAccessBlock", b("<!DOCTYPE html><html>"))
                .contains("not <PublicAccessBlockConfiguration>"));
        assertTrue(ReplyCheck.problem(S3Kind.REPLIES, "GetBucketLifecycleConfiguration",
                b("<ListAllMyBucketsResult/>")).contains("not <LifecycleConfiguration>"));
        assertNull(ReplyCheck.problem(S3Kind.REPLIES, "GetBucketLifecycleConfiguration",
                b("<?xml version=\"1.0\"?><LifecycleConfiguration xmlns=\"x\"><Rule/></LifecycleConfiguration>")));
    }

    @Test
    void aJsonReplyMustBeAnObjectAndMayBeEmptyOnlyWhereTheServiceSaysSo() {
        var rules = ReplyCheck.Rules.json(java.util.Set.of("DeleteQueue"), java.util.Map.of("GetQueueAttributes",
                "\"Attributes\""));
        assertNull(ReplyCheck.problem(rules, "ListQueues", b(" {\"QueueUrls\": []}")));
        assertNull(ReplyCheck.problem(rules, "DeleteQueue", b("")));
        assertTrue(ReplyCheck.problem(rules, "ListQueues", b("")).contains("empty"));
        assertTrue(ReplyCheck.problem(rules, "ListQueues", b("<!DOCTYPE html><html>")).contains("HTML"));
        assertTrue(ReplyCheck.problem(rules, "ListQueues", b("<ListQueuesResponse/>")).contains("XML, not JSON"));
        assertTrue(ReplyCheck.problem(rules, "ListQueues", b("OK")).contains("not JSON"));
        assertTrue(ReplyCheck.problem(rules, "GetQueueAttributes", b("{}")).contains("Attributes"));
    }
}

package ovi.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import ovi.aws.ec2.Ec2Kind;
import ovi.aws.lambda.LambdaKind;
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

    /** No XML parser is handed a reply with a DTD: its entities could read files or grow without bound. */
    @Test
    void aReplyWithADocumentTypeDeclarationIsRefusedBeforeAnyParserReadsIt() {
        String xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n"
                + "<DescribeInstancesResponse><requestId>&e;</requestId><reservationSet/></DescribeInstancesResponse>";
        assertEquals("", ReplyCheck.rootElement(b(xxe)));
        assertEquals("not XML", ReplyCheck.problem(Ec2Kind.REPLIES, "DescribeInstances", b(xxe)));
        assertEquals("not XML", ReplyCheck.problem(S3Kind.REPLIES, "ListBuckets",
                b("<!DOCTYPE r SYSTEM \"http://127.0.0.1:9/x.dtd\"><ListAllMyBucketsResult><Buckets/></ListAllMyBucketsResult>")));
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

    /** Lambda speaks REST-JSON: its replies are JSON objects, and the 204s of deletes and tagging have no body. */
    @Test
    void aLambdaReplyIsAJsonObjectWithItsMemberAndOnlyItsDeletesAndTaggingMayBeEmpty() {
        var rules = LambdaKind.REPLIES;
        assertNull(ReplyCheck.problem(rules, "ListFunctions", b("{\"Functions\": []}")));
        assertNull(ReplyCheck.problem(rules, "ListTags", b("{\"Tags\": {}}")));
        assertNull(ReplyCheck.problem(rules, "DeleteFunction", b("")));
        assertNull(ReplyCheck.problem(rules, "TagResource", b("")));
        assertNull(ReplyCheck.problem(rules, "UntagResource", b("{}")));
        assertTrue(ReplyCheck.problem(rules, "ListFunctions", b("{}")).contains("\"Functions\""),
                "a well-formed reply without the list is not an empty region");
        assertTrue(ReplyCheck.problem(rules, "ListFunctions", b("<!DOCTYPE html><html><body>Sign in</body></html>"))
                .contains("HTML"));
        assertTrue(ReplyCheck.problem(rules, "ListFunctions", b("")).contains("empty"));
        assertTrue(ReplyCheck.problem(rules, "ListTags", b("[]")).contains("not JSON"));
        assertTrue(ReplyCheck.problem(rules, "GetFunction", b("{\"Code\": {}}")).contains("Configuration"));
        assertTrue(ReplyCheck.problem(rules, "CreateFunction", b("")).contains("empty"));
        assertTrue(ReplyCheck.problem(rules, "UpdateFunctionCode", b("<UpdateFunctionCodeResponse/>"))
                .contains("XML, not JSON"));
    }
}

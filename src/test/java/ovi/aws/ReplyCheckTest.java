package ovi.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
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
        assertNull(ReplyCheck.problem("EC2", "DescribeInstances",
                b("<DescribeInstancesResponse><requestId>1</requestId><reservationSet/></DescribeInstancesResponse>")));
        assertTrue(ReplyCheck.problem("EC2", "DescribeInstances",
                b("<DescribeInstancesResponse><requestId>1</requestId></DescribeInstancesResponse>")).contains("reservationSet"));
        assertTrue(ReplyCheck.problem("RDS", "CreateDBInstance", b("<html><body>hi</body></html>")).contains("<html>"));
        assertTrue(ReplyCheck.problem("STS", "GetCallerIdentity", b("")).contains("empty"));
        assertTrue(ReplyCheck.problem("EC2", "RunInstances", b("OK")).contains("not XML"));
    }

    @Test
    void s3RepliesAreCheckedPerOperationAndSomeMayBeEmpty() {
        assertNull(ReplyCheck.problem("S3", "PutBucketTagging", b("")));
        assertNull(ReplyCheck.problem("S3", "ListBuckets", b("<ListAllMyBucketsResult><Buckets/></ListAllMyBucketsResult>")));
        assertTrue(ReplyCheck.problem("S3", "ListBuckets", b("<!DOCTYPE html><html>")).contains("not <ListAllMyBucketsResult>"));
        assertTrue(ReplyCheck.problem("S3", "GetBucketTagging", b("")).contains("empty"));
        assertTrue(ReplyCheck.problem("S3", "CreateBucket", b("<html><body/></html>")).contains("HTML"));
    }
}

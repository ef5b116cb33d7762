package ovi.aws.sqs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import ovi.model.Field;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

class SqsFieldsTest {
    static String read(String field, Object value) {
        return SqsKind.TYPE.field(field).orElseThrow().reader().read(Field.Value.of(value));
    }

    static String refused(String field, Object value) {
        return assertThrows(IllegalArgumentException.class, () -> read(field, value)).getMessage();
    }

    @Test
    void sizesEncryptionAndDeadLettersReadIntoOneForm() {
        assertEquals("262144", read("maxMessageSize", "256Ki"));
        assertEquals("1048576", read("maxMessageSize", "1MiB"));
        assertEquals("2048", read("maxMessageSize", 2048L));
        assertTrue(refused("maxMessageSize", "2Mi").startsWith("expected a size from 1Ki to 1Mi"));
        assertTrue(refused("maxMessageSize", 512L).contains("integer 512"));
        assertEquals("sqs", read("encryption", "sqs"));
        assertEquals("none", read("encryption", "none"));
        assertEquals("kms:alias/aws/sqs", read("encryption", "kms"));
        assertEquals("kms:alias/jobs", read("encryption", Map.of("kms", "alias/jobs")));
        assertTrue(refused("encryption", "aes").startsWith("encryption is sqs, kms"));
        assertEquals("@{parked} 5", read("deadLetter", Map.of("queue", "parked", "maxReceives", 5L)));
        assertEquals("dlq 5", read("deadLetter", Map.of("queue", "arn:aws:sqs:us-east-1:123456789012:dlq",
                "maxReceives", 5L)), "an ARN is the queue it names");
        assertTrue(refused("deadLetter", Map.of("queue", "parked", "maxReceives", 0L)).contains("1 to 1000"));
        assertTrue(refused("deadLetter", Map.of("queue", "parked")).startsWith("deadLetter is {queue:"));
        assertTrue(refused("deadLetter", Map.of("queue", "Not A Name", "maxReceives", 2L)).contains("neither a queue ARN"));
        assertEquals("parked after 5 receives", SqsKind.TYPE.field("deadLetter").orElseThrow().show("parked 5"));
    }

    @Test
    void observedAttributesReadAsTheConfigWritesThem() {
        Map<String, String> seen = SqsKind.observed(Map.of(
                QueueAttributeName.MAXIMUM_MESSAGE_SIZE, "65536",
                QueueAttributeName.KMS_MASTER_KEY_ID, "alias/jobs",
                QueueAttributeName.SQS_MANAGED_SSE_ENABLED, "true",
                QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\": \"arn:aws:sqs:us-east-1:1:parked\", "
                        + "\"maxReceiveCount\": \"5\"}"));
        assertEquals("65536", seen.get("maxMessageSize"));
        assertEquals("kms:alias/jobs", seen.get("encryption"), "a key wins over SQS's own");
        assertEquals("parked 5", seen.get("deadLetter"));
        assertEquals("false", seen.get("fifo"));
        assertEquals("none", SqsKind.observed(Map.of()).get("encryption"));
        assertEquals(Map.of(QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"arn:x:parked\","
                + "\"maxReceiveCount\":5}"), SqsKind.attributes(Map.of("deadLetter", "parked 5"), n -> "arn:x:" + n));
    }
}

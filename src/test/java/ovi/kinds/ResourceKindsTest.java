package ovi.kinds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import ovi.aws.AwsClients;
import ovi.aws.AwsSettings;
import ovi.engine.Kinds;
import ovi.model.Action;
import ovi.model.ResourceType;
import org.junit.jupiter.api.Test;

class ResourceKindsTest {
    @Test
    void theRegisteredListIsWhatResourceTypesFind() {
        assertEquals(List.of("dynamodb", "ec2", "iam-role", "lambda", "rds", "s3", "security-group", "sns", "sqs"),
                ResourceType.all().stream().map(ResourceType::key).toList());
        assertEquals(new ResourceKinds().types().stream().sorted().toList(), ResourceType.all(), "by key");
        assertEquals("ec2", ResourceType.parse("ec2").orElseThrow().key());
        assertTrue(ResourceType.parse("dynamo").isEmpty());
    }

    /** Binding checks every kind's parts against what its type says it can do (see Kinds). */
    @Test
    void everyRegisteredKindHasThePartsItsTypeDeclares() {
        try (AwsClients aws = new AwsClients(AwsSettings.of(null, "http://127.0.0.1:9"), "us-east-1")) {
            Kinds kinds = ResourceKinds.bind(aws);
            assertEquals(ResourceType.all(), kinds.types().stream().sorted().toList());
            for (ResourceType t : kinds.types()) {
                for (Action a : Action.values()) {
                    assertEquals(t.can(a), kinds.of(t).carriesOut(a), t + " " + a);
                }
                assertFalse(t.fields().isEmpty(), t + " declares no field");
            }
        }
    }
}

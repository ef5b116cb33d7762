package ovi.aws.dynamodb;

import ovi.aws.AwsClients;
import ovi.aws.AwsErrors;
import ovi.aws.Observations;
import ovi.engine.Fence;
import ovi.engine.ResourceKind;
import ovi.model.Intent;
import ovi.model.Outcome;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** DeleteTable; a table already gone is done. */
final class DynamoDbDeleter implements ResourceKind.Deleter {
    private final AwsClients aws;

    DynamoDbDeleter(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public Outcome delete(Intent intent, String owner, Fence fence) {
        String name = intent.cloudId();
        fence.check();
        try {
            var r = DynamoDbKind.dynamodb(aws, intent.region()).deleteTable(b -> b.tableName(name));
            return new Outcome.Executed(name, AwsErrors.requestId(r), "deleting table " + name);
        } catch (AwsServiceException e) {
            if (Observations.errorCode(e, "ResourceNotFoundException")) {
                return new Outcome.Executed(name, null, "table " + name + " was already gone");
            }
            throw e;
        }
    }
}

package ovi.aws.rds;

import java.time.Instant;
import java.util.Locale;
import ovi.aws.AwsClients;
import ovi.aws.AwsErrors;
import ovi.aws.Observations;
import ovi.engine.ResourceKind;
import ovi.engine.Fence;
import ovi.model.Intent;
import ovi.model.Outcome;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * DeleteDBInstance, always with a final snapshot: a deleted database can be brought back. One whose
 * deletion protection is on is never planned for deletion; if it was turned on after apply looked it up
 * again, AWS's refusal is reported as what to do about it.
 */
final class RdsDeleter implements ResourceKind.Deleter {
    private final AwsClients aws;

    RdsDeleter(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public Outcome delete(Intent intent, String owner, Fence fence) {
        String identifier = intent.cloudId();
        String snapshot = snapshotName(identifier, Instant.now());
        fence.check();
        try {
            var r = RdsKind.rds(aws, intent.region()).deleteDBInstance(b -> b.dbInstanceIdentifier(identifier)
                    .skipFinalSnapshot(false).finalDBSnapshotIdentifier(snapshot));
            return new Outcome.Executed(identifier, AwsErrors.requestId(r),
                    "deleting " + identifier + " (final snapshot " + snapshot + ")");
        } catch (AwsServiceException e) {
            // a protected instance is planned as a notify; this is protection turned on after apply's last look
            if (protectedFromDeletion(e)) {
                return new Outcome.Failed(protectedMessage(identifier), e.requestId());
            }
            throw e;
        }
    }

    /** AWS's refusal to delete a DB instance whose deletion protection is on. */
    static boolean protectedFromDeletion(AwsServiceException e) {
        String message = e.awsErrorDetails() != null ? e.awsErrorDetails().errorMessage() : e.getMessage();
        return Observations.errorCode(e, "InvalidParameterCombination") && message != null
                && message.toLowerCase(Locale.ROOT).contains("deletion protection");
    }

    static String protectedMessage(String identifier) {
        return "deletion protection is on for " + identifier + ": declare it with deletionProtection: false and apply, "
                + "then remove it from the config";
    }

    static String snapshotName(String identifier, Instant now) {
        String s = (identifier + "-final-" + now.getEpochSecond()).replaceAll("-{2,}", "-");
        return s.length() <= 255 ? s : s.substring(s.length() - 255).replaceAll("^[^a-z]+", "");
    }
}

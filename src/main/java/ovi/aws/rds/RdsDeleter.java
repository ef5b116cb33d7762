package ovi.aws.rds;

import java.time.Instant;
import ovi.aws.AwsClients;
import ovi.aws.AwsErrors;
import ovi.engine.ResourceKind;
import ovi.engine.Fence;
import ovi.model.Intent;
import ovi.model.Outcome;

/** DeleteDBInstance, always with a final snapshot: a deleted database can be brought back. */
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
        var r = RdsKind.rds(aws, intent.region()).deleteDBInstance(b -> b.dbInstanceIdentifier(identifier)
                .skipFinalSnapshot(false).finalDBSnapshotIdentifier(snapshot));
        return new Outcome.Executed(identifier, AwsErrors.requestId(r),
                "deleting " + identifier + " (final snapshot " + snapshot + ")");
    }

    static String snapshotName(String identifier, Instant now) {
        String s = (identifier + "-final-" + now.getEpochSecond()).replaceAll("-{2,}", "-");
        return s.length() <= 255 ? s : s.substring(s.length() - 255).replaceAll("^[^a-z]+", "");
    }
}

package ovi.aws.rds;

import java.time.Instant;
import ovi.aws.AwsActionExecutor;
import ovi.aws.AwsClients;
import ovi.aws.Capabilities;
import ovi.engine.Fence;
import ovi.model.Intent;
import ovi.model.Outcome;

/** DeleteDBInstance, always with a final snapshot: a deleted database can be brought back. */
public final class RdsDeleter implements Capabilities.Deleter {
    private final AwsClients aws;

    public RdsDeleter(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public Outcome delete(Intent intent, String owner, Fence fence) {
        String identifier = intent.cloudId();
        String snapshot = snapshotName(identifier, Instant.now());
        fence.check();
        var r = aws.rds(intent.region()).deleteDBInstance(b -> b.dbInstanceIdentifier(identifier)
                .skipFinalSnapshot(false).finalDBSnapshotIdentifier(snapshot));
        return new Outcome.Executed(identifier, AwsActionExecutor.requestId(r),
                "deleting " + identifier + " (final snapshot " + snapshot + ")");
    }

    static String snapshotName(String identifier, Instant now) {
        String s = (identifier + "-final-" + now.getEpochSecond()).replaceAll("-{2,}", "-");
        return s.length() <= 255 ? s : s.substring(s.length() - 255).replaceAll("^[^a-z]+", "");
    }
}

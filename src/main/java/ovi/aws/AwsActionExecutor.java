package ovi.aws;

import java.util.List;
import java.util.Map;
import ovi.aws.Capabilities.Creator;
import ovi.aws.Capabilities.Deleter;
import ovi.aws.Capabilities.Finder;
import ovi.aws.Capabilities.Updater;
import ovi.aws.ec2.Ec2Creator;
import ovi.aws.ec2.Ec2Deleter;
import ovi.aws.ec2.Ec2Finder;
import ovi.aws.ec2.Ec2Updater;
import ovi.aws.rds.RdsCreator;
import ovi.aws.rds.RdsDeleter;
import ovi.aws.rds.RdsFinder;
import ovi.aws.rds.RdsUpdater;
import ovi.aws.s3.S3Creator;
import ovi.aws.s3.S3Deleter;
import ovi.aws.s3.S3Finder;
import ovi.aws.s3.S3Updater;
import ovi.engine.ActionExecutor;
import ovi.engine.Fence;
import ovi.engine.ResourceLookup;
import ovi.model.Intent;
import ovi.model.Observation;
import ovi.model.Outcome;
import ovi.model.ResourceType;
import software.amazon.awssdk.core.exception.SdkException;

/** Executes intents through each type's capabilities; AWS errors become failed outcomes. */
public final class AwsActionExecutor implements ActionExecutor, ResourceLookup {
    private final Map<ResourceType, Finder> finders;
    private final Map<ResourceType, Creator> creators;
    private final Map<ResourceType, Updater> updaters;
    private final Map<ResourceType, Deleter> deleters;

    public AwsActionExecutor(AwsClients aws) {
        this.finders = Map.of(ResourceType.EC2, new Ec2Finder(aws), ResourceType.RDS, new RdsFinder(aws),
                ResourceType.S3, new S3Finder(aws));
        this.creators = Map.of(ResourceType.EC2, new Ec2Creator(aws), ResourceType.RDS, new RdsCreator(aws),
                ResourceType.S3, new S3Creator(aws));
        this.updaters = Map.of(ResourceType.EC2, new Ec2Updater(aws), ResourceType.RDS, new RdsUpdater(aws),
                ResourceType.S3, new S3Updater(aws));
        this.deleters = Map.of(ResourceType.EC2, new Ec2Deleter(aws), ResourceType.RDS, new RdsDeleter(aws),
                ResourceType.S3, new S3Deleter(aws));
    }

    @Override
    public List<Observation> find(Target target) {
        Finder f = finders.get(target.type());
        if (f == null) {
            throw new IllegalStateException("ovi cannot look up " + target.type() + " resources");
        }
        try {
            return f.find(target);
        } catch (SdkException e) {
            throw new IllegalStateException(AwsErrors.describe(e), e);
        }
    }

    @Override
    public Outcome execute(Intent intent, String owner, Fence fence) {
        return execute(intent, owner, fence, null);
    }

    @Override
    public Outcome execute(Intent intent, String owner, Fence fence, Map<String, String> before) {
        try {
            return switch (intent.action()) {
                case CREATE -> capability(creators, intent).create(intent, owner, fence);
                case UPDATE -> before == null ? capability(updaters, intent).update(intent, owner, fence)
                        : capability(updaters, intent).update(intent, owner, fence, before);
                case DELETE -> capability(deleters, intent).delete(intent, owner, fence);
                case NOTIFY -> throw new IllegalArgumentException("notify is not executed");
            };
        } catch (SdkException e) {
            return new Outcome.Failed(AwsErrors.describe(e), AwsErrors.requestId(e));
        }
    }

    private static <C> C capability(Map<ResourceType, C> m, Intent intent) {
        C c = m.get(intent.type());
        if (c == null) {
            throw new IllegalStateException("ovi cannot " + intent.action() + " " + intent.type() + " resources");
        }
        return c;
    }

    /** AWS's request id of a response, for the WAL. */
    public static String requestId(software.amazon.awssdk.awscore.AwsResponse r) {
        return r.responseMetadata() == null ? null : r.responseMetadata().requestId();
    }
}

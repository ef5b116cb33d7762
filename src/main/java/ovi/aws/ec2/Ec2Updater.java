package ovi.aws.ec2;

import java.util.ArrayList;
import java.util.List;
import ovi.aws.AwsClients;
import ovi.aws.AwsErrors;
import ovi.engine.ResourceKind;
import ovi.engine.Fence;
import ovi.model.Change;
import ovi.model.Intent;
import ovi.model.Outcome;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.AttributeValue;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * Tags with CreateTags; an instance type change by stop, modify, start (disruptive: the plan says so). An
 * instance that was stopped stays stopped.
 */
final class Ec2Updater implements ResourceKind.Updater {
    private final AwsClients aws;

    Ec2Updater(AwsClients aws) {
        this.aws = aws;
    }

    /**
     * Converges from wherever the instance stands, so that an update cut off by a crash can be finished:
     * the type is changed only if it is not yet the declared one, and an instance that ran before the
     * resize ({@code before}, else as it is now) is started again.
     */
    @Override
    public Outcome update(Intent intent, String owner, Fence fence, java.util.Map<String, String> before) {
        Ec2Client ec2 = Ec2Kind.ec2(aws, intent.region());
        String id = intent.cloudId();
        List<String> done = new ArrayList<>();
        String requestId = null;
        List<Tag> tags = Ec2Tags.changed(intent.changes());
        if (!tags.isEmpty()) {
            fence.check();
            requestId = AwsErrors.requestId(ec2.createTags(b -> b.resources(id).tags(tags)));
            done.add("tags " + String.join(", ", tags.stream().map(Tag::key).toList()));
        }
        Change size = intent.changes().stream().filter(c -> c.field().equals("size")).findFirst().orElse(null);
        if (size != null) {
            Instance now = AwsErrors.first(AwsErrors.first(ec2.describeInstances(b -> b.instanceIds(id))
                    .reservations(), "DescribeInstances " + id).instances(), "DescribeInstances " + id);
            String stateNow = now.state().nameAsString();
            String stateBefore = before.getOrDefault("state", stateNow);
            boolean wasRunning = !"stopped".equals(stateBefore) && !"stopping".equals(stateBefore);
            if (!size.desired().equals(now.instanceTypeAsString())) {
                if (!"stopped".equals(stateNow)) {
                    fence.check();
                    ec2.stopInstances(b -> b.instanceIds(id));
                }
                ec2.waiter().waitUntilInstanceStopped(b -> b.instanceIds(id));
                fence.check();
                requestId = AwsErrors.requestId(ec2.modifyInstanceAttribute(b -> b.instanceId(id)
                        .instanceType(AttributeValue.builder().value(size.desired()).build())));
                stateNow = "stopped";
            }
            if (wasRunning && !"running".equals(stateNow) && !"pending".equals(stateNow)) {
                if ("stopping".equals(stateNow)) {
                    ec2.waiter().waitUntilInstanceStopped(b -> b.instanceIds(id));
                }
                fence.check();
                requestId = AwsErrors.requestId(ec2.startInstances(b -> b.instanceIds(id)));
            }
            done.add("size " + size.current() + " -> " + size.desired() + (wasRunning ? " (stopped and started)" : ""));
        }
        return new Outcome.Executed(id, requestId, "updated " + id + ": " + String.join("; ", done));
    }
}

package ovi.aws.securitygroup;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import ovi.aws.AwsErrors;
import ovi.aws.Observations;
import ovi.engine.Fence;
import ovi.engine.ResourceKind;
import ovi.model.Durations;
import ovi.model.Intent;
import ovi.model.Outcome;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

/**
 * DeleteSecurityGroup; a group already gone is done. AWS refuses to delete a group something still uses
 * (DependencyViolation): an instance still terminating, a network interface being released, or a rule of
 * another group that names this one, which may itself be on its way out in the same apply. That refusal is
 * retried with growing pauses for a bounded time ({@link #PATIENCE_MILLIS}), the claim checked before each
 * call, and then fails naming the cause, and the groups whose rules still name this one.
 */
final class SecurityGroupDeleter implements ResourceKind.Deleter {
    static final long PATIENCE_MILLIS = 120_000;
    static final long FIRST_PAUSE_MILLIS = 2_000;
    static final long LONGEST_PAUSE_MILLIS = 15_000;

    private final Function<String, Ec2Client> ec2;
    private final Waiting waiting;

    SecurityGroupDeleter(Function<String, Ec2Client> ec2) {
        this(ec2, Waiting.REAL);
    }

    SecurityGroupDeleter(Function<String, Ec2Client> ec2, Waiting waiting) {
        this.ec2 = ec2;
        this.waiting = waiting;
    }

    @Override
    public Outcome delete(Intent intent, String owner, Fence fence) {
        String id = intent.cloudId();
        Ec2Client c = ec2.apply(intent.region());
        long started = waiting.millis();
        long pause = FIRST_PAUSE_MILLIS;
        int attempts = 0;
        while (true) {
            attempts++;
            try {
                fence.check();
                var r = c.deleteSecurityGroup(b -> b.groupId(id));
                return new Outcome.Executed(id, AwsErrors.requestId(r), "deleted security group " + id
                        + (attempts > 1 ? " (in use for " + Durations.format(java.time.Duration.ofMillis(
                        waiting.millis() - started)) + " before)" : ""));
            } catch (AwsServiceException e) {
                if (Observations.errorCode(e, "InvalidGroup.NotFound", "InvalidGroupId.NotFound")) {
                    return new Outcome.Executed(id, null, "security group " + id + " was already gone");
                }
                if (!Observations.errorCode(e, "DependencyViolation")) {
                    throw e;
                }
                long waited = waiting.millis() - started;
                if (waited + pause > PATIENCE_MILLIS) {
                    return new Outcome.Failed("security group " + id + " is still in use after " + attempts
                            + " attempts over " + Durations.format(java.time.Duration.ofSeconds(waited / 1000))
                            + " (DependencyViolation: " + message(e) + ")" + namedBy(c, id) + "; what uses it (an "
                            + "instance or network interface, or another group's rule) must go first; it was not "
                            + "deleted", AwsErrors.requestId(e));
                }
            }
            waiting.sleep(pause);
            pause = Math.min(pause * 2, LONGEST_PAUSE_MILLIS);
        }
    }

    private static String message(AwsServiceException e) {
        return e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
                ? e.awsErrorDetails().errorMessage() : String.valueOf(e.getMessage());
    }

    /** The groups whose rules name this one, said in the failure: those rules must go before it can. */
    private static String namedBy(Ec2Client c, String id) {
        List<String> by = new ArrayList<>();
        try {
            for (String filter : List.of("ip-permission.group-id", "egress.ip-permission.group-id")) {
                for (var page : c.describeSecurityGroupsPaginator(b -> b.maxResults(SecurityGroups.PAGE)
                        .filters(Filter.builder().name(filter).values(id).build()))) {
                    page.securityGroups().stream().map(SecurityGroup::groupId).filter(g -> !g.equals(id) && !by.contains(g))
                            .forEach(by::add);
                }
            }
        } catch (RuntimeException e) {
            return ""; // the failure says enough without them
        }
        return by.isEmpty() ? "" : "; rules of " + String.join(", ", by) + " name it";
    }
}

package ovi.aws.lambda;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import ovi.aws.AwsClients;
import ovi.aws.Observations;
import ovi.engine.Fence;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;

/**
 * The execution role of a function: ovi compares it by name, Lambda takes its ARN.
 */
final class Roles {
    /**
     * How long to wait between tries of a call that Lambda refused because it cannot assume the role yet:
     * a role IAM has only just created takes some seconds to reach Lambda (about half a minute in all here).
     */
    static final List<Duration> SETTLING = List.of(Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8),
            Duration.ofSeconds(8), Duration.ofSeconds(8));

    /** Sleeps; a test hands in one that does not. */
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private Roles() {
    }

    /**
     * The ARN of a role by name, from IAM's GetRole (one call): the real ARN, path included (a role made by the
     * console sits under {@code /service-role/}), which STS's account id alone could not give.
     *
     * @throws SdkClientException saying so when the role does not exist
     */
    static String arn(AwsClients aws, String name) {
        try {
            var role = LambdaKind.iam(aws).getRole(b -> b.roleName(name)).role();
            if (role == null || role.arn() == null) {
                throw SdkClientException.create("IAM answered GetRole without the role " + name);
            }
            return role.arn();
        } catch (AwsServiceException e) {
            if (Observations.errorCode(e, "NoSuchEntity")) {
                throw SdkClientException.create("the role " + name + " does not exist; declare it as an iam-role or "
                        + "give the ARN of one that does", e);
            }
            throw e;
        }
    }

    /**
     * Runs a call that passes a role to Lambda, trying again while Lambda says it cannot assume the role (IAM
     * has not yet spread a role just made); any other error, or that one after {@link #SETTLING}, is thrown.
     */
    static <T> T whileSettling(Fence fence, Sleeper sleeper, Supplier<T> call) {
        for (int attempt = 0; ; attempt++) {
            fence.check();
            try {
                return call.get();
            } catch (InvalidParameterValueException e) {
                if (attempt >= SETTLING.size() || !notAssumableYet(e)) {
                    throw e;
                }
                try {
                    sleeper.sleep(SETTLING.get(attempt));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    static final Sleeper SLEEP = d -> Thread.sleep(d.toMillis());

    private static boolean notAssumableYet(AwsServiceException e) {
        String m = e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
                ? e.awsErrorDetails().errorMessage() : e.getMessage();
        return m != null && m.contains("cannot be assumed by Lambda");
    }
}

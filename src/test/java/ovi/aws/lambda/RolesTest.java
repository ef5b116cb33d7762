package ovi.aws.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;

/** A role IAM has only just made is waited for; nothing else is retried. */
class RolesTest {
    static InvalidParameterValueException refused(String message) {
        return (InvalidParameterValueException) InvalidParameterValueException.builder().message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("InvalidParameterValueException")
                        .errorMessage(message).build()).build();
    }

    final List<Duration> slept = new ArrayList<>();
    final AtomicInteger fenceChecks = new AtomicInteger();

    @Test
    void aRoleLambdaCannotAssumeYetIsTriedAgainAfterAPauseWithTheFenceCheckedEachTime() {
        AtomicInteger calls = new AtomicInteger();
        String r = Roles.whileSettling(fenceChecks::incrementAndGet, slept::add, () -> {
            if (calls.incrementAndGet() < 3) {
                throw refused("The role defined for the function cannot be assumed by Lambda.");
            }
            return "created";
        });
        assertEquals("created", r);
        assertEquals(3, calls.get());
        assertEquals(3, fenceChecks.get(), "the fence is checked before every try");
        assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(4)), slept);
    }

    @Test
    void itGivesUpAfterAboutHalfAMinute() {
        AtomicInteger calls = new AtomicInteger();
        var e = refused("The role defined for the function cannot be assumed by Lambda.");
        assertSame(e, assertThrows(InvalidParameterValueException.class, () -> Roles.whileSettling(
                fenceChecks::incrementAndGet, slept::add, () -> {
                    calls.incrementAndGet();
                    throw e;
                })));
        assertEquals(Roles.SETTLING.size() + 1, calls.get());
        assertEquals(Roles.SETTLING, slept);
        assertEquals(30, slept.stream().mapToLong(Duration::toSeconds).sum());
    }

    @Test
    void anyOtherRefusalIsThrownAtOnce() {
        var e = refused("Runtime python2.7 is not supported");
        assertSame(e, assertThrows(InvalidParameterValueException.class, () -> Roles.whileSettling(
                fenceChecks::incrementAndGet, slept::add, () -> {
                    throw e;
                })));
        assertEquals(List.of(), slept);
    }
}

package ovi.aws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Set;
import ovi.model.ErrorClass;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns SDK exceptions into one line a person can act on, beginning with its {@link ErrorClass}
 * ({@code "throttled: RequestLimitExceeded: ..."}), and classifies them for the retry strategy, the
 * circuit breakers and the metrics.
 */
public final class AwsErrors {
    private AwsErrors() {
    }

    /** Error codes of a refusal for lack of permission or of valid credentials, whatever the status. */
    private static final Set<String> DENIED = Set.of("AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
            "AuthFailure", "InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken", "ExpiredTokenException",
            "UnrecognizedClientException", "MissingAuthenticationToken", "InvalidAccessKeyId", "OptInRequired",
            "AccountProblem", "Blocked", "InvalidToken", "KMSAccessDeniedException", "AuthorizationError");

    /** Error codes of a resource in a state that forbids the request. */
    private static final Set<String> CONFLICT = Set.of("DependencyViolation", "BucketNotEmpty", "OperationAborted",
            "ResourceInUseException", "ResourceConflictException", "ConcurrentModification", "ConcurrentModificationException",
            "DeleteConflict", "EntityAlreadyExists", "BucketAlreadyExists", "BucketAlreadyOwnedByYou",
            "IncorrectState", "InvalidGroup.InUse", "IdempotentParameterMismatch", "ConflictException",
            "QueueDeletedRecently", "QueueAlreadyExists", "InvalidDBInstanceState", "DBInstanceAlreadyExists",
            "InvalidDBInstanceStateFault", "DBInstanceAlreadyExistsFault", "InvalidParameterCombination.InUse");

    /** The class of {@code t}, or null when it is not an error of an AWS call (a bug, an interruption). */
    public static ErrorClass classify(Throwable t) {
        if (t instanceof AwsServiceException e) {
            String code = e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null
                    ? e.awsErrorDetails().errorCode() : "";
            int status = e.statusCode();
            if (e.isThrottlingException() || status == 429) {
                return ErrorClass.THROTTLED;
            }
            if (DENIED.contains(code) || status == 401 || status == 403) {
                return ErrorClass.DENIED;
            }
            if (status == 404 || code.startsWith("NoSuch") || code.contains("NotFound")
                    || code.endsWith(".Unknown") || code.equals("ResourceNotFoundException")
                    || code.equals("NonExistentQueue") || code.equals("AWS.SimpleQueueService.NonExistentQueue")) {
                return ErrorClass.NOT_FOUND;
            }
            if (status == 409 || CONFLICT.contains(code) || code.endsWith(".InUse") || code.endsWith(".Duplicate")
                    || code.endsWith("AlreadyExists") || code.startsWith("IncorrectInstanceState")
                    || code.startsWith("InvalidState")) {
                return ErrorClass.CONFLICT;
            }
            if (status >= 500 || status == 0) {
                return ErrorClass.UNAVAILABLE;
            }
            return ErrorClass.INVALID;
        }
        if (t instanceof Refused r) {
            return r.errorClass;
        }
        if (t instanceof NoCredentials) {
            return ErrorClass.DENIED;
        }
        if (t instanceof SdkClientException e) {
            String m = e.getMessage() == null ? "" : e.getMessage();
            if (m.toLowerCase(Locale.ROOT).contains("credentials") && !ioCause(e)) {
                return ErrorClass.DENIED;
            }
            return ErrorClass.UNAVAILABLE; // timeouts, dropped connections, garbage replies
        }
        if (t instanceof SdkException) {
            return ErrorClass.UNAVAILABLE;
        }
        return null;
    }

    private static boolean ioCause(Throwable t) {
        for (Throwable c = t.getCause(); c != null; c = c.getCause()) {
            if (c instanceof IOException || c instanceof UncheckedIOException) {
                return true;
            }
        }
        return false;
    }

    public static String describe(Throwable t) {
        ErrorClass c = classify(t);
        String prefix = c == null ? "" : c.key() + ": ";
        if (t instanceof AwsServiceException e) {
            String code = e.awsErrorDetails() != null ? e.awsErrorDetails().errorCode() : null;
            String msg = e.awsErrorDetails() != null ? e.awsErrorDetails().errorMessage() : e.getMessage();
            String after = c == ErrorClass.THROTTLED || c == ErrorClass.UNAVAILABLE
                    ? ", after " + (e.numAttempts() == null ? "retries" : e.numAttempts() + " attempts") : "";
            return prefix + (code != null ? code + ": " : "") + firstLine(msg) + " (HTTP " + e.statusCode()
                    + (e.requestId() != null ? ", request " + e.requestId() : "") + after + ")";
        }
        if (t instanceof Refused || t instanceof NoCredentials) {
            return prefix + firstLine(t.getMessage());
        }
        if (t instanceof ApiCallTimeoutException || t instanceof ApiCallAttemptTimeoutException) {
            return prefix + "no answer in time: " + firstLine(t.getMessage());
        }
        if (t instanceof SdkClientException e) {
            String m = e.getMessage() == null ? "" : e.getMessage();
            if (c == ErrorClass.DENIED) {
                return prefix + "no usable AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, configure a "
                        + "default profile in ~/.aws, or name one with --profile (--debug shows every source the SDK tried)";
            }
            return prefix + "cannot reach AWS: " + firstLine(m);
        }
        if (t instanceof SdkException) {
            return prefix + "AWS SDK error: " + firstLine(t.getMessage());
        }
        return t.getClass().getSimpleName() + ": " + firstLine(t.getMessage());
    }

    /**
     * No credentials, said in terms of the profile that should have given them ({@link ProfileCredentials}):
     * no call is sent, and none is retried.
     */
    public static final class NoCredentials extends SdkClientException {
        NoCredentials(String message) {
            super(SdkClientException.builder().message(message));
        }

        NoCredentials(String message, Throwable cause) {
            super(SdkClientException.builder().message(message).cause(cause));
        }

        @Override
        public boolean retryable() {
            return false;
        }
    }

    /**
     * A call ovi refused itself, before sending it: the service's circuit breaker is open, or the run's
     * deadline has passed. Never retried (the SDK retries only what it is told is retryable).
     */
    public static final class Refused extends SdkClientException {
        private final ErrorClass errorClass;

        Refused(String message, ErrorClass errorClass) {
            super(SdkClientException.builder().message(message));
            this.errorClass = errorClass;
        }

        @Override
        public boolean retryable() {
            return false;
        }
    }

    /**
     * The one result a reply must carry; a reply without it is refused like garbage (an SDK client
     * exception, so the action is recorded as failed, never as done on the strength of nothing).
     */
    public static <T> T first(java.util.List<T> results, String what) {
        if (results == null || results.isEmpty() || results.get(0) == null) {
            throw SdkClientException.create("AWS answered " + what + " with no result");
        }
        return results.get(0);
    }

    /** AWS's request id of a response, for the WAL. */
    public static String requestId(software.amazon.awssdk.awscore.AwsResponse r) {
        return r.responseMetadata() == null ? null : r.responseMetadata().requestId();
    }

    public static String requestId(Throwable t) {
        return t instanceof AwsServiceException e ? e.requestId() : null;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}

package ovi.aws;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/** Turns SDK exceptions into one line a person can act on. */
public final class AwsErrors {
    private AwsErrors() {
    }

    public static String describe(Throwable t) {
        if (t instanceof AwsServiceException e) {
            String code = e.awsErrorDetails() != null ? e.awsErrorDetails().errorCode() : null;
            String msg = e.awsErrorDetails() != null ? e.awsErrorDetails().errorMessage() : e.getMessage();
            String kind = e.isThrottlingException() ? "throttled by AWS (after retries)"
                    : e.statusCode() == 403 ? "access denied"
                    : e.statusCode() == 404 ? "not found"
                    : "AWS error";
            return kind + ": " + (code != null ? code + ": " : "") + msg + " (HTTP " + e.statusCode()
                    + (e.requestId() != null ? ", request " + e.requestId() : "") + ")";
        }
        if (t instanceof SdkClientException e) {
            String m = e.getMessage() == null ? "" : e.getMessage();
            if (m.contains("credentials")) {
                return "no usable AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, configure a "
                        + "default profile in ~/.aws, or name one with --profile (--debug shows every source the SDK tried)";
            }
            return "cannot reach AWS: " + firstLine(m);
        }
        if (t instanceof SdkException) {
            return "AWS SDK error: " + firstLine(t.getMessage());
        }
        return t.getClass().getSimpleName() + ": " + firstLine(t.getMessage());
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

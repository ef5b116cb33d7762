package ovi.model;

import java.util.Locale;

/**
 * What kind of failure an AWS call ended in, one type for the whole engine: shown in output, JSON and the
 * WAL, counted in the metrics file, and what the retry strategy and the circuit breakers go by. Only
 * {@link #THROTTLED} and {@link #UNAVAILABLE} are retried and count against a service's circuit breaker:
 * the others are answers (the service works and said no), and asking again would get the same one.
 */
public enum ErrorClass {
    /** AWS refused for the rate: RequestLimitExceeded, Throttling, SlowDown, TooManyRequests. */
    THROTTLED("throttled"),
    /**
     * No usable answer: HTTP 5xx, a dropped or refused connection, a timeout, a reply that is not the
     * operation's document, or a call ovi refused itself because the service's circuit breaker is open or
     * the run's --timeout has passed.
     */
    UNAVAILABLE("unavailable"),
    /** Not allowed: AccessDenied, UnauthorizedOperation, bad or expired credentials. */
    DENIED("denied"),
    /** The request itself was wrong: a parameter AWS rejects (HTTP 400 of any other code). */
    INVALID("invalid"),
    /** The resource named is not there (HTTP 404, NoSuch..., ...NotFound). */
    NOT_FOUND("not-found"),
    /** The resource is in a state that forbids it: in use, already exists, not empty, being modified. */
    CONFLICT("conflict");

    private final String key;

    ErrorClass(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    /** Whether asking again, later, may succeed: throttled and unavailable only. */
    public boolean transientFailure() {
        return this == THROTTLED || this == UNAVAILABLE;
    }

    public static ErrorClass ofKey(String key) {
        for (ErrorClass c : values()) {
            if (c.key.equals(key)) {
                return c;
            }
        }
        throw new IllegalArgumentException("not an error class: " + key);
    }

    /**
     * The class an error message of {@code AwsErrors.describe} begins with ({@code "throttled: ..."}), or
     * null for a message that names none (ovi's own refusals: "cannot shrink the storage", ...).
     */
    public static ErrorClass leading(String message) {
        if (message == null) {
            return null;
        }
        int colon = message.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        String head = message.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        for (ErrorClass c : values()) {
            if (c.key.equals(head)) {
                return c;
            }
        }
        return null;
    }
}

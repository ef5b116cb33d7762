package ovi.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A claim on one resource: who may act on it until when. The fence grows on every new claim of the
 * resource, so a holder whose claim was taken over can tell, right before acting, that it no longer holds.
 *
 * @param resource  the claimed resource, {@code <owner>/<type>/<id>}
 * @param holder    the instance that holds it (host+pid by default)
 * @param fence     the fencing number of this claim
 * @param claimedAt when it was taken
 * @param expiresAt when it lapses unless released or renewed first
 */
public record Claim(String resource, String holder, long fence, Instant claimedAt, Instant expiresAt) {
    public Claim {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(claimedAt, "claimedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    public boolean liveAt(Instant now) {
        return expiresAt.isAfter(now);
    }

    /** The claim key for a resource of an owner. */
    public static String key(String owner, ResourceType type, String id) {
        return owner + "/" + type.key() + "/" + id;
    }
}

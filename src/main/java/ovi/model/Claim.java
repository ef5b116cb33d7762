package ovi.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A claim on one resource: who may act on it until when. The fence grows on every new claim of the
 * resource, so a holder whose claim was taken over can tell, right before acting, that it no longer holds.
 *
 * @param resource  the claimed resource, {@code <owner>/<type>/<id>}
 * @param holder    the run that holds it: the instance's name (host:pid by default), '#', and a nonce of the run
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

    private static final java.security.SecureRandom NONCES = new java.security.SecureRandom();

    /**
     * A holder for one run of an instance named {@code instance}: the name, readable in {@code ovi status},
     * then '#' and 64 random bits, so no other run, even one given the same name, holds the same claims.
     */
    public static String holder(String instance) {
        return instance + "#" + String.format("%016x", NONCES.nextLong());
    }

    /** The instance name part of a holder, for people. */
    public static String instance(String holder) {
        int hash = holder.lastIndexOf('#');
        return hash < 0 ? holder : holder.substring(0, hash);
    }

    /** The claim key for a resource of an owner. */
    public static String key(String owner, ResourceType type, String id) {
        return owner + "/" + type.key() + "/" + id;
    }
}

package ovi.engine;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import ovi.model.Claim;

/**
 * Claims with a TTL and a fencing number, shared by every ovi process that uses the same store, so that
 * overlapping runs never act on one resource twice.
 */
public interface ClaimStore {

    /**
     * Atomically claims {@code resource} for {@code holder}: succeeds when it is unclaimed, released, expired
     * (a takeover, with a higher fence) or already held by {@code holder} (renewed, same fence). Safe to call
     * from several threads and processes at once.
     *
     * @return the claim when {@code holder} now holds it; empty when another holder's claim is live
     */
    Optional<Claim> tryClaim(String resource, String holder, Duration ttl);

    /** True when {@code claim} is still the live claim on its resource: checked right before each AWS call. */
    boolean holds(Claim claim);

    /** Ends {@code claim} if it is still the current one; a later claim by anyone gets a higher fence. */
    void release(Claim claim);

    /** The current claim on a resource, live or not, if it was ever claimed. */
    Optional<Claim> current(String resource);

    /** Every claim live now, for status. */
    List<Claim> live();
}

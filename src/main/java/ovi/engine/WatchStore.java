package ovi.engine;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What {@code ovi watch apply} keeps in the store beside the observations: each failing resource's backoff
 * (so that a watch started again does not hammer a resource that was failing) and each watcher's state
 * (for {@code ovi status}). Called from the watch loop's one thread, between a run's other store calls.
 */
public interface WatchStore {

    /** Every backoff kept for {@code owner}'s resources, by decision id. */
    Map<String, Scheduler.Backoff> backoffs(String owner);

    /** Keeps {@code backoff} as {@code id}'s (replacing any). */
    void backoff(String owner, String id, Scheduler.Backoff backoff);

    /** {@code id} succeeded: its kept backoff goes. */
    void cleared(String owner, String id);

    /** Records what a watcher is doing (one row per holder, replaced each tick). */
    void watcher(Watcher state);

    /** The watchers that recorded their state, latest tick first. */
    List<Watcher> watchers();

    /**
     * One watcher's state.
     *
     * @param holder    the instance name its claims carry
     * @param state     {@code running} or {@code stopped}
     * @param lastTick  when its last tick ended
     * @param nextDue   the earliest next-reconcile time it has, or null
     * @param scheduled how many resources it has a time for
     * @param backoffs  how many are backing off
     */
    record Watcher(String holder, String owner, String state, Instant started, Instant lastTick, Instant nextDue,
                   long ticks, int scheduled, int backoffs) {
    }
}

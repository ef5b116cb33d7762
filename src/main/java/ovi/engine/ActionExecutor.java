package ovi.engine;

import ovi.model.Intent;
import ovi.model.Outcome;

/** Carries out decisions in the cloud. */
public interface ActionExecutor {

    /**
     * Creates, updates or deletes the resource of one intent. Called only after the resource was claimed,
     * looked up again and found still as decided, and after the {@code executing} entry was synced to the
     * WAL. Called from several threads at once (up to {@code --concurrency}), never twice at once for one
     * resource.
     *
     * <p>Implementations call {@link Fence#check()} right before each mutating cloud call and let
     * {@link Fence.Lost} propagate. Creates pass {@link Intent#clientToken} where the API takes one, so a
     * repeated create makes nothing new. Cloud errors are returned as {@link Outcome.Failed} (with the
     * request id), not thrown.
     *
     * @return executed, failed, or skipped when the cloud refused on purpose (a non-empty bucket)
     */
    Outcome execute(Intent intent, String owner, Fence fence);

    /**
     * Carries out an intent again after a crash cut it off between two calls, from wherever the resource
     * now stands. {@code before} is the state the resource was in when the action first began (such as
     * {@code state=running}), which the resource itself may no longer show (an instance stopped for a
     * resize). Same contract as {@link #execute}; by default the same as it.
     */
    default Outcome execute(Intent intent, String owner, Fence fence, java.util.Map<String, String> before) {
        return execute(intent, owner, fence);
    }
}

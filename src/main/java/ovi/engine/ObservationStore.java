package ovi.engine;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import ovi.model.Observation;
import ovi.model.Scope;

/**
 * The MVCC record of observations: each batch gets a new revision, only resources whose content changed
 * are written, and a resource's past states can be read back.
 */
public interface ObservationStore extends AutoCloseable {

    /**
     * Called once per run after observation, from one thread. Resources of an observed scope that are no
     * longer observed are recorded as gone; scopes not listed are left as they were.
     *
     * @return the revision this batch was recorded as
     */
    Revision record(String runId, Set<Scope> observedScopes, Collection<Observation> observations);

    /**
     * As {@link #record(String, Set, Collection)}; with {@code keepUnchanged} false a batch that changes
     * nothing writes no row at all (not even a revision) and is reported as the latest revision, with nothing
     * written: {@code ovi watch} ticks that find nothing new leave the store as it was.
     */
    default Revision record(String runId, Set<Scope> observedScopes, Collection<Observation> observations,
                            boolean keepUnchanged) {
        return record(runId, observedScopes, observations);
    }

    /** Every stored state of the resource with this ovi id or cloud id, oldest first. */
    List<StoredVersion> history(String id);

    @Override
    void close();

    /**
     * @param revision the new revision
     * @param written  how many resource rows it wrote
     * @param changed  each resource it wrote, with its state before (null when new) and now (null when gone);
     *                 empty from a store that does not say
     */
    record Revision(long revision, int written, List<Changed> changed) {
        public Revision {
            changed = List.copyOf(changed);
        }

        public Revision(long revision, int written) {
            this(revision, written, List.of());
        }
    }

    /** One resource a revision wrote: its key, its stored state before (null when new or gone) and now (null when gone). */
    record Changed(String key, Observation before, Observation after) {
    }

    /** One stored state of a resource; {@code observation} is null when the resource was gone. */
    record StoredVersion(String key, long revision, String runId, java.time.Instant time, String contentHash,
                         Observation observation) {
        public boolean gone() {
            return observation == null;
        }
    }
}

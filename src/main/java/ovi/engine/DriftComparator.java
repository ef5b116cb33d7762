package ovi.engine;

import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import ovi.model.DesiredResource;
import ovi.model.Diff;
import ovi.model.Observation;

/** Finds the differences between what a config declares and what was observed. */
public interface DriftComparator {

    /**
     * Called once per run after observation. Pure: no I/O, no state; safe to call from any thread.
     *
     * @param owner    the config's owner; only resources tagged with it can be missing, drifted or unwanted
     * @param desired  every declared resource
     * @param observed every observed resource in the observed scopes
     * @param blessed  ids (ovi or cloud) the config protects from deletion
     * @return one diff per resource that differs, in a stable order
     */
    List<Diff> compare(String owner, Collection<DesiredResource> desired, Collection<Observation> observed,
                       Predicate<String> blessed);
}

package ovi.engine;

import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import ovi.model.DesiredResource;
import ovi.model.Diff;
import ovi.model.IgnoreRule;
import ovi.model.Observation;

/** Finds the differences between what a config declares and what was observed. */
public interface DriftComparator {

    /**
     * Called once per run after observation. Pure: no I/O, no state; safe to call from any thread.
     *
     * @param owner    the config's owner; only resources tagged with it can be missing, drifted or unwanted
     * @param desired  every declared resource, each with the fields and tags it ignores
     * @param observed every observed resource in the observed scopes
     * @param blessed  ids (ovi or cloud) the config protects from deletion
     * @param ignore   the rules of unmanaged resources not to report as differences
     * @return one diff per resource that differs, in a stable order, and what was ignored, in the same order
     */
    Comparison compare(String owner, Collection<DesiredResource> desired, Collection<Observation> observed,
                       Predicate<String> blessed, List<IgnoreRule> ignore);

    /** The differences alone, with no top-level ignore rules. */
    default List<Diff> compare(String owner, Collection<DesiredResource> desired, Collection<Observation> observed,
                               Predicate<String> blessed) {
        return compare(owner, desired, observed, blessed, List.of()).diffs();
    }
}

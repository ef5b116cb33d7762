package ovi.engine;

import java.util.List;
import java.util.Set;
import ovi.model.Diff;
import ovi.model.Scope;

/** Turns diffs into decisions, applying ovi's safety rules. */
public interface DecisionMaker {

    /**
     * Called once per run after comparison. Pure: the same diffs always give the same decisions.
     *
     * @param diffs      the comparator's output
     * @param unobserved scopes that could not be observed: nothing is created or deleted in them
     * @param managed    how many resources tagged with the config's owner were observed
     * @throws OviException when the decisions would be unsafe as a whole (every managed resource deleted)
     */
    Decisions decide(List<Diff> diffs, Set<Scope> unobserved, int managed);
}

package ovi.engine;

import java.util.List;
import ovi.model.Declaration;

/**
 * What {@code ovi watch apply} adds to a run: which of the decisions made are acted on this tick (the
 * resources that changed and those whose time has come), and what becomes of the rest. Called from the
 * run's one thread, in this order: {@link #select} once, {@link #acted} at most once, {@link #close} once.
 */
public interface Reconciler {

    /**
     * After the observation is recorded and the decisions made, before anything is written to the WAL
     * about them: the decisions to act on now, a subset of {@code decided} in its order.
     *
     * @param changes every resource that differs from the previous revision in the store, classified
     */
    Decisions select(Declaration config, ObservationBatch batch, List<ObservedChange> changes, Decisions decided);

    /** After acting: what became of each decision selected (a guard that stopped the run means no call). */
    void acted(List<Applier.Result> results);

    /** Whether the watch was told to stop: actions not started yet are then left for the next start. */
    default boolean stopping() {
        return false;
    }

    /** At the end of the run, however it ended: what was selected and not settled is due again at once. */
    void close();
}

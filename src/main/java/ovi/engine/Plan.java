package ovi.engine;

import java.util.List;
import ovi.model.Diff;

/**
 * The outcome of observing and deciding: what a person reviews and what apply acts on.
 *
 * @param runId    the run that made it
 * @param revision the store revision its observations were recorded as
 * @param owner    the config's owner
 * @param account  the AWS account observed
 * @param batch    what was observed, and which scopes could not be
 * @param diffs    every difference found
 * @param decisions what to do about them
 */
public record Plan(String runId, long revision, String owner, String account, ObservationBatch batch,
                   List<Diff> diffs, Decisions decisions) {
    public Plan {
        diffs = List.copyOf(diffs);
    }
}

package ovi.engine;

import java.util.List;
import ovi.model.Diff;
import ovi.model.Ignored;

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
 * @param ignored  what the config's ignore rules left out of the diffs: counted and listed, never acted on
 */
public record Plan(String runId, long revision, String owner, String account, ObservationBatch batch,
                   List<Diff> diffs, Decisions decisions, List<Ignored> ignored) {
    public Plan {
        diffs = List.copyOf(diffs);
        ignored = List.copyOf(ignored);
    }

    public Plan(String runId, long revision, String owner, String account, ObservationBatch batch,
                List<Diff> diffs, Decisions decisions) {
        this(runId, revision, owner, account, batch, diffs, decisions, List.of());
    }
}

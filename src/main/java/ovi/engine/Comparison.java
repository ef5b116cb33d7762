package ovi.engine;

import java.util.List;
import ovi.model.Diff;
import ovi.model.Ignored;

/**
 * What a comparison found: the differences to decide on, and what the config's ignore rules left out of
 * them (reported, never acted on).
 */
public record Comparison(List<Diff> diffs, List<Ignored> ignored) {
    public Comparison {
        diffs = List.copyOf(diffs);
        ignored = List.copyOf(ignored);
    }
}

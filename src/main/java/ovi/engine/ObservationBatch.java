package ovi.engine;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import ovi.model.Observation;
import ovi.model.Scope;

/**
 * What one observation pass saw.
 *
 * @param observations every resource in the scopes that were observed
 * @param failures     the scopes that could not be observed, each with why
 * @param scopes       every scope asked for
 */
public record ObservationBatch(List<Observation> observations, Map<Scope, String> failures, Set<Scope> scopes) {
    public ObservationBatch {
        observations = List.copyOf(observations);
        failures = Map.copyOf(failures);
        scopes = Set.copyOf(scopes);
    }

    /** The scopes observed in full: only in these may an absence be believed. */
    public Set<Scope> observedScopes() {
        Set<Scope> ok = new TreeSet<>(scopes);
        ok.removeAll(failures.keySet());
        return ok;
    }

    public long count(Scope scope) {
        return observations.stream().filter(o -> o.scope().equals(scope)).count();
    }
}

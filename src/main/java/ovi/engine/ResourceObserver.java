package ovi.engine;

import java.util.Set;

/** Lists what exists in the cloud. */
public interface ResourceObserver {

    /**
     * Called once per run, before anything is stored or decided. Lists every resource of each scope.
     * A scope that fails is reported in {@link ObservationBatch#failures()} rather than thrown, so the
     * others still count; implementations may observe scopes concurrently.
     */
    ObservationBatch observe(Set<ovi.model.Scope> scopes);

    /**
     * One observed resource with every field its kind compares, also those a listing leaves out of an
     * unmanaged one ({@link ResourceKind#complete}); called by {@code ovi import}. By default as it is.
     */
    default ovi.model.Observation complete(ovi.model.Observation o) {
        return o;
    }

    /** The account the credentials act in; called before {@link #observe}. */
    String account();

    /** The number of cloud API calls made so far, for the benchmark and the call-economy test. */
    default long apiCalls() {
        return 0;
    }
}

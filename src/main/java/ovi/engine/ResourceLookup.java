package ovi.engine;

import java.util.List;
import ovi.model.Observation;
import ovi.model.ResourceType;

/**
 * Looks one resource up again: right before apply acts on it (so nothing is done on a stale picture),
 * and after a crash, to settle whether an action in doubt reached the cloud. Read-only; safe to call from
 * several threads.
 */
public interface ResourceLookup {

    /**
     * What to look for. {@code cloudId} is known for updates and deletes, and for creates whose id ovi
     * chooses (DB identifiers, bucket names); otherwise the resource is found by its {@code ovi:id} and
     * {@code ovi:owner} tags, narrowed by the {@code clientToken} its create call carried, when given.
     */
    record Target(ResourceType type, String region, String owner, String oviId, String cloudId, String clientToken) {
    }

    /**
     * The matching resources as they are now, in the same form the {@link ResourceObserver} gives (so
     * content hashes compare), sorted by cloud id; empty when none exists (or it is on its way out:
     * terminated or shutting-down instances, deleting DB instances).
     *
     * @throws RuntimeException when the cloud cannot answer: the caller then acts on nothing, never on a guess
     */
    List<Observation> find(Target target);

    /**
     * What a resource found after a crash still lacks of an action beyond what recovery checks itself, as
     * its kind says ({@link ResourceKind#unfinished}); {@code before} is its state when the action began.
     */
    default List<String> unfinished(ovi.model.Intent intent, java.util.Map<String, String> before, Observation found) {
        return List.of();
    }
}

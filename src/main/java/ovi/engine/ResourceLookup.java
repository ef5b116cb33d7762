package ovi.engine;

import java.util.Optional;
import ovi.model.Observation;
import ovi.model.ResourceType;

/**
 * Looks one resource up again, for crash recovery: did an action in doubt reach AWS? Called from one
 * thread, once per action in doubt, before the run acts on anything. Read-only.
 */
public interface ResourceLookup {

    /**
     * What to look for. {@code cloudId} is known for updates and deletes, and for creates whose id ovi
     * chooses (DB identifiers, bucket names); an EC2 create is found by its {@code ovi:id} and
     * {@code ovi:owner} tags, narrowed by the {@code clientToken} the create call carried, when known.
     */
    record Target(ResourceType type, String region, String owner, String oviId, String cloudId, String clientToken) {
    }

    /**
     * The resource as it is now, or empty when it does not exist (or is on its way out: terminated or
     * shutting-down instances, deleting DB instances).
     *
     * @throws RuntimeException when AWS cannot say (unreachable, access denied): the action stays in doubt
     */
    Optional<Observation> find(Target target);
}

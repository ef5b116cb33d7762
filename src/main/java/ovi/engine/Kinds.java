package ovi.engine;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ovi.model.Action;
import ovi.model.ResourceType;

/** The kinds of one run, by type: what the observer lists and the executor acts through. */
public final class Kinds {
    private final Map<ResourceType, ResourceKind> byType;

    /**
     * @throws IllegalStateException when two kinds share a type, or a kind's parts do not match what its
     *                               type says it can do (found at start-up, never when acting)
     */
    public Kinds(List<? extends ResourceKind> kinds) {
        Map<ResourceType, ResourceKind> m = new LinkedHashMap<>();
        for (ResourceKind k : kinds) {
            for (Action a : Action.values()) {
                if (k.type().can(a) != k.carriesOut(a)) {
                    throw new IllegalStateException("resource kind " + k.type() + (k.type().can(a) ? " says it can "
                            : " says it cannot ") + a.key() + ", but " + (k.carriesOut(a) ? "has" : "has no")
                            + " part for it");
                }
            }
            if (k.type().publishes() != k.publisher().isPresent()) {
                throw new IllegalStateException("resource kind " + k.type() + (k.type().publishes()
                        ? " says it can be published to, but has no publisher" : " has a publisher its type does not declare"));
            }
            if (m.putIfAbsent(k.type(), k) != null) {
                throw new IllegalStateException("two resource kinds are registered as '" + k.type() + "'");
            }
        }
        this.byType = Collections.unmodifiableMap(m);
    }

    /** The kind of a type; every type a declaration, plan or WAL entry names was parsed from a registered one. */
    public ResourceKind of(ResourceType type) {
        ResourceKind k = byType.get(type);
        if (k == null) {
            throw new IllegalStateException("no resource kind '" + type + "' is registered");
        }
        return k;
    }

    public Collection<ResourceKind> all() {
        return byType.values();
    }

    public Collection<ResourceType> types() {
        return byType.keySet();
    }
}

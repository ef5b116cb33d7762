package ovi.engine;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import ovi.model.DesiredResource;
import ovi.model.Observation;

/**
 * How one resource differs from the previous revision in the store.
 *
 * @param key    the store's key of the resource
 * @param kind   what changed
 * @param before its state in the previous revision (null when {@link Kind#CREATED})
 * @param after  its state now (null when {@link Kind#DELETED})
 */
public record ObservedChange(String key, Kind kind, Observation before, Observation after) {

    /** What kind of change a resource went through between two revisions. */
    public enum Kind {
        /** Not in the previous revision (or gone there), observed now. */
        CREATED,
        /** In the previous revision, no longer observed in a scope that was observed in full. */
        DELETED,
        /** A field the config declares for it, or one of its tags, changed. */
        UPDATED,
        /** Only what the config does not declare changed: its state (stopped, available) and the like. */
        STATUS_UPDATED;

        /** The lower-case name used in metrics and the WAL: {@code status_updated}. */
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Classifies one stored change; {@code desired} is the config's resource for it, or null (then only a
     * tag change counts as an update: nothing of it is declared).
     */
    public static ObservedChange classify(String key, Observation before, Observation after, DesiredResource desired) {
        if (before == null && after == null) {
            throw new IllegalArgumentException("a change needs a state before or after: " + key);
        }
        if (before == null) {
            return new ObservedChange(key, Kind.CREATED, null, after);
        }
        if (after == null) {
            return new ObservedChange(key, Kind.DELETED, before, null);
        }
        if (!before.tags().equals(after.tags())) {
            return new ObservedChange(key, Kind.UPDATED, before, after);
        }
        Set<String> changed = changedKeys(before.attributes(), after.attributes());
        if (desired != null) {
            for (String field : changed) {
                if (desired.attributes().containsKey(field)) {
                    return new ObservedChange(key, Kind.UPDATED, before, after);
                }
            }
        }
        return new ObservedChange(key, Kind.STATUS_UPDATED, before, after);
    }

    private static Set<String> changedKeys(Map<String, String> a, Map<String, String> b) {
        Set<String> keys = new HashSet<>(a.keySet());
        keys.addAll(b.keySet());
        keys.removeIf(k -> java.util.Objects.equals(a.get(k), b.get(k)));
        return keys;
    }

    /** The state that names the resource: now, or before when it is gone. */
    public Observation current() {
        return after != null ? after : before;
    }

    /**
     * The decision ids this change may concern: a managed resource's decisions go by the ovi id its tag
     * names, any other's by its cloud id (both when a tag came or went between the two states).
     */
    public Set<String> ids() {
        Set<String> ids = new HashSet<>(2);
        for (Observation o : new Observation[] {before, after}) {
            if (o != null) {
                ids.add(o.managed() && o.oviId() != null ? o.oviId() : o.cloudId());
            }
        }
        return ids;
    }
}

package ovi.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import ovi.engine.ObservationStore;
import ovi.engine.ObservationStore.StoredVersion;
import ovi.engine.OviException;
import ovi.model.Observation;

/**
 * {@code ovi history}'s question: every recorded state of one resource, and what changed from each to the
 * next. A resource id can name more than one stored resource (an ovi id reused by a new instance): each is
 * told apart by its store key.
 */
public final class History {

    /** One field that changed between two revisions; null means absent. */
    public record FieldChange(String field, String before, String after) {
    }

    /** What a revision was, next to the one before it. */
    public enum Step {
        /** The first revision the resource was seen in: every field is new. */
        FIRST_SEEN,
        /** Seen again after it was gone: every field is new again. */
        BACK,
        /** Seen again after being seen: the fields that differ. */
        CHANGED,
        /** No longer there. */
        GONE
    }

    /** One stored revision, with what it changed; {@code changes} is empty when it is gone. */
    public record Revision(StoredVersion version, Step step, List<FieldChange> changes) {
        public Revision {
            changes = List.copyOf(changes);
        }
    }

    /** Every revision of one stored resource, oldest first. */
    public record Resource(String key, List<Revision> revisions) {
        public Resource {
            revisions = List.copyOf(revisions);
        }
    }

    private History() {
    }

    /**
     * The history of the resource with ovi id or cloud id {@code id}, by store key; a failure naming
     * {@code where} (the store) when there is none.
     */
    public static List<Resource> of(ObservationStore store, String id, String where) {
        List<Resource> found = of(store.history(id));
        if (found.isEmpty()) {
            throw OviException.failure("no resource with ovi id or cloud id '" + id + "' in the store at " + where);
        }
        return found;
    }

    /** The versions, oldest first, as one history per store key (in key order). */
    public static List<Resource> of(List<StoredVersion> versions) {
        Map<String, List<StoredVersion>> byKey = new TreeMap<>();
        for (StoredVersion v : versions) {
            byKey.computeIfAbsent(v.key(), k -> new ArrayList<>()).add(v);
        }
        List<Resource> out = new ArrayList<>(byKey.size());
        byKey.forEach((key, vs) -> {
            List<Revision> revisions = new ArrayList<>(vs.size());
            Observation prev = null;
            boolean seen = false;
            for (StoredVersion v : vs) {
                if (v.gone()) {
                    revisions.add(new Revision(v, Step.GONE, List.of()));
                } else {
                    revisions.add(new Revision(v, !seen ? Step.FIRST_SEEN : prev == null ? Step.BACK : Step.CHANGED,
                            changes(prev, v.observation())));
                    seen = true;
                }
                prev = v.observation();
            }
            out.add(new Resource(key, revisions));
        });
        return out;
    }

    /** What changed from {@code before} (null: nothing yet) to {@code after} (null: gone). */
    public static List<FieldChange> changes(Observation before, Observation after) {
        List<FieldChange> out = new ArrayList<>();
        compare("", before == null ? Map.of() : before.attributes(), after == null ? Map.of() : after.attributes(), out);
        compare("tags.", before == null ? Map.of() : before.tags(), after == null ? Map.of() : after.tags(), out);
        return out;
    }

    private static void compare(String prefix, Map<String, String> a, Map<String, String> b, List<FieldChange> out) {
        TreeSet<String> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        for (String k : keys) {
            if (!Objects.equals(a.get(k), b.get(k))) {
                out.add(new FieldChange(prefix + k, a.get(k), b.get(k)));
            }
        }
    }
}

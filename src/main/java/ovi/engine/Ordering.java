package ovi.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ovi.model.Action;
import ovi.model.Decision;
import ovi.model.Diff;
import ovi.model.Observation;

/**
 * Orders a plan's decisions by the references between resources. A create or update that names a
 * resource being created in the same plan comes after that create (it needs the cloud id); a delete of a
 * resource that another resource of the plan uses now (its observed attributes hold the cloud id) comes
 * after that resource's delete or update (AWS refuses to delete a security group an instance still uses).
 * Otherwise the order is as decided. Each decision says what it waits for in {@link Decision#after()}, which
 * apply follows, running the independent ones concurrently.
 */
final class Ordering {
    private Ordering() {
    }

    static Decisions order(Decisions decisions) {
        List<Decision> list = decisions.list();
        Map<String, Decision> creates = new HashMap<>();
        // cloud id -> the delete of the resource that has it
        Map<String, Decision> deletes = new HashMap<>();
        for (Decision d : list) {
            if (d.action() == Action.CREATE) {
                creates.put(d.id(), d);
            } else if (d.action() == Action.DELETE && d.cloudId() != null) {
                deletes.put(d.cloudId(), d);
            }
        }
        if (creates.isEmpty() && deletes.isEmpty()) {
            return decisions;
        }
        Map<Decision, Set<String>> after = new LinkedHashMap<>();
        for (Decision d : list) {
            Set<String> waits = new LinkedHashSet<>();
            if (d.action() == Action.CREATE || d.action() == Action.UPDATE) {
                Diff diff = d.diff();
                var desired = diff instanceof Diff.Missing m ? m.desired() : ((Diff.Drifted) diff).desired();
                for (String ref : desired.references()) {
                    if (creates.containsKey(ref) && !ref.equals(d.id())) {
                        waits.add(ref);
                    }
                }
            }
            if (!deletes.isEmpty() && (d.action() == Action.DELETE || d.action() == Action.UPDATE)) {
                for (String word : words(d.diff().current())) {
                    Decision gone = deletes.get(word);
                    if (gone != null && gone != d) {
                        after.computeIfAbsent(gone, k -> new LinkedHashSet<>()).add(d.id());
                    }
                }
            }
            after.computeIfAbsent(d, k -> new LinkedHashSet<>()).addAll(waits);
        }
        return new Decisions(sorted(list, after));
    }

    /** The words of an observation's attributes: where one resource names another by its cloud id. */
    private static Set<String> words(Observation o) {
        Set<String> out = new LinkedHashSet<>();
        if (o != null) {
            for (String v : o.attributes().values()) {
                for (String w : v.split("[\\s,;\\[\\]\"]+")) {
                    if (!w.isEmpty() && !w.equals(o.cloudId())) {
                        out.add(w);
                    }
                }
            }
        }
        return out;
    }

    /**
     * Each decision after those it waits for, else in the given order. A cycle (possible only through what
     * exists now, as the config refuses its own) is broken at the earliest decision in it, which then waits
     * only for what comes before it.
     */
    private static List<Decision> sorted(List<Decision> list, Map<Decision, Set<String>> after) {
        List<Decision> out = new ArrayList<>(list.size());
        Set<String> placed = new java.util.HashSet<>();
        List<Decision> left = new ArrayList<>(list);
        while (!left.isEmpty()) {
            Decision next = null;
            for (Decision d : left) {
                if (placed.containsAll(after.get(d))) {
                    next = d;
                    break;
                }
            }
            if (next == null) {
                next = left.get(0);
                after.get(next).retainAll(placed);
            }
            left.remove(next);
            String id = next.id();
            // an id may have two decisions (a kept resource and its duplicate): placed once both are
            if (left.stream().noneMatch(x -> x.id().equals(id))) {
                placed.add(id);
            }
            out.add(next.after(after.get(next)));
        }
        return out;
    }
}

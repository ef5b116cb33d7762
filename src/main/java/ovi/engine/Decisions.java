package ovi.engine;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import ovi.model.Action;
import ovi.model.Decision;

/** The decisions of one run, and their count per action. */
public record Decisions(List<Decision> list, List<Decision> heldBack) {
    public Decisions {
        list = List.copyOf(list);
        heldBack = List.copyOf(heldBack);
    }

    public Decisions(List<Decision> list) {
        this(list, List.of());
    }

    /** The changes decided and held back this time ({@code ovi watch}: backing off, or not due yet). */
    public List<Decision> heldBackChanges() {
        return heldBack.stream().filter(d -> d.action().changes()).toList();
    }

    public Map<Action, Integer> summary() {
        Map<Action, Integer> counts = new EnumMap<>(Action.class);
        for (Action a : Action.values()) {
            counts.put(a, 0);
        }
        for (Decision d : list) {
            counts.merge(d.action(), 1, Integer::sum);
        }
        return counts;
    }

    /** True when any decision would change AWS. */
    public boolean hasChanges() {
        return list.stream().anyMatch(d -> d.action().changes());
    }
}

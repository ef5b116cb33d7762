package ovi.model;

import java.util.Objects;

/**
 * What ovi decided to do about one diff, and why.
 *
 * @param after the ovi ids of the other decisions of the plan that must be carried out first (a security
 *              group created before the instance that uses it, deleted after); empty for most
 */
public record Decision(Action action, Diff diff, String reason, java.util.SortedSet<String> after) {
    public Decision {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(diff, "diff");
        Objects.requireNonNull(reason, "reason");
        after = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(after));
    }

    public Decision(Action action, Diff diff, String reason) {
        this(action, diff, reason, new java.util.TreeSet<>());
    }

    /** The same decision, carried out after these. */
    public Decision after(java.util.Collection<String> ids) {
        return new Decision(action, diff, reason, new java.util.TreeSet<>(ids));
    }

    public static Decision create(Diff.Missing diff) {
        return new Decision(Action.CREATE, diff, diff.reason());
    }

    public static Decision update(Diff.Drifted diff) {
        return new Decision(Action.UPDATE, diff, diff.reason());
    }

    public static Decision delete(Diff.Unwanted diff) {
        return new Decision(Action.DELETE, diff, diff.reason());
    }

    public static Decision adopt(Diff.Unadopted diff) {
        return new Decision(Action.ADOPT, diff, diff.reason());
    }

    public static Decision notify(Diff diff, String reason) {
        return new Decision(Action.NOTIFY, diff, reason);
    }

    public String id() {
        return diff.id();
    }

    public ResourceType type() {
        return diff.type();
    }

    public String region() {
        return diff.region();
    }

    public String cloudId() {
        return diff.cloudId();
    }

    /** An update that stops and starts the resource (a disruptive field changes): shown as such in plans. */
    public boolean disruptive() {
        return disruptive(action, type(), diff.changes());
    }

    static boolean disruptive(Action action, ResourceType type, java.util.List<Change> changes) {
        return action == Action.UPDATE && type.disruptive(changes);
    }
}

package ovi.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import ovi.engine.Plan;
import ovi.model.Action;
import ovi.model.Change;
import ovi.model.Decision;
import ovi.model.Ignored;
import ovi.model.Scope;

/** The plan for a person: one line per decision, grouped by action, with field-level changes. */
final class PlanText {
    private static final String RESET = "\u001b[0m";

    private PlanText() {
    }

    static void print(Plan plan, PrintWriter out, boolean colour) {
        print(plan, out, colour, false);
    }

    /** ... with {@code showIgnored}, the findings the config's ignore rules kept quiet listed too. */
    static void print(Plan plan, PrintWriter out, boolean colour, boolean showIgnored) {
        out.printf("ovi plan  run %s  revision %d  owner %s  account %s%n", plan.runId(), plan.revision(), plan.owner(),
                plan.account());
        for (Action action : Action.values()) {
            List<Decision> group = plan.decisions().list().stream().filter(d -> d.action() == action).toList();
            if (group.isEmpty()) {
                continue;
            }
            out.println();
            out.println(heading(action) + ":");
            for (Decision d : group) {
                String line = "  " + action.symbol() + " " + d.type().key() + " " + d.id()
                        + (d.cloudId() != null && !d.cloudId().equals(d.id()) ? " (" + d.cloudId() + ")" : "")
                        + " in " + d.region() + ": " + d.reason() + (d.disruptive() ? " (disruptive: stop/start)" : "")
                        + (d.after().isEmpty() ? "" : " (after " + String.join(", ", d.after()) + ")");
                out.println(colour ? colourOf(action) + line + RESET : line);
                for (Change c : d.diff().changes()) {
                    // as the kind's field reads to people (1m30s, not 90); tags as they are
                    var field = d.type().field(c.field());
                    if (field.filter(ovi.model.Field::set).isPresent()) {
                        // one element of a set (a rule, a group): added or taken away
                        out.printf("      %s: %s %s%n", c.field(), c.current() == null ? "+" : "-",
                                ovi.model.Reference.show(c.current() == null ? c.desired() : c.current()));
                        continue;
                    }
                    String current = field.map(f -> f.show(c.current())).orElse(c.current());
                    String desired = field.map(f -> f.show(c.desired())).orElse(c.desired());
                    out.printf("      %s: %s -> %s%n", c.field(), current == null ? "(absent)" : current, desired);
                }
            }
        }
        if (!plan.batch().failures().isEmpty()) {
            out.println();
            out.println("Not observed (nothing is created or deleted there):");
            for (Map.Entry<Scope, String> f : new TreeMap<>(plan.batch().failures()).entrySet()) {
                out.println("  ? " + f.getKey() + ": " + f.getValue());
            }
        }
        if (showIgnored && !plan.ignored().isEmpty()) {
            out.println();
            out.println("Ignored (by the config's ignore rules; not acted on, not notified):");
            for (Ignored i : plan.ignored()) {
                out.println("  . " + i.type().key() + " " + i.id()
                        + (i.cloudId() != null && !i.cloudId().equals(i.id()) ? " (" + i.cloudId() + ")" : "")
                        + " in " + i.region() + ": " + i.kind() + ", by " + i.rule());
                i.what().forEach(w -> out.println("      " + w));
            }
        }
        Map<Action, Integer> s = plan.decisions().summary();
        out.println();
        String ignored = ignored(plan.ignored().size(), showIgnored);
        List<ovi.model.Decision> held = plan.decisions().heldBackChanges();
        if (!plan.decisions().hasChanges() && plan.batch().failures().isEmpty() && !held.isEmpty()) {
            // the watch acts on what is due: AWS does not match the config, and saying so matters
            out.printf("No changes this tick: %d held back (backing off or not due yet: %s), %d to notify%s.%n",
                    held.size(), String.join(", ", held.stream().limit(10).map(d -> d.action().key() + " " + d.id())
                            .toList()) + (held.size() > 10 ? ", ..." : ""), s.get(Action.NOTIFY),
                    ignored.isEmpty() ? "" : ", " + ignored);
        } else if (!plan.decisions().hasChanges() && plan.batch().failures().isEmpty()) {
            out.printf("No changes: AWS matches the config (%d to notify%s).%n", s.get(Action.NOTIFY),
                    ignored.isEmpty() ? "" : ", " + ignored);
        } else {
            out.printf("Plan: %d to create, %d to update, %d to delete, %s%d to notify%s.%n", s.get(Action.CREATE),
                    s.get(Action.UPDATE), s.get(Action.DELETE),
                    s.get(Action.ADOPT) == 0 ? "" : s.get(Action.ADOPT) + " to adopt, ", s.get(Action.NOTIFY),
                    ignored.isEmpty() ? "" : "; " + ignored);
        }
    }

    /** {@code 3 ignored (--show-ignored lists them)}, or "" when nothing was: what is kept quiet is never lost. */
    static String ignored(int count, boolean shown) {
        if (count == 0) {
            return "";
        }
        return count + " ignored" + (shown ? " (listed above)" : " (--show-ignored lists them)");
    }

    private static String heading(Action a) {
        return switch (a) {
            case CREATE -> "Create";
            case UPDATE -> "Update";
            case DELETE -> "Delete";
            case ADOPT -> "Adopt (tag as ovi's)";
            case NOTIFY -> "Notify only";
        };
    }

    private static String colourOf(Action a) {
        return switch (a) {
            case CREATE -> "\u001b[32m";
            case UPDATE -> "\u001b[33m";
            case DELETE -> "\u001b[31m";
            case ADOPT -> "\u001b[35m";
            case NOTIFY -> "\u001b[36m";
        };
    }

    /** The scopes not observed, in order, as {@code ec2/us-east-1, rds/eu-west-1}. */
    static String scopes(Map<Scope, String> failures) {
        return String.join(", ", new TreeMap<>(failures).keySet().stream().map(Scope::toString).toList());
    }
}

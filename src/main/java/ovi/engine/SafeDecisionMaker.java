package ovi.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import ovi.model.Action;
import ovi.model.Decision;
import ovi.model.Diff;
import ovi.model.Field;
import ovi.model.Scope;

/**
 * missing -> create (notify for one declared with {@code adopt:}), unadopted -> adopt with {@code --adopt}, else
 * notify, drifted -> update, unwanted -> delete unless blessed, protected from deletion by its
 * kind's field (AWS would refuse) or destructive actions are skipped, unmanaged -> notify. Nothing is
 * created or deleted in a scope that could not be observed, and a run that would delete every managed
 * resource is refused unless explicitly allowed. An action the resource's kind cannot carry out is planned
 * as a notify, never as an action that would fail later.
 */
public final class SafeDecisionMaker implements DecisionMaker {
    private final boolean skipDestructive;
    private final boolean allowEmpty;
    private final boolean adopt;

    public SafeDecisionMaker(boolean skipDestructive, boolean allowEmpty) {
        this(skipDestructive, allowEmpty, false);
    }

    /** @param adopt whether a declared resource that exists untagged ({@code adopt:}) is adopted, else notified */
    public SafeDecisionMaker(boolean skipDestructive, boolean allowEmpty, boolean adopt) {
        this.skipDestructive = skipDestructive;
        this.allowEmpty = allowEmpty;
        this.adopt = adopt;
    }

    @Override
    public Decisions decide(List<Diff> diffs, Set<Scope> unobserved, int managed) {
        List<Decision> decisions = new ArrayList<>(diffs.size());
        for (Diff diff : diffs) {
            if (unobserved.contains(Scope.of(diff.type(), diff.region()))) {
                // A resource we could not see may well exist: creating or deleting it would be a guess.
                continue;
            }
            decisions.add(withinCapabilities(decide(diff)));
        }
        long deletes = decisions.stream().filter(d -> d.action() == Action.DELETE).count();
        if (!allowEmpty && deletes > 0 && deletes >= managed) {
            throw OviException.failure("refusing to delete every managed resource (" + deletes + " of "
                    + managed + "); check the config, or pass --allow-empty if that is really intended");
        }
        return new Decisions(decisions);
    }

    /** A decision the kind cannot carry out (a kind with no deleter) is planned as a notify that says so. */
    private static Decision withinCapabilities(Decision d) {
        if (d.diff().type().can(d.action())) {
            return d;
        }
        return Decision.notify(d.diff(), d.reason() + "; ovi cannot " + d.action().key() + " " + d.type().noun()
                + "s (" + d.type() + "), so it only notifies");
    }

    private Decision decide(Diff diff) {
        if (diff instanceof Diff.Missing m && m.desired().adopt() != null) {
            // it stands for one existing resource: never made anew, nor taken from whoever tagged it
            return Decision.notify(m, m.reason() + "; not created (remove adopt: to create a new "
                    + m.type().noun() + ")");
        }
        if (diff instanceof Diff.Missing m) {
            return Decision.create(m);
        }
        if (diff instanceof Diff.Unadopted u) {
            return adopt ? Decision.adopt(u) : Decision.notify(u, u.reason() + "; apply --adopt tags it as ovi's "
                    + "(changing nothing else)");
        }
        if (diff instanceof Diff.Drifted d) {
            // a field AWS cannot change in place (a security group's VPC) is reported, never replaced
            List<String> fixed = d.changes().stream().filter(c -> d.type().field(c.field()).filter(Field::fixed)
                    .isPresent()).map(c -> c.field() + " " + c.current() + " -> " + c.desired()).toList();
            if (fixed.isEmpty()) {
                return Decision.update(d);
            }
            String why = String.join(", ", fixed) + " cannot change in place; ovi never replaces a " + d.type().noun()
                    + " to change it";
            return fixed.size() == d.changes().size() ? Decision.notify(d, d.reason() + "; " + why)
                    : new Decision(Action.UPDATE, d, d.reason() + "; only the rest is updated (" + why + ")");
        }
        if (diff instanceof Diff.Unwanted u) {
            if (u.blessed()) {
                return Decision.notify(u, "blessed: protected from deletion");
            }
            if (u.type().deletionProtected(u.current())) {
                // AWS would refuse the delete; the plan says what lets it go instead of apply failing on it
                return Decision.notify(u, u.reason() + "; deletion protection is on for " + u.cloudId() + ": declare it "
                        + "with " + u.type().deletionProtection().orElseThrow() + ": false and apply, then remove it "
                        + "from the config");
            }
            return skipDestructive ? Decision.notify(u, u.reason() + "; not deleted (--skip-destructive)")
                    : Decision.delete(u);
        }
        return Decision.notify(diff, diff.reason() + "; never touched");
    }
}

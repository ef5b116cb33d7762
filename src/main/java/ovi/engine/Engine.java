package ovi.engine;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import ovi.model.Declaration;
import ovi.model.Decision;
import ovi.model.Diff;
import ovi.model.Observation;
import ovi.model.ResourceType;
import ovi.model.Scope;
import ovi.model.WalRecord;

/**
 * The reconciliation chain: observe -> record -> compare -> decide, with every observation and decision
 * appended to the WAL. One engine serves one run.
 */
public final class Engine {
    private final ResourceObserver observer;
    private final ObservationStore store;
    private final DriftComparator comparator;
    private final DecisionMaker decisionMaker;
    private final AuditLog wal;
    private final Consumer<String> progress;

    public Engine(ResourceObserver observer, ObservationStore store, DriftComparator comparator,
                  DecisionMaker decisionMaker, AuditLog wal, Consumer<String> progress) {
        this.observer = observer;
        this.store = store;
        this.comparator = comparator;
        this.decisionMaker = decisionMaker;
        this.wal = wal;
        this.progress = progress;
    }

    /** Every scope a config needs observed: each regional kind in each region it names, each global kind once. */
    public static Set<Scope> scopes(Declaration config) {
        Set<Scope> scopes = new TreeSet<>();
        for (String region : config.regions()) {
            for (ResourceType t : ResourceType.all()) {
                scopes.add(Scope.of(t, region));
            }
        }
        return scopes;
    }

    /**
     * Checks that the credentials act in an account the config allows; returns the account. Called before
     * anything else a run does in AWS or the store; a refusal is recorded in the WAL (a {@code refused}
     * entry) and nothing else is written.
     */
    public String checkAccount(Declaration config, String runId) {
        String account = observer.account();
        if (account == null) {
            throw OviException.failure("cannot tell which AWS account these credentials act in: no account id");
        }
        if (!config.accounts().isEmpty() && !config.accounts().contains(account)) {
            String why = "these credentials act in account " + account + ", which is not listed under accounts: "
                    + config.accounts() + " in " + config.file();
            wal.append(runId, WalRecord.Refused.account(account, List.copyOf(config.accounts()), why));
            throw OviException.failure(why + "; nothing was decided or done");
        }
        return account;
    }

    public Plan plan(Declaration config, String runId) {
        return plan(config, runId, Instant.now());
    }

    /**
     * Observes, records, compares and decides; {@code started} is when the run began (before its clients
     * and store were opened), written with the {@code observed} entries so that the WAL tells the run's
     * whole duration.
     */
    public Plan plan(Declaration config, String runId, Instant started) {
        return plan(config, runId, started, null);
    }

    /**
     * ... and, with a {@code reconciler} ({@code ovi watch apply}), keeps only the decisions it selects: the
     * others are neither written to the WAL nor acted on. A batch that changed nothing then writes no row to
     * the store, and when nothing is selected either the WAL gets one compact {@code observed} entry.
     */
    public Plan plan(Declaration config, String runId, Instant started, Reconciler reconciler) {
        String account = checkAccount(config, runId);
        ObservationBatch batch = observer.observe(scopes(config));
        ObservationStore.Revision rev = store.record(runId, batch.observedScopes(), batch.observations(),
                reconciler == null);
        progress.accept(rev.written() == 0 && reconciler != null ? "nothing changed since revision " + rev.revision()
                : "recorded revision " + rev.revision() + " (" + rev.written() + " resources changed)");

        Comparison comparison = comparator.compare(config.owner(), config.desired(), batch.observations(),
                config::blessed, config.ignore());
        List<Diff> diffs = comparison.diffs();
        int managed = (int) batch.observations().stream()
                .filter(o -> o.managed() && config.owner().equals(o.owner())).count();
        Decisions decisions = Ordering.order(decisionMaker.decide(diffs, batch.failures().keySet(), managed));
        if (reconciler == null) {
            wal.append(observedEntries(runId, batch, rev.revision(), started));
        } else {
            List<ObservedChange> changes = classify(config, rev);
            decisions = reconciler.select(config, batch, changes, decisions);
            Set<String> chosen = new java.util.HashSet<>();
            decisions.list().forEach(d -> chosen.add(d.id()));
            diffs = diffs.stream().filter(d -> chosen.contains(d.id())).toList();
            if (changes.isEmpty() && batch.failures().isEmpty() && decisions.list().isEmpty()) {
                wal.append(List.of(AuditLog.Draft.of(runId, new WalRecord.Observed("*", rev.revision(),
                        started.truncatedTo(ChronoUnit.MILLIS).toString(), (long) batch.observations().size(), null,
                        batch.observations().size() + " resources in " + batch.scopes().size()
                                + " scopes, nothing changed, nothing due"))));
            } else {
                wal.append(observedEntries(runId, batch, rev.revision(), started));
            }
        }
        wal.append(decidedEntries(runId, rev.revision(), decisions));
        return new Plan(runId, rev.revision(), config.owner(), account, batch, diffs, decisions, comparison.ignored());
    }

    /** Each resource the revision wrote, classified against the config's declaration of it. */
    static List<ObservedChange> classify(Declaration config, ObservationStore.Revision rev) {
        if (rev.changed().isEmpty()) {
            return List.of();
        }
        java.util.Map<String, ovi.model.DesiredResource> byId = new java.util.HashMap<>();
        config.desired().forEach(d -> byId.put(d.id(), d));
        List<ObservedChange> out = new ArrayList<>(rev.changed().size());
        for (ObservationStore.Changed c : rev.changed()) {
            Observation o = c.after() != null ? c.after() : c.before();
            if (o == null) {
                continue; // gone, and what it was is unreadable: nothing to reconcile it by
            }
            ovi.model.DesiredResource desired = o == null || o.oviId() == null ? null : byId.get(o.oviId());
            out.add(ObservedChange.classify(c.key(), c.before(), c.after(), desired));
        }
        return out;
    }

    private static List<AuditLog.Draft> observedEntries(String runId, ObservationBatch batch, long revision,
                                                        Instant started) {
        List<AuditLog.Draft> drafts = new ArrayList<>();
        Instant began = started.truncatedTo(ChronoUnit.MILLIS);
        for (Scope s : new TreeSet<>(batch.scopes())) {
            String failure = batch.failures().get(s);
            drafts.add(AuditLog.Draft.of(runId, failure == null
                    ? WalRecord.Observed.of(s.toString(), revision, began, batch.count(s))
                    : WalRecord.Observed.failed(s.toString(), revision, began, failure)));
        }
        return drafts;
    }

    private static List<AuditLog.Draft> decidedEntries(String runId, long revision, Decisions decisions) {
        List<AuditLog.Draft> drafts = new ArrayList<>(decisions.list().size());
        for (Decision d : decisions.list()) {
            Observation current = d.diff().current();
            drafts.add(AuditLog.Draft.of(runId, new WalRecord.Decided(d.id(), d.action().key(), d.reason(),
                    d.diff().kind(), d.type().key(), d.region(), d.cloudId(), revision,
                    current == null ? null : current.contentHash(), d.diff().changes())));
        }
        return drafts;
    }
}

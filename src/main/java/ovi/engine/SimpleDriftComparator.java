package ovi.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.function.Predicate;
import ovi.model.Change;
import ovi.model.DesiredResource;
import ovi.model.Diff;
import ovi.model.Field;
import ovi.model.IgnoreRule;
import ovi.model.Ignored;
import ovi.model.Observation;
import ovi.model.ResourceType;

/**
 * Matches observations to declarations by the {@code ovi:id} tag of resources tagged with the config's
 * owner. Declared attributes and tags must match; tags the config does not mention are not drift.
 *
 * <p>Ignore rules are applied here, where a difference becomes a finding, so that what they silence is
 * known by name and counted: a field or tag a declaration ignores is left out of its changes (and so never
 * updated), and a resource not tagged as ovi's that a top-level rule matches is not a diff. Nothing a
 * managed resource is missing or unwanted for can be ignored, nor another owner's resource.
 */
public final class SimpleDriftComparator implements DriftComparator {

    @Override
    public Comparison compare(String owner, Collection<DesiredResource> desired, Collection<Observation> observed,
                              Predicate<String> blessed, List<IgnoreRule> ignore) {
        Map<String, DesiredResource> wanted = new HashMap<>(desired.size() * 2);
        for (DesiredResource d : desired) {
            wanted.put(matchKey(d.type(), d.id()), d);
        }
        // Sorted by cloud id so that, of two resources claiming one ovi id, the same one is always kept.
        List<Observation> sorted = new ArrayList<>(observed);
        sorted.sort(Comparator.comparing(Observation::cloudId));

        // declarations that stand for an existing resource (adopt: <cloud id>), by where that resource is
        Map<String, DesiredResource> adopting = new HashMap<>();
        for (DesiredResource d : desired) {
            if (d.adopt() != null) {
                adopting.put(adoptKey(d.type(), d.region(), d.adopt()), d);
            }
        }
        List<Diff> diffs = new ArrayList<>();
        List<Ignored> ignored = new ArrayList<>();
        Map<String, Observation> matched = new HashMap<>(desired.size() * 2);
        List<Observation> kept = new ArrayList<>();
        Map<String, Observation> toAdopt = new HashMap<>();
        Map<String, String> notAdoptable = new HashMap<>();
        for (Observation o : sorted) {
            DesiredResource adopter = adopting.get(adoptKey(o.type(), o.region(), o.cloudId()));
            if (adopter != null && !o.madeFor(owner, adopter.id())) {
                if (untagged(o)) {
                    toAdopt.put(matchKey(adopter.type(), adopter.id()), o); // decided once every match is known
                    continue;
                }
                notAdoptable.put(matchKey(adopter.type(), adopter.id()), o.cloudId() + " carries ovi tags ("
                        + ovi(o) + "), so it is never adopted");
            }
            if (!o.managed() || o.oviId() == null) {
                unmanaged(o, "not tagged ovi:managed=true with an ovi:id", ignore, diffs, ignored);
                continue;
            }
            if (!owner.equals(o.owner())) {
                // tagged as ovi's by another config: always said, as a rule names only what ovi does not manage
                diffs.add(new Diff.Unmanaged(o, "managed by owner '" + o.owner() + "', not '" + owner + "'"));
                continue;
            }
            String key = matchKey(o.type(), o.oviId());
            DesiredResource d = wanted.get(key);
            boolean isBlessed = o.blessedTag() || blessed.test(o.oviId()) || blessed.test(o.cloudId());
            if (d == null) {
                diffs.add(new Diff.Unwanted(o, o.oviId(), isBlessed, "managed by ovi but no longer declared"));
            } else if (matched.putIfAbsent(key, o) != null) {
                diffs.add(new Diff.Unwanted(o, o.oviId(), isBlessed,
                        "duplicate of " + o.oviId() + " (" + matched.get(key).cloudId() + " is kept)"));
            } else {
                kept.add(o);
            }
        }
        // A field naming another declared resource compares as that resource's cloud id; one not created
        // yet stays a reference, shown as known after create. Config names (so ovi ids) are unique.
        Map<String, String> cloudIds = new HashMap<>(kept.size() * 2);
        kept.forEach(o -> cloudIds.put(o.oviId(), o.cloudId()));
        toAdopt.forEach((key, o) -> {
            if (matched.containsKey(key)) {
                // the declaration is already met by a resource of ours: the one it named is someone else's
                unmanaged(o, "not tagged ovi:managed=true with an ovi:id", ignore, diffs, ignored);
            } else {
                cloudIds.put(wanted.get(key).id(), o.cloudId());
            }
        });
        for (Observation o : kept) {
            DesiredResource d = wanted.get(matchKey(o.type(), o.oviId())).resolve(cloudIds::get);
            List<Change> all = changes(d, o);
            List<Change> changes = all.stream().filter(c -> !d.ignores(c.field())).toList();
            List<Change> left = all.stream().filter(c -> d.ignores(c.field())).toList();
            if (!left.isEmpty()) {
                ignored.add(new Ignored("drifted", d.id(), d.type(), o.region(), o.cloudId(),
                        left.stream().map(c -> describe(d, c)).toList(), "ignore: [" + String.join(", ", d.ignore()) + "]"));
            }
            if (!changes.isEmpty()) {
                diffs.add(new Diff.Drifted(d, o, changes, "differs from the declaration in "
                        + String.join(", ", changes.stream().map(Change::field).distinct().toList())));
            }
        }
        for (DesiredResource d : desired) {
            String key = matchKey(d.type(), d.id());
            if (matched.containsKey(key)) {
                continue;
            }
            Observation o = toAdopt.get(key);
            if (o != null) {
                DesiredResource r = d.resolve(cloudIds::get);
                List<Change> drift = changes(r, o).stream().filter(c -> !r.ignores(c.field())).toList();
                diffs.add(new Diff.Unadopted(r, o, Diff.Unadopted.tags(owner, r), drift, "declared with adopt: "
                        + o.cloudId() + ", which carries no ovi tags" + (drift.isEmpty() ? ""
                        : "; it differs in " + String.join(", ", drift.stream().map(Change::field).distinct().toList())
                        + ", which the next plan after adopting updates")));
            } else if (d.adopt() != null) {
                diffs.add(new Diff.Missing(d.resolve(cloudIds::get), "declared with adopt: " + d.adopt() + ", "
                        + notAdoptable.getOrDefault(key, "which was not found")));
            } else {
                diffs.add(new Diff.Missing(d.resolve(cloudIds::get), "declared but not found"));
            }
        }
        diffs.sort(ORDER);
        ignored.sort(IGNORED_ORDER);
        return new Comparison(diffs, ignored);
    }

    /** A resource not tagged as ovi's: a diff to notify, unless a top-level rule names it. */
    private static void unmanaged(Observation o, String why, List<IgnoreRule> rules, List<Diff> diffs,
                                  List<Ignored> ignored) {
        for (IgnoreRule rule : rules) {
            if (rule.matches(o)) {
                ignored.add(new Ignored("unmanaged", o.cloudId(), o.type(), o.region(), o.cloudId(), List.of(why),
                        rule.describe()));
                return;
            }
        }
        diffs.add(new Diff.Unmanaged(o, why));
    }

    /** An ignored change as the plan shows it: {@code size: t3.micro -> t3.small}. */
    private static String describe(DesiredResource d, Change c) {
        var field = d.type().field(c.field());
        if (field.filter(Field::set).isPresent()) {
            return c.field() + ": " + (c.current() == null ? "+ " + c.desired() : "- " + c.current());
        }
        String have = field.map(f -> f.show(c.current())).orElse(c.current());
        String want = field.map(f -> f.show(c.desired())).orElse(c.desired());
        return c.field() + ": " + (have == null ? "(absent)" : have) + " -> " + want;
    }

    private static final Comparator<Ignored> IGNORED_ORDER = Comparator.comparing(Ignored::kind)
            .thenComparing(i -> i.type().key()).thenComparing(Ignored::region).thenComparing(Ignored::id);

    private static final Comparator<Diff> ORDER = Comparator.comparing(Diff::kind)
            .thenComparing(Diff::type).thenComparing(Diff::region).thenComparing(Diff::id)
            .thenComparing(d -> Objects.requireNonNullElse(d.cloudId(), ""));

    /** Where a resource to adopt is: S3 buckets and other global kinds once per account. */
    private static String adoptKey(ResourceType type, String region, String cloudId) {
        return type.key() + ":" + ovi.model.Scope.of(type, region).region() + ":" + cloudId;
    }

    /** Carries none of ovi's tags but the blessed one: no config, this one or another, has claimed it. */
    static boolean untagged(Observation o) {
        return o.tags().keySet().stream().noneMatch(k -> ovi.model.Tags.reserved(k) && !k.equals(ovi.model.Tags.BLESSED));
    }

    private static String ovi(Observation o) {
        return String.join(", ", new java.util.TreeMap<>(o.tags()).entrySet().stream()
                .filter(e -> ovi.model.Tags.reserved(e.getKey())).map(e -> e.getKey() + "=" + e.getValue()).toList());
    }

    private static String matchKey(ResourceType type, String id) {
        return type.key() + ":" + id;
    }

    /** The field-level changes; region is part of identity, not of drift. */
    static List<Change> changes(DesiredResource d, Observation o) {
        List<Change> changes = new ArrayList<>(2);
        for (Field f : d.type().compared()) {
            String field = f.name();
            String want = d.attribute(field);
            String have = o.attribute(field);
            // a value that also says where its content comes from (a code file) is compared by that content
            String wantCompared = f.comparable(want);
            if (wantCompared == null || wantCompared.equals(f.comparable(have))) {
                continue;
            }
            if (f.set()) {
                // each rule or member added or taken away by hand is a change of its own
                SortedSet<String> wanted = Field.elements(want);
                SortedSet<String> present = Field.elements(have);
                present.stream().filter(e -> !wanted.contains(e)).forEach(e -> changes.add(new Change(field, e, null)));
                wanted.stream().filter(e -> !present.contains(e)).forEach(e -> changes.add(new Change(field, null, e)));
            } else {
                changes.add(new Change(field, have, want));
            }
        }
        for (Map.Entry<String, String> tag : d.tags().entrySet()) {
            String have = o.tags().get(tag.getKey());
            if (!tag.getValue().equals(have)) {
                changes.add(new Change("tags." + tag.getKey(), have, tag.getValue()));
            }
        }
        return changes;
    }
}

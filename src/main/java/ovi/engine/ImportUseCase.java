package ovi.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ovi.model.Change;
import ovi.model.Declaration;
import ovi.model.DesiredResource;
import ovi.model.Field;
import ovi.model.Observation;
import ovi.model.Reference;
import ovi.model.ResourceType;
import ovi.model.Scope;
import ovi.model.Tags;

/**
 * {@code ovi import}: reads what exists and writes the config that declares it, so that with {@code apply
 * --adopt} the next plan is clean. Each resource becomes one entry with every field its kind declares that
 * can be read back: a value is written only in a form the kind's own reader turns back into what was
 * observed, and an entry only if the config ovi then loads from it compares equal to the resource. What
 * cannot be written faithfully is left out with a note, never written to drift.
 *
 * <p>Resources that carry no ovi tag are declared with {@code adopt: <cloud id>}; this owner's own are
 * declared under their ovi id's name; another owner's (or one with stray ovi tags) are left out.
 */
public final class ImportUseCase {
    /** A field value of another imported resource's cloud id is written as that resource's name. */
    private static final Pattern OWN_ID = Pattern.compile("([a-z][a-z0-9-]{0,40})-0");
    private static final Pattern WHOLE = Pattern.compile("-?[0-9]{1,18}");
    /** AWS's own tags ({@code aws:cloudformation:stack-name}): no config may set them. */
    private static final String AWS_PREFIX = "aws:";

    /** Reads a config given as plain Java (maps, lists, strings, whole numbers, booleans) as ovi loads one. */
    public interface ConfigReader {
        /** @throws IllegalArgumentException saying every problem, when ovi would refuse the config */
        Declaration read(Map<String, Object> config);
    }

    /**
     * What to import.
     *
     * @param kinds   the kinds to read; empty for every kind
     * @param regions the regions to read regional kinds in, the first the config's default region; a global
     *                kind's resource is kept when its own region (a bucket's) is one of them or it has none
     * @param tags    tags every imported resource carries, key to value; empty for any
     * @param ids     cloud ids to import; empty for any
     */
    public record Filter(Set<ResourceType> kinds, List<String> regions, Map<String, String> tags, Set<String> ids) {
        public Filter {
            kinds = Set.copyOf(kinds);
            regions = List.copyOf(regions);
            tags = Map.copyOf(tags);
            ids = Set.copyOf(ids);
            if (regions.isEmpty()) {
                throw new IllegalArgumentException("at least one region");
            }
        }
    }

    /** Something found and not imported (or not all of it), and why. */
    public record Note(ResourceType type, String region, String cloudId, String message) {
        @Override
        public String toString() {
            return type.key() + " " + cloudId + (Scope.GLOBAL.equals(region) ? "" : " in " + region) + ": " + message;
        }
    }

    /**
     * @param config   the config, as plain Java in the order it is written
     * @param imported how many resources it declares
     * @param adopt    how many of them it declares with {@code adopt:}
     * @param notes    what was left out, and why
     * @param kept     this owner's resources declared although outside the filter: a config of this owner
     *                 without them would have apply delete them
     * @param undeclared this owner's resources found and not declared (each also in {@code notes}): applying
     *                 the config as written would plan to delete them
     */
    public record Result(Map<String, Object> config, int imported, int adopt, List<Note> notes, List<Note> kept,
                         List<Note> undeclared) {
        public Result {
            notes = List.copyOf(notes);
            kept = List.copyOf(kept);
            undeclared = List.copyOf(undeclared);
        }
    }

    private final ResourceObserver observer;
    private final ConfigReader reader;
    private final Progress progress;

    public ImportUseCase(ResourceObserver observer, ConfigReader reader, java.util.function.Consumer<String> progress) {
        this.observer = observer;
        this.reader = reader;
        this.progress = Progress.of(progress);
    }

    /**
     * Observes the filter's scopes and makes the config for {@code owner}.
     *
     * @throws OviException when a scope cannot be observed: a config of part of it would be taken for all
     */
    public Result run(String owner, Filter filter) {
        // every kind, whatever the filter: this owner's own resources outside it must be declared too, or
        // applying the imported config would delete them
        Set<Scope> scopes = new TreeSet<>();
        for (ResourceType t : ResourceType.all()) {
            filter.regions().forEach(r -> scopes.add(Scope.of(t, r)));
        }
        observer.account();
        ObservationBatch batch = observer.observe(scopes);
        if (!batch.failures().isEmpty()) {
            throw OviException.failure("could not read " + String.join(", ", new TreeMap<>(batch.failures()).entrySet()
                    .stream().map(e -> e.getKey() + " (" + e.getValue() + ")").toList()) + "; nothing was written");
        }
        List<Observation> found = batch.observations().stream()
                .filter(o -> wanted(o, filter) || (inRegions(o, filter) && o.madeFor(owner, o.oviId())))
                .sorted(Comparator.comparing((Observation o) -> o.type().key()).thenComparing(Observation::region)
                        .thenComparing(Observation::cloudId)).toList();
        List<Observation> complete = new ArrayList<>(found.size());
        for (Observation o : found) {
            try {
                complete.add(observer.complete(o));
            } catch (RuntimeException e) {
                throw OviException.failure("could not read " + o.type().key() + " " + o.cloudId() + ": "
                        + oneLine(e.getMessage()) + "; nothing was written");
            }
        }
        found = complete;
        String region = filter.regions().get(0);
        List<Note> notes = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        Map<Observation, String> names = new LinkedHashMap<>();
        List<Observation> unmanaged = new ArrayList<>();
        for (Observation o : found) {
            Matcher own = o.oviId() == null ? null : OWN_ID.matcher(o.oviId());
            if (o.madeFor(owner, o.oviId()) && own.matches() && taken.add(own.group(1))) {
                names.put(o, own.group(1)); // this owner's already: declared under the name its ovi id has
            } else if (o.madeFor(owner, o.oviId())) {
                notes.add(new Note(o.type(), o.region(), o.cloudId(), "already this owner's as " + o.oviId()
                        + ", which no single entry of an imported config can declare; keep it in the config that does"));
            } else if (!SimpleDriftComparator.untagged(o)) {
                notes.add(new Note(o.type(), o.region(), o.cloudId(), "carries ovi tags (" + oviTags(o)
                        + "): another config manages it, so it is neither imported nor ever adopted"));
            } else {
                unmanaged.add(o);
            }
        }
        for (Observation o : unmanaged) {
            String name = ImportNames.derive(o.tags().get("Name"), o.cloudId(), o.type().key(),
                    o.type().identity().isPresent(), taken);
            taken.add(name);
            names.put(o, name);
        }
        // each entry on its own first, its references as cloud ids: what cannot be read back is left out
        Map<Observation, Map<String, Object>> entries = new LinkedHashMap<>();
        for (Map.Entry<Observation, String> e : names.entrySet()) {
            Observation o = e.getKey();
            entry(owner, region, o, e.getValue(), cloudId -> null, notes, true).ifPresent(entry -> entries.put(o, entry));
        }
        // then the cloud ids of imported resources written as their names, where the kind's field takes one
        Map<String, String> nameOf = new HashMap<>();
        entries.keySet().forEach(o -> nameOf.put(o.type().key() + ":" + o.region() + ":" + o.cloudId(), names.get(o)));
        List<Map<String, Object>> withReferences = new ArrayList<>();
        for (Observation o : entries.keySet()) {
            // read back with the rest below: on its own, an entry naming another could not be
            Map<String, Object> named = entry(owner, region, o, names.get(o), refersTo(o, nameOf), new ArrayList<>(),
                    false).orElse(entries.get(o));
            if (entries.get(o).containsKey("tags")) {
                named.put("tags", entries.get(o).get("tags"));
            } else {
                named.remove("tags");
            }
            withReferences.add(named);
        }
        Map<String, Object> config = config(owner, region, withReferences);
        List<Observation> declared = List.copyOf(entries.keySet());
        Optional<String> off = differences(config, declared, names);
        if (off.isPresent()) {
            // the resources each read back on their own; written together with references they did not
            progress.about("import", "references left as cloud ids: " + off.get());
            config = config(owner, region, List.copyOf(entries.values()));
            off = differences(config, declared, names);
            if (off.isPresent()) {
                throw OviException.failure("the imported config does not read back as what was found (" + off.get()
                        + "); nothing was written");
            }
        }
        int adopt = (int) declared.stream().filter(o -> !o.madeFor(owner, o.oviId())).count();
        List<Note> kept = new ArrayList<>();
        List<Note> undeclared = new ArrayList<>();
        for (Observation o : found) {
            if (!o.madeFor(owner, o.oviId())) {
                continue;
            }
            if (!entries.containsKey(o)) {
                undeclared.add(new Note(o.type(), o.region(), o.cloudId(), "this owner's " + o.oviId()
                        + " is not declared: applying this config as written would plan to delete it"));
            } else if (!wanted(o, filter)) {
                kept.add(new Note(o.type(), o.region(), o.cloudId(), "declared as " + names.get(o)
                        + " although outside the filter: it is this owner's, and a config without it would delete it"));
            }
        }
        return new Result(config, declared.size(), adopt, notes, kept, undeclared);
    }

    private static boolean inRegions(Observation o, Filter filter) {
        return o.type().regional() ? filter.regions().contains(o.region())
                : Scope.GLOBAL.equals(o.region()) || filter.regions().contains(o.region());
    }

    private static boolean wanted(Observation o, Filter filter) {
        if (!filter.kinds().isEmpty() && !filter.kinds().contains(o.type())) {
            return false;
        }
        if (!filter.ids().isEmpty() && !filter.ids().contains(o.cloudId())) {
            return false;
        }
        if (!inRegions(o, filter)) {
            return false;
        }
        return filter.tags().entrySet().stream().allMatch(t -> t.getValue().equals(o.tags().get(t.getKey())));
    }

    /** The names of imported resources of the kinds a field of {@code o} may name, by cloud id, in its region. */
    private static Function<String, String> refersTo(Observation o, Map<String, String> nameOf) {
        return cloudId -> {
            for (Field f : o.type().fields()) {
                for (String key : f.refersTo()) {
                    String name = nameOf.get(key + ":" + o.region() + ":" + cloudId);
                    if (name != null) {
                        return name;
                    }
                }
            }
            return null;
        };
    }

    private static Map<String, Object> config(String owner, String region, List<Map<String, Object>> resources) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("version", "v1");
        config.put("provider", "aws");
        config.put("region", region);
        config.put("owner", owner);
        config.put("resources", List.copyOf(resources));
        return config;
    }

    /**
     * The entry that declares {@code o}, checked by reading it back, or empty (with a note) when it cannot be
     * written so that it compares equal. A tag ovi would refuse (a character AWS takes in some services and
     * a config cannot hold) is left out, noted: a tag a config does not name is never drift.
     */
    private Optional<Map<String, Object>> entry(String owner, String region, Observation o, String name,
                                                Function<String, String> nameOf, List<Note> notes, boolean check) {
        ResourceType type = o.type();
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("type", type.key());
        entry.put("name", name);
        if (!Scope.GLOBAL.equals(o.region()) && !o.region().equals(region)) {
            entry.put("region", o.region());
        }
        if (!o.madeFor(owner, o.oviId())) {
            entry.put("adopt", o.cloudId());
        }
        for (Field f : type.fields()) {
            String have = f.identity() ? o.cloudId() : o.attribute(f.name());
            boolean needed = f.required() || (f.compared() && f.byDefault() != null);
            if (have == null || (have.isEmpty() && !f.set() && !needed)) {
                if (needed) {
                    notes.add(new Note(type, o.region(), o.cloudId(), "not imported: its " + f.name() + " cannot be read"
                            + " back, and a config must give it"));
                    return Optional.empty();
                }
                continue;
            }
            Optional<Object> written = written(f, have, nameOf);
            if (written.isEmpty() && needed) {
                notes.add(new Note(type, o.region(), o.cloudId(), "not imported: its " + f.name() + " ("
                        + f.show(have) + ") has no form a config can give it"));
                return Optional.empty();
            }
            if (written.isEmpty()) {
                notes.add(new Note(type, o.region(), o.cloudId(), f.name() + " (" + f.show(have) + ") left out: it has "
                        + "no form a config can give it, so it is not compared"));
                continue;
            }
            entry.put(f.name(), written.get());
        }
        Map<String, Object> tags = new TreeMap<>();
        o.tags().forEach((k, v) -> {
            if (!Tags.reserved(k) && !k.toLowerCase(java.util.Locale.ROOT).startsWith(AWS_PREFIX)) {
                tags.put(k, v);
            }
        });
        Map<String, Object> withTags = withTags(entry, tags);
        if (!check) {
            return Optional.of(withTags);
        }
        String problem = readBack(owner, region, withTags, o, name);
        if (problem == null) {
            return Optional.of(withTags);
        }
        // which tags ovi refuses: each on its own
        Map<String, Object> kept = new TreeMap<>();
        for (Map.Entry<String, Object> t : tags.entrySet()) {
            if (readBack(owner, region, withTags(entry, Map.of(t.getKey(), t.getValue())), o, name) == null) {
                kept.put(t.getKey(), t.getValue());
            } else {
                notes.add(new Note(type, o.region(), o.cloudId(), "the tag '" + printable(t.getKey()) + "' left out: a "
                        + "config cannot hold its key or value; a tag a config does not name is not compared"));
            }
        }
        withTags = withTags(entry, kept);
        problem = readBack(owner, region, withTags, o, name);
        if (problem != null) {
            notes.add(new Note(type, o.region(), o.cloudId(), "not imported: " + problem));
            return Optional.empty();
        }
        return Optional.of(withTags);
    }

    private static Map<String, Object> withTags(Map<String, Object> entry, Map<String, Object> tags) {
        Map<String, Object> out = new LinkedHashMap<>(entry);
        if (!tags.isEmpty()) {
            out.put("tags", new TreeMap<>(tags));
        }
        return out;
    }

    /** Null when the entry, loaded as ovi loads a config, declares {@code o} as it is; else what differs. */
    private String readBack(String owner, String region, Map<String, Object> entry, Observation o, String name) {
        Declaration d;
        try {
            d = reader.read(config(owner, region, List.of(entry)));
        } catch (IllegalArgumentException e) {
            return "the config would be refused: " + oneLine(e.getMessage());
        }
        if (d.desired().size() != 1) {
            return "the entry declares " + d.desired().size() + " resources";
        }
        return drift(d.desired().get(0), o, Map.of());
    }

    /** What differs between the config and what was found, read together (references resolved), if anything. */
    private Optional<String> differences(Map<String, Object> config, List<Observation> declared,
                                         Map<Observation, String> names) {
        Declaration d;
        try {
            d = reader.read(config);
        } catch (IllegalArgumentException e) {
            return Optional.of("the config would be refused: " + oneLine(e.getMessage()));
        }
        Map<String, String> cloudIds = new HashMap<>();
        Map<String, Observation> byId = new HashMap<>();
        for (Observation o : declared) {
            String name = names.get(o);
            cloudIds.put(name, o.cloudId());
            cloudIds.put(name + "-0", o.cloudId());
            byId.put(o.type().key() + ":" + name + "-0", o);
        }
        if (d.desired().size() != declared.size()) {
            return Optional.of("it declares " + d.desired().size() + " resources, not " + declared.size());
        }
        List<String> off = new ArrayList<>();
        for (DesiredResource r : d.desired()) {
            Observation o = byId.get(r.type().key() + ":" + r.id());
            String why = o == null ? "nothing found for it" : drift(r, o, cloudIds);
            if (why != null) {
                off.add(r.id() + ": " + why);
            }
        }
        return off.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", off));
    }

    /** Null when {@code d} (its references resolved by {@code cloudIds}) compares equal to {@code o}. */
    private static String drift(DesiredResource d, Observation o, Map<String, String> cloudIds) {
        DesiredResource r = d.resolve(cloudIds::get);
        if (!r.references().isEmpty()) {
            return "it names " + String.join(", ", r.references()) + ", which is not imported";
        }
        List<Change> changes = SimpleDriftComparator.changes(r, o);
        if (!changes.isEmpty()) {
            return "it would read back as differing in " + String.join(", ",
                    changes.stream().map(Change::field).distinct().toList());
        }
        return null;
    }

    /**
     * The value to write for a field whose canonical value is {@code canonical}: the first of a few plain
     * forms (text, whole number, boolean, list) that the field's own reader turns back into it, with a set
     * element or a value that is an imported resource's cloud id written as its name ({@code nameOf}) where
     * the field takes one; empty when none does.
     */
    static Optional<Object> written(Field f, String canonical, Function<String, String> nameOf) {
        Map<String, String> cloudIdOf = new HashMap<>();
        List<Object> candidates = new ArrayList<>();
        candidates.addAll(f.reader().forms(canonical)); // the kind's own form first, where it has one
        if (f.set()) {
            List<Object> named = new ArrayList<>();
            List<Object> typed = new ArrayList<>();
            List<Object> texts = new ArrayList<>();
            for (String e : Field.elements(canonical)) {
                String name = f.refersTo().isEmpty() ? null : nameOf.apply(e);
                if (name != null) {
                    cloudIdOf.put(name, e);
                }
                named.add(name != null ? name : e);
                typed.add(typed(e));
                texts.add(e);
            }
            if (!cloudIdOf.isEmpty()) {
                candidates.add(named);
            }
            candidates.add(texts);
            candidates.add(typed);
        } else {
            String name = f.refersTo().isEmpty() ? null : nameOf.apply(canonical);
            if (name != null) {
                cloudIdOf.put(name, canonical);
                candidates.add(name);
            }
            candidates.add(canonical);
            Object typed = typed(canonical);
            if (!(typed instanceof String)) {
                candidates.add(typed);
            }
        }
        candidates.add(List.of()); // none at all, as some kinds read an empty list (no lifecycle rules)
        String want = f.compared() ? f.comparable(canonical) : canonical;
        for (Object c : candidates) {
            String back;
            try {
                back = f.reader().read(Field.Value.of(c));
            } catch (RuntimeException e) {
                continue;
            }
            // a name reads as a reference to the resource; it stands for that resource's cloud id
            String resolved = Reference.resolve(back, n -> cloudIdOf.get(n));
            if (f.set()) {
                resolved = Field.setValue(Field.elements(resolved));
            }
            if (want != null && want.equals(f.compared() ? f.comparable(resolved) : resolved)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** A canonical text as the plain value it most likely was written as: a whole number, a boolean, or text. */
    private static Object typed(String text) {
        if (WHOLE.matcher(text).matches()) {
            return Long.parseLong(text);
        }
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        return text;
    }

    private static String oviTags(Observation o) {
        return String.join(", ", new TreeMap<>(o.tags()).entrySet().stream().filter(e -> Tags.reserved(e.getKey()))
                .map(e -> e.getKey() + "=" + printable(e.getValue())).toList());
    }

    /** A value from AWS as one line of plain text: control characters escaped, at most 80 characters. */
    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().limit(80).forEach(c -> {
            if (Character.isISOControl(c)) {
                sb.append(String.format("\\u%04x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return s.codePointCount(0, s.length()) > 80 ? sb + "..." : sb.toString();
    }

    private static String oneLine(String m) {
        if (m == null) {
            return "";
        }
        String t = m.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl) + " ...";
    }
}

package ovi.model;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What ovi knows of one kind of resource without talking to the cloud: its config key, whether it lives
 * in a region or in the whole account, its declared fields and which actions it can carry out. The
 * comparator, the decision maker and the config validator read only this, so none of them holds a
 * per-kind switch.
 *
 * <p>Kinds are defined in packages of their own under {@code ovi.aws} and registered in one list, which
 * {@link #all()} finds through a {@link Catalog}. Two types are equal when their keys are.
 */
public final class ResourceType implements Comparable<ResourceType> {
    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9-]{1,19}");

    private final String key;
    private final boolean regional;
    private final String noun;
    private final List<Field> fields;
    private final Set<Action> capabilities;
    /** The compared field whose observed {@code true} protects a resource from deletion, or null. */
    private final String deletionProtection;
    /** Whether ovi can publish notifications to a resource of the kind (a topic). */
    private final boolean publishable;

    private ResourceType(String key, boolean regional, String noun, List<Field> fields, Set<Action> capabilities) {
        this(key, regional, noun, fields, capabilities, null, false);
    }

    private ResourceType(String key, boolean regional, String noun, List<Field> fields, Set<Action> capabilities,
                         String deletionProtection, boolean publishable) {
        this.publishable = publishable;
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("a resource type key is 2 to 20 lower-case letters, digits and hyphens, starting with a letter: " + key);
        }
        this.key = key;
        this.regional = regional;
        this.noun = Objects.requireNonNull(noun, "noun");
        this.fields = List.copyOf(fields);
        EnumSet<Action> caps = EnumSet.of(Action.NOTIFY);
        caps.addAll(capabilities);
        this.capabilities = Set.copyOf(caps);
        if (this.fields.stream().map(Field::name).distinct().count() != this.fields.size()) {
            throw new IllegalArgumentException(key + " declares a field twice");
        }
        if (this.fields.stream().filter(Field::identity).count() > 1) {
            throw new IllegalArgumentException(key + " has more than one identity field");
        }
        if (deletionProtection != null && field(deletionProtection).filter(f -> f.use() == Field.Use.COMPARED)
                .isEmpty()) {
            throw new IllegalArgumentException(key + ": deletion protection is a compared field, and "
                    + deletionProtection + " is none");
        }
        this.deletionProtection = deletionProtection;
    }

    /**
     * The same kind, whose resources AWS refuses to delete while the compared boolean field {@code name} is
     * observed {@code true} (an RDS DB instance's {@code deletionProtection}). An unwanted resource with it
     * on is planned as a notify that says how to let it go, never as a delete that would fail at apply.
     */
    public ResourceType deletionProtectedBy(String name) {
        return new ResourceType(key, regional, noun, fields, capabilities, Objects.requireNonNull(name, "name"),
                publishable);
    }

    /**
     * The same kind, whose resources ovi can publish notifications to (a topic): the config's {@code notify:}
     * may name one, and the bound kind has a {@code Publisher}.
     */
    public ResourceType publishable() {
        return new ResourceType(key, regional, noun, fields, capabilities, deletionProtection, true);
    }

    /** Whether the config's {@code notify:} may name a resource of this kind. */
    public boolean publishes() {
        return publishable;
    }

    /** The field that protects this kind's resources from deletion, if it has one. */
    public Optional<String> deletionProtection() {
        return Optional.ofNullable(deletionProtection);
    }

    /** Whether AWS would refuse to delete this observed resource: its deletion protection is on. */
    public boolean deletionProtected(Observation o) {
        return deletionProtection != null && "true".equals(o.attribute(deletionProtection));
    }

    /**
     * A regional kind: listed in every region the config names.
     *
     * @param noun what one resource of the kind is called in messages ("instance", "bucket")
     */
    public static ResourceType regional(String key, String noun, List<Field> fields, Set<Action> capabilities) {
        return new ResourceType(key, true, noun, fields, capabilities);
    }

    /** A kind listed once for the whole account (its scope's region is {@link Scope#GLOBAL}). */
    public static ResourceType global(String key, String noun, List<Field> fields, Set<Action> capabilities) {
        return new ResourceType(key, false, noun, fields, capabilities);
    }

    /** The lower-case name used in configs, plans, the store and the WAL. */
    public String key() {
        return key;
    }

    /** Listed per region; a global kind is listed once for the account. */
    public boolean regional() {
        return regional;
    }

    public String noun() {
        return noun;
    }

    /** The declared fields, in the order the kind documents them. */
    public List<Field> fields() {
        return fields;
    }

    public Optional<Field> field(String name) {
        return fields.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    /** The fields a declaration and an observation are compared on (drift). */
    public List<Field> compared() {
        return fields.stream().filter(Field::compared).toList();
    }

    /** The field whose declared value is the cloud id (a bucket's name), if the kind has one. */
    public Optional<Field> identity() {
        return fields.stream().filter(Field::identity).findFirst();
    }

    /**
     * Whether ovi can carry this action out on this kind; notify always. Adopting sets ovi's tags through
     * the kind's update, so a kind that can update can adopt.
     */
    public boolean can(Action action) {
        return capabilities.contains(action == Action.ADOPT ? Action.UPDATE : action);
    }

    /** A change of a field AWS cannot change in place ({@link Field#fixed}): reported, never made by an update. */
    public boolean fixed(Change change) {
        return field(change.field()).map(Field::fixed).orElse(false);
    }

    /** An update whose changes include a disruptive field (a resize that stops and starts the resource). */
    public boolean disruptive(List<Change> changes) {
        return changes.stream().anyMatch(c -> field(c.field()).map(Field::disruptive).orElse(false));
    }

    @Override
    public int compareTo(ResourceType o) {
        return key.compareTo(o.key);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResourceType t && t.key.equals(key);
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }

    @Override
    public String toString() {
        return key;
    }

    /** Every registered kind, by key. */
    public static List<ResourceType> all() {
        return List.copyOf(Registry.TYPES.values());
    }

    public static Optional<ResourceType> parse(String key) {
        return Optional.ofNullable(key == null ? null : Registry.TYPES.get(key));
    }

    /**
     * Where the registered kinds come from: one implementation (the list of kinds), found with
     * {@link ServiceLoader}, so this package needs to know no kind.
     */
    public interface Catalog {
        List<ResourceType> types();
    }

    private static final class Registry {
        static final Map<String, ResourceType> TYPES = load();

        private static Map<String, ResourceType> load() {
            Map<String, ResourceType> types = new TreeMap<>();
            for (Catalog c : ServiceLoader.load(Catalog.class, ResourceType.class.getClassLoader())) {
                for (ResourceType t : c.types()) {
                    if (types.putIfAbsent(t.key(), t) != null) {
                        throw new IllegalStateException("two resource kinds are registered as '" + t.key() + "'");
                    }
                }
            }
            if (types.isEmpty()) {
                throw new IllegalStateException("no resource kinds are registered (META-INF/services/"
                        + Catalog.class.getName() + " is missing from the class path)");
            }
            return java.util.Collections.unmodifiableMap(types);
        }
    }
}

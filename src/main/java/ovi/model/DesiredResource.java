package ovi.model;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One resource a config declares, expanded from a resource entry's count.
 *
 * @param id         the ovi id, {@code <name>-<n>}
 * @param type       the resource type
 * @param region     the region it belongs in (for S3 the bucket's region)
 * @param attributes the kind's declared fields ({@link ResourceType#fields()}), in canonical form
 * @param tags       the declared tags, without ovi's own
 * @param ignore     what never drifts ({@code ignore:}): compared field names and {@code tags.<key>}; still
 *                   used when the resource is created
 * @param adopt      the cloud id of the existing resource the declaration stands for ({@code adopt:}), which
 *                   {@code apply --adopt} tags as ovi's when it carries no ovi tag; null for none
 */
public record DesiredResource(String id, ResourceType type, String region, Map<String, String> attributes,
                              Map<String, String> tags, java.util.SortedSet<String> ignore, String adopt) {
    public DesiredResource(String id, ResourceType type, String region, Map<String, String> attributes,
                           Map<String, String> tags, java.util.SortedSet<String> ignore) {
        this(id, type, region, attributes, tags, ignore, null);
    }

    public DesiredResource {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(region, "region");
        attributes = Map.copyOf(attributes);
        tags = Map.copyOf(tags);
        ignore = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(ignore));
    }

    /** A declaration that ignores nothing. */
    public DesiredResource(String id, ResourceType type, String region, Map<String, String> attributes,
                           Map<String, String> tags) {
        this(id, type, region, attributes, tags, new java.util.TreeSet<>());
    }

    /** The prefix of an ignored tag: {@code tags.CostCenter}. */
    public static final String TAG_PREFIX = "tags.";

    /** True when {@code field} (a field name, or {@code tags.<key>}) is left out of the comparison. */
    public boolean ignores(String field) {
        return ignore.contains(field);
    }

    public String attribute(String key) {
        return attributes.get(key);
    }

    /** Every tag the resource carries when ovi creates it: ovi's own plus the declared ones. */
    public Map<String, String> allTags(String owner) {
        Map<String, String> all = new TreeMap<>(tags);
        all.put(Tags.MANAGED, "true");
        all.put(Tags.OWNER, owner);
        all.put(Tags.ID, id);
        return all;
    }

    /** The cloud id the declaration chooses (a bucket's name), or null when the cloud assigns it on create. */
    public String cloudId() {
        return type.identity().map(f -> attributes.get(f.name())).orElse(null);
    }

    /** The ovi ids of the declared resources its fields name and that are not resolved to cloud ids yet. */
    public java.util.Set<String> references() {
        java.util.Set<String> out = new java.util.TreeSet<>();
        attributes.values().forEach(v -> out.addAll(Reference.in(v)));
        return out;
    }

    /**
     * The same declaration with each {@link Reference} whose resource {@code cloudIdOf} knows replaced by its
     * cloud id (set fields kept in canonical order); the others stay as they are.
     */
    public DesiredResource resolve(java.util.function.Function<String, String> cloudIdOf) {
        if (references().isEmpty()) {
            return this;
        }
        Map<String, String> out = new TreeMap<>();
        attributes.forEach((k, v) -> {
            String r = Reference.resolve(v, cloudIdOf);
            if (!r.equals(v) && type.field(k).filter(Field::set).isPresent()) {
                r = Field.setValue(Field.elements(r));
            }
            out.put(k, r);
        });
        return new DesiredResource(id, type, region, out, tags, ignore, adopt);
    }

    public Scope scope() {
        return Scope.of(type, region);
    }
}

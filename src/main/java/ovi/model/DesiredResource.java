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
 */
public record DesiredResource(String id, ResourceType type, String region, Map<String, String> attributes,
                              Map<String, String> tags) {
    public DesiredResource {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(region, "region");
        attributes = Map.copyOf(attributes);
        tags = Map.copyOf(tags);
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

    public Scope scope() {
        return Scope.of(type, region);
    }
}

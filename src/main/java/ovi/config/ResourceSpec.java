package ovi.config;

import java.util.Map;
import java.util.Objects;
import ovi.model.ResourceType;

/**
 * One entry of a config's {@code resources:} list, validated but not yet expanded by its count.
 *
 * @param name       the entry's name, explicit or the default {@code <type>-<index>}
 * @param type       the resource type
 * @param count      how many identical resources the entry stands for, 0 to 1000
 * @param region     the entry's region, already defaulted to the config's region
 * @param attributes the type fields, as in {@link ovi.model.DesiredResource#attributes()}
 * @param tags       the declared tags
 * @param ignore     the fields and {@code tags.<key>} that never drift ({@code ignore:})
 * @param adopt      the cloud id of the existing resource it stands for ({@code adopt:}), or null
 */
public record ResourceSpec(String name, ResourceType type, int count, String region,
                           Map<String, String> attributes, Map<String, String> tags, java.util.SortedSet<String> ignore,
                           String adopt) {
    public ResourceSpec(String name, ResourceType type, int count, String region, Map<String, String> attributes,
                        Map<String, String> tags, java.util.SortedSet<String> ignore) {
        this(name, type, count, region, attributes, tags, ignore, null);
    }

    public ResourceSpec(String name, ResourceType type, int count, String region, Map<String, String> attributes,
                        Map<String, String> tags) {
        this(name, type, count, region, attributes, tags, new java.util.TreeSet<>());
    }

    public ResourceSpec {
        ignore = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(ignore));
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(region, "region");
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative: " + count);
        }
        attributes = Map.copyOf(attributes);
        tags = Map.copyOf(tags);
    }
}

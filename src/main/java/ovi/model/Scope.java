package ovi.model;

import java.util.Objects;

/**
 * One unit of observation: a resource type in a region. S3 is listed for the whole account, so its
 * scope's region is {@link #GLOBAL}.
 */
public record Scope(ResourceType type, String region) implements Comparable<Scope> {
    public static final String GLOBAL = "global";

    public Scope {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(region, "region");
        if (!type.regional()) {
            region = GLOBAL;
        }
    }

    public static Scope of(ResourceType type, String region) {
        return new Scope(type, region);
    }

    @Override
    public int compareTo(Scope o) {
        int c = type.compareTo(o.type);
        return c != 0 ? c : region.compareTo(o.region);
    }

    @Override
    public String toString() {
        return type.key() + "/" + region;
    }
}

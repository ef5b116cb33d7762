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

    /*
     * Written out, not the record's: scopes are map keys from the first call on, and a record's equals and
     * hashCode are linked through method handles at their first call, which a JDK 17 archive does not keep.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof Scope s && type.equals(s.type) && region.equals(s.region);
    }

    @Override
    public int hashCode() {
        return 31 * type.hashCode() + region.hashCode();
    }

    @Override
    public String toString() {
        return type.key() + "/" + region;
    }
}

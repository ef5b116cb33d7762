package ovi.model;

import java.util.Locale;
import java.util.Optional;

/** The AWS resource types ovi understands. */
public enum ResourceType {
    EC2, RDS, S3;

    /** The lower-case name used in configs, plans and the WAL. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** S3 is listed once for the whole account; the others are listed per region. */
    public boolean regional() {
        return this != S3;
    }

    public static Optional<ResourceType> parse(String s) {
        for (ResourceType t : values()) {
            if (t.key().equals(s)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return key();
    }
}

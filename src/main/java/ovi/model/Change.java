package ovi.model;

import java.util.Objects;

/** One field that differs between a resource and its declaration; {@code current} may be null (absent). */
public record Change(String field, String current, String desired) {
    public Change {
        Objects.requireNonNull(field, "field");
    }
}

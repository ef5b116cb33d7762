package ovi.engine;

import java.util.function.Consumer;

/**
 * Where the engine says what it is doing (the run's stderr, unless {@code -q}). A plain
 * {@code Consumer<String>} is one; a sink that can name the resource a line is about (the JSON log's
 * {@code resource} field) overrides {@link #about}. Called from the threads that act, concurrently.
 */
@FunctionalInterface
public interface Progress extends Consumer<String> {
    /** A line about the resource with ovi id {@code resourceId}; by default said as any other line. */
    default void about(String resourceId, String message) {
        accept(message);
    }

    /** {@code sink} as a Progress: itself when it is one, else a sink that drops the resource. */
    static Progress of(Consumer<String> sink) {
        return sink instanceof Progress p ? p : sink::accept;
    }
}

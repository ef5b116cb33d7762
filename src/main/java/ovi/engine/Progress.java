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

    /**
     * A page of {@code scope} listed: {@code resources} found there so far. For a status line that shows
     * observing as it goes; by default nothing (each scope's total is said as a line when it is done).
     * Called from the observer threads, one per scope.
     */
    default void listed(ovi.model.Scope scope, int resources) {
    }

    /**
     * Applying: {@code what} (such as {@code create ec2 web-3}) started or ended, with {@code done} of the
     * run's {@code total} actions ended so far. For a status line; by default nothing. Called from the
     * threads that act.
     */
    default void acting(String what, int done, int total) {
    }

    /** {@code sink} as a Progress: itself when it is one, else a sink that drops the resource. */
    static Progress of(Consumer<String> sink) {
        return sink instanceof Progress p ? p : sink::accept;
    }
}

package ovi.engine;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import ovi.model.Action;
import ovi.model.Intent;
import ovi.model.Observation;
import ovi.model.Outcome;
import ovi.model.ResourceType;

/**
 * One kind of resource, bound to the cloud for one run: how to list it, how to find one again and, as
 * optional parts, how to create, update and delete it. A kind that has no {@link Deleter} cannot be
 * deleted, and its {@link ResourceType} says so, so the decision maker plans a notify instead of an action
 * that would fail at execute time ({@link Kinds} refuses a kind whose parts and type disagree).
 *
 * <p>Every method may be called from several threads at once, for different resources. Cloud errors are
 * thrown as they come (the observer and executor classify them); the mutating parts call
 * {@link Fence#check()} right before each mutating call.
 */
public interface ResourceKind {

    /** What the kind declares: its key, fields and capabilities. */
    ResourceType type();

    /**
     * Every live resource of the kind in one region ({@link ovi.model.Scope#GLOBAL} for a global kind),
     * read page by page at the API's largest page size. Called once per scope per run, on an observer
     * thread of its own.
     */
    List<Observation> list(String region);

    /** Looks one resource up again; see {@link ResourceLookup#find}. */
    List<Observation> find(ResourceLookup.Target target);

    /**
     * {@code o} as listed, with what a listing leaves out of a resource ovi does not manage (to spare calls)
     * read as well, so that every field the kind compares is there: called by {@code ovi import} for each
     * resource it writes. By default the listing has it all.
     */
    default Observation complete(Observation o) {
        return o;
    }

    default Optional<Creator> creator() {
        return Optional.empty();
    }

    default Optional<Updater> updater() {
        return Optional.empty();
    }

    default Optional<Deleter> deleter() {
        return Optional.empty();
    }

    /**
     * After a crash cut an action off: what the resource as {@code found} still lacks beyond what crash
     * recovery checks itself (an update's own changes; a create's ovi tags), given the state it was in when
     * the action began ({@code before}, such as {@code state=running} for an instance that must run again
     * after a resize). For a create of several calls, what the calls after the first still had to do (a
     * security group's rules): recovery then finishes the create by carrying it out again, so the creator
     * must take over its own resource made by the first call. Empty when nothing.
     */
    default List<String> unfinished(Intent intent, Map<String, String> before, Observation found) {
        return List.of();
    }

    /** The part that publishes notifications to a resource of the kind (a topic), if the kind is one. */
    default Optional<Publisher> publisher() {
        return Optional.empty();
    }

    /** Whether the kind has the part that carries {@code action} out. */
    default boolean carriesOut(Action action) {
        return switch (action) {
            case CREATE -> creator().isPresent();
            case UPDATE, ADOPT -> updater().isPresent();
            case DELETE -> deleter().isPresent();
            case NOTIFY -> true;
        };
    }

    interface Creator {
        /** Creates the resource of a create intent, passing its client token where the API takes one. */
        Outcome create(Intent intent, String owner, Fence fence);
    }

    interface Updater {
        /**
         * Applies an update's changes, converging from wherever the resource stands, so that an update cut
         * off by a crash can be carried out again. {@code before} is the resource's state when the update
         * first began (empty on a first attempt).
         */
        Outcome update(Intent intent, String owner, Fence fence, Map<String, String> before);
    }

    /**
     * Publishes one notification to a resource of the kind. Called after a run has planned and acted, from
     * one thread; through the run's clients, so rate limits, breakers and the deadline hold as for any call.
     */
    interface Publisher {
        /**
         * @param topic   the resource's ARN, or its cloud id (name) when the config names a declared one
         * @param subject a short line for receivers that show one
         * @return the service's id of the message
         */
        String publish(String region, String topic, String subject, String message);
    }

    interface Deleter {
        Outcome delete(Intent intent, String owner, Fence fence);
    }
}

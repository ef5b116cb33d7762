package ovi.model;

import java.util.List;
import java.util.Objects;

/** A difference between what a config declares and what exists, in one of four kinds. */
public sealed interface Diff permits Diff.Missing, Diff.Unwanted, Diff.Drifted, Diff.Unmanaged, Diff.Unadopted {

    /** {@code missing}, {@code unwanted}, {@code drifted}, {@code unmanaged} or {@code unadopted}. */
    String kind();

    /** The ovi id for desired and managed resources, the cloud id for unmanaged ones. */
    String id();

    ResourceType type();

    String region();

    /** The cloud id, or null for a resource that does not exist yet. */
    String cloudId();

    default boolean blessed() {
        return false;
    }

    String reason();

    default List<Change> changes() {
        return List.of();
    }

    /** The observation the diff was made from, or null for a missing resource. */
    Observation current();

    /** Declared but not found. */
    record Missing(DesiredResource desired, String reason) implements Diff {
        public Missing {
            Objects.requireNonNull(desired, "desired");
            Objects.requireNonNull(reason, "reason");
        }

        public String kind() { return "missing"; }
        public String id() { return desired.id(); }
        public ResourceType type() { return desired.type(); }
        public String region() { return desired.region(); }
        public String cloudId() { return desired.cloudId(); }
        public Observation current() { return null; }
    }

    /** Managed by this owner but no longer declared (or a duplicate of a declared id). */
    record Unwanted(Observation current, String id, boolean blessed, String reason) implements Diff {
        public Unwanted {
            Objects.requireNonNull(current, "current");
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(reason, "reason");
        }

        public String kind() { return "unwanted"; }
        public ResourceType type() { return current.type(); }
        public String region() { return current.region(); }
        public String cloudId() { return current.cloudId(); }
    }

    /** Exists and is declared, but differs in the listed fields. */
    record Drifted(DesiredResource desired, Observation current, List<Change> changes, String reason) implements Diff {
        public Drifted {
            Objects.requireNonNull(desired, "desired");
            Objects.requireNonNull(current, "current");
            changes = List.copyOf(changes);
            if (changes.isEmpty()) {
                throw new IllegalArgumentException("a drifted resource has at least one change");
            }
        }

        public String kind() { return "drifted"; }
        public String id() { return desired.id(); }
        public ResourceType type() { return desired.type(); }
        public String region() { return current.region(); }
        public String cloudId() { return current.cloudId(); }
    }

    /** Exists but is not this owner's: never touched. */
    record Unmanaged(Observation current, String reason) implements Diff {
        public Unmanaged {
            Objects.requireNonNull(current, "current");
            Objects.requireNonNull(reason, "reason");
        }

        public String kind() { return "unmanaged"; }
        public String id() { return current.cloudId(); }
        public ResourceType type() { return current.type(); }
        public String region() { return current.region(); }
        public String cloudId() { return current.cloudId(); }
    }

    /**
     * Declared with {@code adopt: <cloud id>}, and that resource exists carrying none of ovi's tags: adopting
     * it sets them and changes nothing else.
     *
     * @param changes the ovi tags adopting it sets ({@code tags.ovi:managed}, {@code tags.ovi:owner},
     *                {@code tags.ovi:id}), the only changes an adoption makes
     * @param drift   how it differs from the declaration besides: the next plan after adopting updates these
     */
    record Unadopted(DesiredResource desired, Observation current, List<Change> changes, List<Change> drift,
                     String reason) implements Diff {
        public Unadopted {
            Objects.requireNonNull(desired, "desired");
            Objects.requireNonNull(current, "current");
            Objects.requireNonNull(reason, "reason");
            changes = List.copyOf(changes);
            drift = List.copyOf(drift);
        }

        /** The changes adopting makes for {@code owner}: its three tags, as the resource lacks them. */
        public static List<Change> tags(String owner, DesiredResource desired) {
            return List.of(new Change(DesiredResource.TAG_PREFIX + Tags.MANAGED, null, "true"),
                    new Change(DesiredResource.TAG_PREFIX + Tags.OWNER, null, owner),
                    new Change(DesiredResource.TAG_PREFIX + Tags.ID, null, desired.id()));
        }

        public String kind() { return "unadopted"; }
        public String id() { return desired.id(); }
        public ResourceType type() { return desired.type(); }
        public String region() { return current.region(); }
        public String cloudId() { return current.cloudId(); }
    }
}

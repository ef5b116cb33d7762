package ovi.model;

import java.util.Objects;

/** What became of one decision in an apply. */
public sealed interface Outcome permits Outcome.Executed, Outcome.Failed, Outcome.Skipped, Outcome.Notified {

    /** {@code executed}, {@code failed}, {@code skipped} or {@code notified}. */
    String kind();

    /** The AWS call went through; {@code requestId} is AWS's id of the (last) mutating call. */
    record Executed(String cloudId, String requestId, String message) implements Outcome {
        public String kind() { return WalRecord.Kind.EXECUTED.key(); }
    }

    /**
     * AWS refused or could not be reached; {@code error} is one line, beginning with its {@link ErrorClass}
     * when it is an AWS error ({@code "throttled: ..."}).
     */
    record Failed(String error, String requestId) implements Outcome {
        public Failed {
            Objects.requireNonNull(error, "error");
        }

        /** The class of the AWS error, or null for a refusal of ovi's own ("cannot shrink the storage"). */
        public ErrorClass errorClass() {
            return ErrorClass.leading(error);
        }

        public String kind() { return WalRecord.Kind.FAILED.key(); }
    }

    /**
     * Not acted on, on purpose. {@code reason} is one of the {@link SkipReason} keys; the message says why
     * in words.
     */
    record Skipped(SkipReason reason, String message) implements Outcome {
        public Skipped {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }

        public String kind() { return WalRecord.Kind.SKIPPED.key(); }
    }

    /** A notify decision: reported, nothing to do in AWS. */
    record Notified(String message) implements Outcome {
        /** Not an entry type: a notify decision's {@code decided} entry is all the WAL says of it. */
        public static final String KIND = "notified";

        public String kind() { return KIND; }
    }

    /** Why a decision was skipped; benign ones leave the run's exit code at 0. */
    enum SkipReason {
        /** Another instance holds a live claim on the resource: it is acting on it. */
        CLAIM_HELD("claim-held", true),
        /** Looked up again, the resource already is as decided (another run did it). */
        CONVERGED("converged", true),
        /** Reality changed since the decision in a way that does not settle it: decide again. */
        STALE("stale", false),
        /** A guard stopped it: --max-deletes, --max-changes, --skip-destructive. */
        GUARD("guard", true),
        /** An S3 bucket with objects in it: ovi never empties a bucket. */
        NOT_EMPTY("not-empty", false),
        /** The resource could not be looked up again, so acting would be a guess. */
        UNOBSERVED("unobserved", false),
        /** The claim was taken over by another instance before the AWS call. */
        CLAIM_LOST("claim-lost", true),
        /** An action it waits for (the create of a security group it uses) did not get done. */
        DEPENDENCY("dependency", false),
        /** The run's --timeout passed before it was started. */
        DEADLINE("deadline", false);

        private final String key;
        private final boolean benign;

        SkipReason(String key, boolean benign) {
            this.key = key;
            this.benign = benign;
        }

        public String key() {
            return key;
        }

        public boolean benign() {
            return benign;
        }
    }
}

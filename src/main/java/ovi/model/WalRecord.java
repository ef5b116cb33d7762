package ovi.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one WAL entry says, by kind, with its fields typed: the vocabulary the engine writes and the audit
 * verbs read. {@link WalEntry} is the same entry as it is chained on disk; {@link WalRecords} turns one into
 * the other. Every kind carries the entry's {@code resource}, {@code action} (null where none applies) and
 * {@code message}; the rest is the entry's {@code data}.
 */
public sealed interface WalRecord permits WalRecord.Observed, WalRecord.Decided, WalRecord.Claimed,
        WalRecord.Executing, WalRecord.Executed, WalRecord.Failed, WalRecord.Skipped, WalRecord.Released,
        WalRecord.Refused, WalRecord.Repaired, WalRecord.Notified, WalRecord.NotifyFailed, WalRecord.Unreadable {

    /** The entry types ovi writes, by the name they carry on disk. */
    enum Kind {
        OBSERVED("observed"),
        DECIDED("decided"),
        CLAIMED("claimed"),
        EXECUTING("executing"),
        EXECUTED("executed"),
        FAILED("failed"),
        SKIPPED("skipped"),
        RELEASED("released"),
        REFUSED("refused"),
        REPAIRED("repaired"),
        NOTIFIED("notified"),
        NOTIFY_FAILED("notify-failed");

        private final String key;

        Kind(String key) {
            this.key = key;
        }

        /** The name in the entry's {@code type} field. */
        public String key() {
            return key;
        }

        /** Whether the entry is of this kind (by its type alone, however its data reads). */
        public boolean is(WalEntry e) {
            return key.equals(e.type());
        }

        public static Optional<Kind> of(String key) {
            for (Kind k : values()) {
                if (k.key.equals(key)) {
                    return Optional.of(k);
                }
            }
            return Optional.empty();
        }
    }

    /** The kind, or null for an entry of a type ovi does not write. */
    Kind kind();

    String resource();

    String action();

    String message();

    /**
     * A scope was looked at: {@code count} resources, or, when it could not be observed, {@code error}.
     *
     * @param scope     such as {@code ec2/us-east-1}
     * @param revision  the store revision the observation was recorded as
     * @param startedAt when the run began, as written (an ISO-8601 instant); null in older entries
     */
    record Observed(String scope, long revision, String startedAt, Long count, String error, String message)
            implements WalRecord {
        public static Observed of(String scope, long revision, Instant startedAt, long count) {
            return new Observed(scope, revision, startedAt.toString(), count, null, count + " resources");
        }

        public static Observed failed(String scope, long revision, Instant startedAt, String error) {
            return new Observed(scope, revision, startedAt.toString(), null, error, "not observed: " + error);
        }

        /** When the run began, if the entry says so readably. */
        public Optional<Instant> began() {
            try {
                return Optional.ofNullable(startedAt).map(Instant::parse);
            } catch (java.time.format.DateTimeParseException e) {
                return Optional.empty(); // written by hand or by another tool: the entry's own time stands
            }
        }

        public Kind kind() { return Kind.OBSERVED; }

        public String resource() { return scope; }

        public String action() { return null; }
    }

    /**
     * A decision: {@code action} on {@code resource} because of a diff of {@code diffKind}; the message is
     * the reason.
     */
    record Decided(String resource, String action, String message, String diffKind, String resourceType, String region,
                   String cloudId, long revision, String contentHash, List<Change> changes) implements WalRecord {
        public Decided {
            changes = changes == null ? List.of() : List.copyOf(changes);
        }

        public Kind kind() { return Kind.DECIDED; }
    }

    /** A claim taken before acting on {@code resource}. */
    record Claimed(String resource, String action, String message, String claim, String holder, long fence,
                   Instant expiresAt) implements WalRecord {
        public Claimed {
            Objects.requireNonNull(expiresAt, "expiresAt");
        }

        public Kind kind() { return Kind.CLAIMED; }
    }

    /** The declaration an action wanted: attributes and tags. */
    record Desired(Map<String, String> attributes, Map<String, String> tags) {
        public Desired {
            attributes = Map.copyOf(attributes);
            tags = Map.copyOf(tags);
        }

        public static Desired of(DesiredResource d) {
            return new Desired(d.attributes(), d.tags());
        }
    }

    /**
     * An action about to reach AWS, synced before the first call: enough for a later run to tell whether it
     * took effect and to finish it (the deciding run, the declaration, the changes, the state before).
     *
     * @param holder      the claim holder acting
     * @param fence       its fencing number
     * @param resourceType the resource type's key, as written
     * @param clientToken the create's idempotency token; null for other actions
     * @param planRunId   the deciding run; null in entries from before ovi recorded it
     * @param desired     the declaration, for creates and updates; else null
     * @param before      the resource's state before acting (such as {@code state=running}); empty when unknown
     */
    record Executing(String resource, String action, String message, String holder, Long fence, String resourceType,
                     String region, String cloudId, String clientToken, String planRunId, Desired desired,
                     List<Change> changes, Map<String, String> before) implements WalRecord {
        public Executing {
            changes = changes == null ? List.of() : List.copyOf(changes);
            before = before == null ? Map.of() : Map.copyOf(before);
        }

        /** What the executing entry of {@code intent} says, acting under {@code claim} on the resource as it was. */
        public static Executing of(Intent intent, String owner, Claim claim, Observation before) {
            Map<String, String> state = before != null && before.attribute("state") != null
                    ? Map.of("state", before.attribute("state")) : Map.of();
            return new Executing(intent.id(), intent.action().key(), intent.action().key() + " " + intent.type().key()
                    + " " + intent.id() + " in " + intent.region(), claim.holder(), claim.fence(), intent.type().key(),
                    intent.region(), intent.cloudId(), intent.action() == Action.CREATE ? intent.clientToken(owner) : null,
                    intent.planRunId(), intent.desired() == null ? null : Desired.of(intent.desired()),
                    intent.changes(), state);
        }

        public Kind kind() { return Kind.EXECUTING; }
    }

    /**
     * An action took effect. A resolution of an action left in doubt by a crash carries {@code resolvesSeq}
     * (the executing entry's seq) and {@code inDoubtRunId} (the crashed run), {@code rolledForward} when this
     * run finished it, and {@code verified} false when only the resource's existence was checked.
     */
    record Executed(String resource, String action, String message, String cloudId, String requestId,
                    Long resolvesSeq, String inDoubtRunId, boolean rolledForward, boolean verified)
            implements WalRecord {
        /** An action of this run that went through. */
        public static Executed of(String resource, String action, String message, String cloudId, String requestId) {
            return new Executed(resource, action, message, cloudId, requestId, null, null, false, true);
        }

        public Kind kind() { return Kind.EXECUTED; }
    }

    /** An action did not take effect; the message is the error. Resolutions carry what {@link Executed} says. */
    record Failed(String resource, String action, String message, String error, String requestId, String cloudId,
                  Long resolvesSeq, String inDoubtRunId, boolean rolledForward) implements WalRecord {
        /** An action of this run that AWS refused or that could not be done. */
        public static Failed of(String resource, String action, String error, String requestId) {
            return new Failed(resource, action, error, error, requestId, null, null, null, false);
        }

        public Kind kind() { return Kind.FAILED; }
    }

    /** A decision not acted on, on purpose. */
    record Skipped(String resource, String action, String message, Outcome.SkipReason reason) implements WalRecord {
        public Skipped {
            Objects.requireNonNull(reason, "reason");
        }

        public Kind kind() { return Kind.SKIPPED; }
    }

    /** A claim given back. */
    record Released(String resource, String action, String message, String claim, long fence) implements WalRecord {
        public Kind kind() { return Kind.RELEASED; }
    }

    /** A run refused before it observed anything: credentials acting in an account the config does not allow. */
    record Refused(String resource, String message, String reason, String account, List<String> allowed)
            implements WalRecord {
        /** The reason of a refusal for the account. */
        public static final String ACCOUNT = "account";

        public Refused {
            allowed = allowed == null ? List.of() : List.copyOf(allowed);
        }

        public static Refused account(String account, List<String> allowed, String why) {
            return new Refused("account/" + account, why, ACCOUNT, account, allowed);
        }

        public Kind kind() { return Kind.REFUSED; }

        public String action() { return null; }
    }

    /**
     * {@code ovi wal repair} set the damage aside: what it was, the last good seq, the head the store had
     * recorded (null when it had none), and where the damaged files went (null and empty when none moved).
     */
    record Repaired(String message, String damage, long lastGoodSeq, Long recordedHeadSeq, String quarantine,
                    List<String> moved) implements WalRecord {
        /** The resource a repaired entry is about. */
        public static final String WAL = "wal";

        public Repaired {
            moved = moved == null ? List.of() : List.copyOf(moved);
        }

        public Kind kind() { return Kind.REPAIRED; }

        public String resource() { return WAL; }

        public String action() { return null; }
    }

    /**
     * A notification was delivered: event {@code eventId} of type {@code event} about {@code resource}, to
     * {@code target} (a topic's ARN or name, a webhook's hashed URL), after {@code attempts} tries.
     */
    record Notified(String resource, String message, String target, String event, String eventId, int attempts)
            implements WalRecord {
        public Kind kind() { return Kind.NOTIFIED; }

        public String action() { return null; }
    }

    /** A notification could not be delivered; {@code error} says why. It is tried again by a later run. */
    record NotifyFailed(String resource, String message, String target, String event, String eventId, int attempts,
                        String error) implements WalRecord {
        public Kind kind() { return Kind.NOTIFY_FAILED; }

        public String action() { return null; }
    }

    /**
     * An entry that is not one ovi writes: a type it does not know, or a field of the wrong type;
     * {@code problem} says which, in words.
     */
    record Unreadable(String type, String resource, String action, String message, String problem)
            implements WalRecord {
        public Kind kind() {
            return Kind.of(type).orElse(null);
        }
    }
}

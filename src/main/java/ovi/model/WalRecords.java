package ovi.model;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import ovi.model.WalRecord.Claimed;
import ovi.model.WalRecord.Decided;
import ovi.model.WalRecord.Desired;
import ovi.model.WalRecord.Executed;
import ovi.model.WalRecord.Executing;
import ovi.model.WalRecord.Failed;
import ovi.model.WalRecord.Kind;
import ovi.model.WalRecord.Notified;
import ovi.model.WalRecord.NotifyFailed;
import ovi.model.WalRecord.Observed;
import ovi.model.WalRecord.Refused;
import ovi.model.WalRecord.Released;
import ovi.model.WalRecord.Repaired;
import ovi.model.WalRecord.Skipped;
import ovi.model.WalRecord.Unreadable;

/**
 * The one codec between {@link WalRecord} and the {@code data} of a {@link WalEntry}: the data keys are
 * written here and nowhere else. What {@link #data} gives is what ovi has always written for each kind (key
 * for key, null for null), so entries written before and after read alike and their hashes never change.
 */
public final class WalRecords {
    public static final String REVISION = "revision";
    public static final String STARTED_AT = "startedAt";
    public static final String COUNT = "count";
    public static final String ERROR = "error";
    /** The {@link ErrorClass} an error begins with, for readers that filter by it (written, never needed to read). */
    public static final String ERROR_CLASS = "errorClass";
    public static final String DIFF_KIND = "kind";
    public static final String TYPE = "type";
    public static final String REGION = "region";
    public static final String CLOUD_ID = "cloudId";
    public static final String CONTENT_HASH = "contentHash";
    public static final String CHANGES = "changes";
    public static final String FIELD = "field";
    public static final String CURRENT = "current";
    public static final String DESIRED = "desired";
    public static final String CLAIM = "claim";
    public static final String HOLDER = "holder";
    public static final String FENCE = "fence";
    public static final String EXPIRES_AT = "expiresAt";
    public static final String CLIENT_TOKEN = "clientToken";
    public static final String PLAN_RUN_ID = "planRunId";
    public static final String ATTRIBUTES = "attributes";
    public static final String TAGS = "tags";
    public static final String BEFORE = "before";
    public static final String REQUEST_ID = "requestId";
    /** Of a resolution: the seq of the {@code executing} entry it settles. */
    public static final String RESOLVES_SEQ = "resolvesSeq";
    /** Of a resolution: the run that left the action in doubt. */
    public static final String IN_DOUBT_RUN = "inDoubtRunId";
    /** Of a resolution that finished an action cut off between two of its calls. */
    public static final String ROLLED_FORWARD = "rolledForward";
    public static final String VERIFIED = "verified";
    public static final String REASON = "reason";
    public static final String ACCOUNT = "account";
    public static final String ALLOWED = "allowed";
    public static final String DAMAGE = "damage";
    public static final String LAST_GOOD_SEQ = "lastGoodSeq";
    public static final String RECORDED_HEAD_SEQ = "recordedHeadSeq";
    public static final String QUARANTINE = "quarantine";
    public static final String MOVED = "moved";
    /** Of a notification: where it went (a topic's ARN or name, a webhook's hashed URL). */
    public static final String TARGET = "target";
    /** Of a notification: its CloudEvents type. */
    public static final String EVENT = "event";
    public static final String EVENT_ID = "eventId";
    public static final String ATTEMPTS = "attempts";

    private WalRecords() {
    }

    /** The entry's {@code data} for {@code r}. */
    public static Map<String, Object> data(WalRecord r) {
        Map<String, Object> d = new LinkedHashMap<>();
        if (r instanceof Observed o) {
            d.put(REVISION, o.revision());
            putIfNotNull(d, STARTED_AT, o.startedAt());
            if (o.error() == null) {
                putIfNotNull(d, COUNT, o.count());
            } else {
                d.put(ERROR, o.error());
                putErrorClass(d, o.error());
            }
        } else if (r instanceof Decided x) {
            d.put(DIFF_KIND, x.diffKind());
            d.put(TYPE, x.resourceType());
            d.put(REGION, x.region());
            putIfNotNull(d, CLOUD_ID, x.cloudId());
            d.put(REVISION, x.revision());
            putIfNotNull(d, CONTENT_HASH, x.contentHash());
            putChanges(d, x.changes());
        } else if (r instanceof Claimed c) {
            d.put(CLAIM, c.claim());
            d.put(HOLDER, c.holder());
            d.put(FENCE, c.fence());
            d.put(EXPIRES_AT, c.expiresAt().toString());
        } else if (r instanceof Executing x) {
            putIfNotNull(d, HOLDER, x.holder());
            putIfNotNull(d, FENCE, x.fence());
            putIfNotNull(d, TYPE, x.resourceType());
            putIfNotNull(d, REGION, x.region());
            putIfNotNull(d, CLOUD_ID, x.cloudId());
            putIfNotNull(d, CLIENT_TOKEN, x.clientToken());
            putIfNotNull(d, PLAN_RUN_ID, x.planRunId());
            if (x.desired() != null) {
                Map<String, Object> w = new LinkedHashMap<>();
                w.put(ATTRIBUTES, new TreeMap<>(x.desired().attributes()));
                w.put(TAGS, new TreeMap<>(x.desired().tags()));
                d.put(DESIRED, w);
            }
            putChanges(d, x.changes());
            if (!x.before().isEmpty()) {
                d.put(BEFORE, new TreeMap<>(x.before()));
            }
        } else if (r instanceof Executed x) {
            putResolution(d, x.resolvesSeq(), x.inDoubtRunId(), x.cloudId(), x.requestId());
            if (!x.verified()) {
                d.put(VERIFIED, false);
            }
            if (x.rolledForward()) {
                d.put(ROLLED_FORWARD, true);
            }
        } else if (r instanceof Failed f) {
            putResolution(d, f.resolvesSeq(), f.inDoubtRunId(), f.cloudId(), f.requestId());
            d.put(ERROR, f.error());
            putErrorClass(d, f.error());
            if (f.rolledForward()) {
                d.put(ROLLED_FORWARD, true);
            }
        } else if (r instanceof Skipped s) {
            d.put(REASON, s.reason().key());
        } else if (r instanceof Released x) {
            d.put(CLAIM, x.claim());
            d.put(FENCE, x.fence());
        } else if (r instanceof Refused x) {
            d.put(REASON, x.reason());
            d.put(ACCOUNT, x.account());
            d.put(ALLOWED, x.allowed());
        } else if (r instanceof Repaired x) {
            d.put(DAMAGE, x.damage());
            d.put(LAST_GOOD_SEQ, x.lastGoodSeq());
            putIfNotNull(d, RECORDED_HEAD_SEQ, x.recordedHeadSeq());
            if (x.quarantine() != null || !x.moved().isEmpty()) {
                d.put(QUARANTINE, x.quarantine());
                d.put(MOVED, x.moved());
            }
        } else if (r instanceof Notified n) {
            d.put(TARGET, n.target());
            d.put(EVENT, n.event());
            d.put(EVENT_ID, n.eventId());
            d.put(ATTEMPTS, n.attempts());
        } else if (r instanceof NotifyFailed n) {
            d.put(TARGET, n.target());
            d.put(EVENT, n.event());
            d.put(EVENT_ID, n.eventId());
            d.put(ATTEMPTS, n.attempts());
            d.put(ERROR, n.error());
        } else {
            throw new IllegalArgumentException("an unreadable entry is never written: " + ((Unreadable) r).problem());
        }
        return d;
    }

    /**
     * Resolutions always carry {@code requestId}, null when the look-up made no call; an action of the run
     * itself carries it only when AWS gave one.
     */
    private static void putResolution(Map<String, Object> d, Long resolvesSeq, String inDoubtRun, String cloudId,
                                      String requestId) {
        if (resolvesSeq != null) {
            d.put(RESOLVES_SEQ, resolvesSeq);
            d.put(IN_DOUBT_RUN, inDoubtRun);
        }
        putIfNotNull(d, CLOUD_ID, cloudId);
        if (resolvesSeq != null || requestId != null) {
            d.put(REQUEST_ID, requestId);
        }
    }

    private static void putChanges(Map<String, Object> d, List<Change> changes) {
        if (changes.isEmpty()) {
            return;
        }
        List<Map<String, String>> list = new ArrayList<>(changes.size());
        for (Change c : changes) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put(FIELD, c.field());
            m.put(CURRENT, c.current());
            m.put(DESIRED, c.desired());
            list.add(m);
        }
        d.put(CHANGES, list);
    }

    private static void putIfNotNull(Map<String, Object> d, String key, Object v) {
        if (v != null) {
            d.put(key, v);
        }
    }

    /**
     * What the entry says. Never throws: an entry of a type ovi does not write, or with a field of the wrong
     * type, is {@link Unreadable}, saying which in words. A field that is absent reads as null (or empty):
     * older entries carry fewer fields.
     */
    public static WalRecord decode(WalEntry e) {
        Kind kind = Kind.of(e.type()).orElse(null);
        if (kind == null) {
            return new Unreadable(e.type(), e.resource(), e.action(), e.message(),
                    "its type '" + e.type() + "' is not one ovi writes");
        }
        try {
            return decode(kind, e, new Fields(e.data()));
        } catch (Bad bad) {
            return new Unreadable(e.type(), e.resource(), e.action(), e.message(), bad.getMessage());
        }
    }

    private static WalRecord decode(Kind kind, WalEntry e, Fields f) {
        String res = e.resource();
        String act = e.action();
        String msg = e.message();
        return switch (kind) {
            case OBSERVED -> new Observed(res, f.number(REVISION, 0L), f.text(STARTED_AT),
                    f.number(COUNT), f.text(ERROR), msg);
            case DECIDED -> new Decided(res, act, msg, f.text(DIFF_KIND), f.text(TYPE), f.text(REGION),
                    f.text(CLOUD_ID), f.number(REVISION, 0L), f.text(CONTENT_HASH), f.changes());
            case CLAIMED -> new Claimed(res, act, msg, f.text(CLAIM), f.text(HOLDER), f.number(FENCE, 0L),
                    f.instant(EXPIRES_AT));
            case EXECUTING -> new Executing(res, act, msg, f.text(HOLDER), f.number(FENCE), f.text(TYPE),
                    f.text(REGION), f.text(CLOUD_ID), f.text(CLIENT_TOKEN), f.text(PLAN_RUN_ID), f.desired(),
                    f.changes(), f.strings(BEFORE));
            case EXECUTED -> new Executed(res, act, msg, f.text(CLOUD_ID), f.text(REQUEST_ID), f.number(RESOLVES_SEQ),
                    f.text(IN_DOUBT_RUN), f.flag(ROLLED_FORWARD, false), f.flag(VERIFIED, true));
            case FAILED -> new Failed(res, act, msg, f.text(ERROR), f.text(REQUEST_ID), f.text(CLOUD_ID),
                    f.number(RESOLVES_SEQ), f.text(IN_DOUBT_RUN), f.flag(ROLLED_FORWARD, false));
            case SKIPPED -> new Skipped(res, act, msg, f.reason());
            case RELEASED -> new Released(res, act, msg, f.text(CLAIM), f.number(FENCE, 0L));
            case REFUSED -> new Refused(res, msg, f.text(REASON), f.text(ACCOUNT), f.texts(ALLOWED));
            case REPAIRED -> new Repaired(msg, f.text(DAMAGE), f.number(LAST_GOOD_SEQ, 0L), f.number(RECORDED_HEAD_SEQ),
                    f.text(QUARANTINE), f.texts(MOVED));
            case NOTIFIED -> new Notified(res, msg, f.text(TARGET), f.text(EVENT), f.text(EVENT_ID),
                    (int) f.number(ATTEMPTS, 0L));
            case NOTIFY_FAILED -> new NotifyFailed(res, msg, f.text(TARGET), f.text(EVENT), f.text(EVENT_ID),
                    (int) f.number(ATTEMPTS, 0L), f.text(ERROR));
        };
    }

    /** A field of the wrong type. */
    private static final class Bad extends RuntimeException {
        Bad(String what) {
            super(what, null, false, false);
        }
    }

    /** The data of one entry, read field by field; a field of the wrong type is {@link Bad}. */
    private record Fields(Map<String, Object> data) {
        String text(String key) {
            Object v = data.get(key);
            if (v == null || v instanceof String) {
                return (String) v;
            }
            throw wrong(key, v, "text");
        }

        Long number(String key) {
            Object v = data.get(key);
            if (v == null) {
                return null;
            }
            if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
                return n.longValue();
            }
            throw wrong(key, v, "a whole number");
        }

        long number(String key, long absent) {
            Long n = number(key);
            return n == null ? absent : n;
        }

        boolean flag(String key, boolean absent) {
            Object v = data.get(key);
            if (v == null) {
                return absent;
            }
            if (v instanceof Boolean b) {
                return b;
            }
            throw wrong(key, v, "true or false");
        }

        Instant instant(String key) {
            String t = text(key);
            if (t == null) {
                throw new Bad("its data." + key + " is missing");
            }
            try {
                return Instant.parse(t);
            } catch (DateTimeParseException ex) {
                throw new Bad("its data." + key + " is not an ISO-8601 instant");
            }
        }

        List<String> texts(String key) {
            Object v = data.get(key);
            if (v == null) {
                return List.of();
            }
            if (!(v instanceof List<?> list)) {
                throw wrong(key, v, "a list");
            }
            List<String> out = new ArrayList<>(list.size());
            for (Object o : list) {
                if (!(o instanceof String s)) {
                    throw new Bad("its data." + key + " holds " + describe(o) + ", not only text");
                }
                out.add(s);
            }
            return out;
        }

        /** An object of scalars as text, as the state and declaration maps were written. */
        Map<String, String> strings(String key) {
            return strings(key, data.get(key));
        }

        private static Map<String, String> strings(String key, Object v) {
            Map<String, String> out = new TreeMap<>();
            if (v == null) {
                return out;
            }
            if (!(v instanceof Map<?, ?> map)) {
                throw wrong(key, v, "an object");
            }
            map.forEach((k, x) -> {
                if (x instanceof Map<?, ?> || x instanceof List<?>) {
                    throw new Bad("its data." + key + "." + k + " is " + describe(x) + ", not a single value");
                }
                out.put(String.valueOf(k), String.valueOf(x));
            });
            return out;
        }

        Desired desired() {
            Object v = data.get(DESIRED);
            if (v == null) {
                return null;
            }
            if (!(v instanceof Map<?, ?> m)) {
                throw wrong(DESIRED, v, "an object");
            }
            return new Desired(strings(DESIRED + "." + ATTRIBUTES, m.get(ATTRIBUTES)),
                    strings(DESIRED + "." + TAGS, m.get(TAGS)));
        }

        List<Change> changes() {
            Object v = data.get(CHANGES);
            if (v == null) {
                return List.of();
            }
            if (!(v instanceof List<?> list)) {
                throw wrong(CHANGES, v, "a list");
            }
            List<Change> out = new ArrayList<>(list.size());
            for (Object o : list) {
                if (!(o instanceof Map<?, ?> m) || !(m.get(FIELD) instanceof String field)) {
                    throw new Bad("its data." + CHANGES + " holds " + describe(o) + ", not a change with a field");
                }
                out.add(new Change(field, scalar(m.get(CURRENT)), scalar(m.get(DESIRED))));
            }
            return out;
        }

        Outcome.SkipReason reason() {
            String key = text(REASON);
            for (Outcome.SkipReason r : Outcome.SkipReason.values()) {
                if (r.key().equals(key)) {
                    return r;
                }
            }
            throw new Bad(key == null ? "its data." + REASON + " is missing"
                    : "its data." + REASON + " '" + key + "' is not a reason ovi skips for");
        }

        private static String scalar(Object o) {
            return o == null ? null : o.toString();
        }

        private static Bad wrong(String key, Object v, String expected) {
            return new Bad("its data." + key + " is not " + expected + " but " + describe(v));
        }
    }

    private static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String) {
            return "text";
        }
        if (v instanceof Number) {
            return "a number";
        }
        if (v instanceof Boolean) {
            return "true or false";
        }
        if (v instanceof Map<?, ?>) {
            return "an object";
        }
        if (v instanceof List<?>) {
            return "a list";
        }
        return "a value of another kind";
    }

    private static void putErrorClass(Map<String, Object> d, String error) {
        ErrorClass c = ErrorClass.leading(error);
        if (c != null) {
            d.put(ERROR_CLASS, c.key());
        }
    }
}

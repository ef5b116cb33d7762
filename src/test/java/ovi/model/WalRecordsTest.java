package ovi.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ovi.aws.ec2.Ec2Kind;
import ovi.aws.s3.S3Kind;
import ovi.engine.AuditLog;
import ovi.model.WalRecord.Kind;
import ovi.wal.WalCodec;
import org.junit.jupiter.api.Test;

/**
 * Every kind of entry is written exactly as ovi wrote it before the kinds were types (the JSON below is
 * what those writers produced, key for key), and reads back as the record it was written from.
 */
class WalRecordsTest {
    static final Instant T = Instant.parse("2026-11-21T03:10:00Z");
    static final Claim CLAIM = new Claim("team-web/ec2/web-0", "host:1#00ff", 3, T, T.plusSeconds(300));
    static final DesiredResource WEB0 = new DesiredResource("web-0", Ec2Kind.TYPE, "us-east-1",
            Map.of("size", "t3.micro", "image", "ami-1"), Map.of("team", "web"));

    /** The entry line as the WAL holds it (before signing), for run r1 at seq 1. */
    static String line(WalRecord r) {
        AuditLog.Draft d = AuditLog.Draft.of("r1", r);
        return WalCodec.toJson(new WalEntry(1, T, d.runId(), d.type(), d.resource(), d.action(), d.message(), d.data(),
                "", null));
    }

    static String expected(String type, String resource, String action, String message, String data) {
        return "{\"action\":" + quote(action) + ",\"data\":" + data + ",\"hash\":null,\"message\":" + quote(message)
                + ",\"prev\":\"\",\"resource\":" + quote(resource) + ",\"runId\":\"r1\",\"seq\":1,"
                + "\"time\":\"2026-11-21T03:10:00Z\",\"type\":\"" + type + "\"}";
    }

    private static String quote(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }

    /** Written as {@code json}, and read back from the WAL's own parser as the same record. */
    static void writesAndReadsBack(WalRecord r, String json) {
        assertEquals(json, line(r));
        assertEquals(r, WalRecords.decode(WalCodec.parse(json)));
    }

    @Test
    void observedAndNotObservedScopes() {
        Instant began = Instant.parse("2026-11-21T03:09:58.500Z");
        writesAndReadsBack(WalRecord.Observed.of("ec2/us-east-1", 7, began, 2), expected("observed", "ec2/us-east-1",
                null, "2 resources", "{\"count\":2,\"revision\":7,\"startedAt\":\"2026-11-21T03:09:58.500Z\"}"));
        writesAndReadsBack(WalRecord.Observed.failed("rds/eu-west-1", 7, began, "access denied: no"),
                expected("observed", "rds/eu-west-1", null, "not observed: access denied: no",
                        "{\"error\":\"access denied: no\",\"revision\":7,\"startedAt\":\"2026-11-21T03:09:58.500Z\"}"));
    }

    @Test
    void decisionsWithAndWithoutCloudIdHashAndChanges() {
        writesAndReadsBack(new WalRecord.Decided("web-0", "update", "differs from the declaration in size", "drifted",
                "ec2", "us-east-1", "i-0abc", 7, "h1", List.of(new Change("size", "t3.small", "t3.micro"),
                        new Change("tags.team", null, "web"))),
                expected("decided", "web-0", "update", "differs from the declaration in size",
                        "{\"changes\":[{\"current\":\"t3.small\",\"desired\":\"t3.micro\",\"field\":\"size\"},"
                                + "{\"current\":null,\"desired\":\"web\",\"field\":\"tags.team\"}],"
                                + "\"cloudId\":\"i-0abc\",\"contentHash\":\"h1\",\"kind\":\"drifted\","
                                + "\"region\":\"us-east-1\",\"revision\":7,\"type\":\"ec2\"}"));
        writesAndReadsBack(new WalRecord.Decided("web-1", "create", "declared but not found", "missing", "ec2",
                "us-east-1", null, 7, null, List.of()), expected("decided", "web-1", "create", "declared but not found",
                "{\"kind\":\"missing\",\"region\":\"us-east-1\",\"revision\":7,\"type\":\"ec2\"}"));
    }

    @Test
    void claimedAndReleased() {
        writesAndReadsBack(new WalRecord.Claimed("web-0", "create", "claimed by host:1#00ff (fence 3)", CLAIM.resource(),
                CLAIM.holder(), CLAIM.fence(), CLAIM.expiresAt()), expected("claimed", "web-0", "create",
                "claimed by host:1#00ff (fence 3)", "{\"claim\":\"team-web/ec2/web-0\",\"expiresAt\":"
                        + "\"2026-11-21T03:15:00Z\",\"fence\":3,\"holder\":\"host:1#00ff\"}"));
        writesAndReadsBack(new WalRecord.Released("web-0", "create", "released by host:1#00ff", CLAIM.resource(), 3),
                expected("released", "web-0", "create", "released by host:1#00ff",
                        "{\"claim\":\"team-web/ec2/web-0\",\"fence\":3}"));
    }

    @Test
    void executingSaysWhatTheActionWantedAndTheStateBefore() {
        Intent create = new Intent(Action.CREATE, "missing", "web-0", Ec2Kind.TYPE, "us-east-1", null, null, WEB0,
                List.of(), "declared but not found", "run-1");
        writesAndReadsBack(WalRecord.Executing.of(create, "team-web", CLAIM, null), expected("executing", "web-0",
                "create", "create ec2 web-0 in us-east-1", "{\"clientToken\":\"" + create.clientToken("team-web")
                        + "\",\"desired\":{\"attributes\":{\"image\":\"ami-1\",\"size\":\"t3.micro\"},"
                        + "\"tags\":{\"team\":\"web\"}},\"fence\":3,\"holder\":\"host:1#00ff\",\"planRunId\":\"run-1\","
                        + "\"region\":\"us-east-1\",\"type\":\"ec2\"}"));

        Observation running = new Observation(Ec2Kind.TYPE, "us-east-1", "i-1",
                Map.of("size", "t3.small", "state", "running"), Map.of());
        Intent update = new Intent(Action.UPDATE, "drifted", "web-0", Ec2Kind.TYPE, "us-east-1", "i-1",
                running.contentHash(), WEB0, List.of(new Change("size", "t3.small", "t3.micro")), "drift", "run-1");
        writesAndReadsBack(WalRecord.Executing.of(update, "team-web", CLAIM, running), expected("executing", "web-0",
                "update", "update ec2 web-0 in us-east-1", "{\"before\":{\"state\":\"running\"},"
                        + "\"changes\":[{\"current\":\"t3.small\",\"desired\":\"t3.micro\",\"field\":\"size\"}],"
                        + "\"cloudId\":\"i-1\",\"desired\":{\"attributes\":{\"image\":\"ami-1\",\"size\":\"t3.micro\"},"
                        + "\"tags\":{\"team\":\"web\"}},\"fence\":3,\"holder\":\"host:1#00ff\",\"planRunId\":\"run-1\","
                        + "\"region\":\"us-east-1\",\"type\":\"ec2\"}"));

        Intent delete = new Intent(Action.DELETE, "unwanted", "old-0", S3Kind.TYPE, "us-east-1", "b-1", "h",
                null, List.of(), "not declared", "run-1");
        writesAndReadsBack(WalRecord.Executing.of(delete, "team-web", CLAIM, null), expected("executing", "old-0",
                "delete", "delete s3 old-0 in us-east-1", "{\"cloudId\":\"b-1\",\"fence\":3,\"holder\":\"host:1#00ff\","
                        + "\"planRunId\":\"run-1\",\"region\":\"us-east-1\",\"type\":\"s3\"}"));
    }

    @Test
    void executedByTheRunItselfCarriesOnlyWhatAwsGave() {
        writesAndReadsBack(WalRecord.Executed.of("web-0", "create", "created i-new", "i-new", "req-1"),
                expected("executed", "web-0", "create", "created i-new", "{\"cloudId\":\"i-new\",\"requestId\":\"req-1\"}"));
        writesAndReadsBack(WalRecord.Executed.of("web-0", "delete", "done", null, null),
                expected("executed", "web-0", "delete", "done", "{}"));
    }

    @Test
    void resolutionsAlwaysCarryTheirRequestIdEvenWhenNone() {
        writesAndReadsBack(new WalRecord.Executed("web-0", "create", "after a crash: it took effect", "i-123", null, 12L,
                "r-crashed", false, true), expected("executed", "web-0", "create", "after a crash: it took effect",
                "{\"cloudId\":\"i-123\",\"inDoubtRunId\":\"r-crashed\",\"requestId\":null,\"resolvesSeq\":12}"));
        writesAndReadsBack(new WalRecord.Executed("b-0", "create", "after a crash: finished", "b-0", "req-2", 12L,
                "r-crashed", true, true), expected("executed", "b-0", "create", "after a crash: finished",
                "{\"cloudId\":\"b-0\",\"inDoubtRunId\":\"r-crashed\",\"requestId\":\"req-2\",\"resolvesSeq\":12,"
                        + "\"rolledForward\":true}"));
        writesAndReadsBack(new WalRecord.Executed("web-0", "update", "after a crash: exists", "i-1", null, 12L,
                "r-crashed", false, false), expected("executed", "web-0", "update", "after a crash: exists",
                "{\"cloudId\":\"i-1\",\"inDoubtRunId\":\"r-crashed\",\"requestId\":null,\"resolvesSeq\":12,"
                        + "\"verified\":false}"));
        writesAndReadsBack(new WalRecord.Failed("web-1", "create", "after a crash: none", "after a crash: none", null,
                null, 13L, "r-crashed", false), expected("failed", "web-1", "create", "after a crash: none",
                "{\"error\":\"after a crash: none\",\"inDoubtRunId\":\"r-crashed\",\"requestId\":null,"
                        + "\"resolvesSeq\":13}"));
        writesAndReadsBack(new WalRecord.Failed("b-0", "create", "after a crash: half", "after a crash: half", null,
                "b-0", 13L, "r-crashed", true), expected("failed", "b-0", "create", "after a crash: half",
                "{\"cloudId\":\"b-0\",\"error\":\"after a crash: half\",\"inDoubtRunId\":\"r-crashed\","
                        + "\"requestId\":null,\"resolvesSeq\":13,\"rolledForward\":true}"));
    }

    @Test
    void failedSkippedRefusedAndRepaired() {
        writesAndReadsBack(WalRecord.Failed.of("web-0", "create", "boom", "req-9"),
                expected("failed", "web-0", "create", "boom", "{\"error\":\"boom\",\"requestId\":\"req-9\"}"));
        writesAndReadsBack(WalRecord.Failed.of("web-0", "create", "boom", null),
                expected("failed", "web-0", "create", "boom", "{\"error\":\"boom\"}"));
        writesAndReadsBack(new WalRecord.Skipped("web-0", "create", "claimed by other", Outcome.SkipReason.CLAIM_HELD),
                expected("skipped", "web-0", "create", "claimed by other", "{\"reason\":\"claim-held\"}"));
        writesAndReadsBack(WalRecord.Refused.account("123456789012", List.of("111111111111"), "not allowed"),
                expected("refused", "account/123456789012", null, "not allowed",
                        "{\"account\":\"123456789012\",\"allowed\":[\"111111111111\"],\"reason\":\"account\"}"));
        writesAndReadsBack(new WalRecord.Repaired("repaired the WAL", "hash mismatch", 56, 60L,
                "quarantine-20261121T101500Z", List.of("20261121F.cq4", "metadata.cq4t")), expected("repaired", "wal",
                null, "repaired the WAL", "{\"damage\":\"hash mismatch\",\"lastGoodSeq\":56,\"moved\":[\"20261121F.cq4\","
                        + "\"metadata.cq4t\"],\"quarantine\":\"quarantine-20261121T101500Z\",\"recordedHeadSeq\":60}"));
        writesAndReadsBack(new WalRecord.Repaired("repaired the WAL", "entries lost", 56, null, null, List.of()),
                expected("repaired", "wal", null, "repaired the WAL", "{\"damage\":\"entries lost\",\"lastGoodSeq\":56}"));
    }

    @Test
    void notificationsDeliveredAndNot() {
        writesAndReadsBack(new WalRecord.Notified("web-0", "sent dev.ovi.drift.drifted to webhook http://127.0.0.1:8080",
                "webhook:0011223344556677", "dev.ovi.drift.drifted", "e1", 2), expected("notified", "web-0", null,
                "sent dev.ovi.drift.drifted to webhook http://127.0.0.1:8080", "{\"attempts\":2,\"event\":"
                        + "\"dev.ovi.drift.drifted\",\"eventId\":\"e1\",\"target\":\"webhook:0011223344556677\"}"));
        writesAndReadsBack(new WalRecord.NotifyFailed("web-0", "not sent", "topic:alerts", "dev.ovi.drift.resolved",
                "e2", 4, "HTTP 500"), expected("notify-failed", "web-0", null, "not sent", "{\"attempts\":4,"
                + "\"error\":\"HTTP 500\",\"event\":\"dev.ovi.drift.resolved\",\"eventId\":\"e2\","
                + "\"target\":\"topic:alerts\"}"));
    }

    @Test
    void everyKindHasARecordThatIsWrittenUnderItsName() {
        for (Kind k : Kind.values()) {
            assertEquals(k, Kind.of(k.key()).orElseThrow());
        }
        assertEquals(Kind.NOTIFIED, Kind.of("notified").orElseThrow(), "a delivered notification");
    }

    private static WalEntry raw(String type, Map<String, Object> data) {
        return new WalEntry(9, T, "r1", type, "web-0", "create", "m", data, "", "");
    }

    @Test
    void anEntryOfAnotherTypeOrWithAFieldOfTheWrongTypeIsUnreadableSayingWhyInWords() {
        assertEquals("its type 'exploded' is not one ovi writes",
                ((WalRecord.Unreadable) WalRecords.decode(raw("exploded", Map.of()))).problem());
        assertEquals("its data.fence is not a whole number but text",
                ((WalRecord.Unreadable) WalRecords.decode(raw("executing", Map.of("fence", "three")))).problem());
        assertEquals("its data.changes holds text, not a change with a field",
                ((WalRecord.Unreadable) WalRecords.decode(raw("executing", Map.of("changes", List.of("size"))))).problem());
        assertEquals("its data.desired.tags is not an object but a list", ((WalRecord.Unreadable) WalRecords.decode(
                raw("executing", Map.of("desired", Map.of("tags", List.of()))))).problem());
        assertEquals("its data.expiresAt is not an ISO-8601 instant",
                ((WalRecord.Unreadable) WalRecords.decode(raw("claimed", Map.of("expiresAt", "soon")))).problem());
        assertEquals("its data.reason 'bored' is not a reason ovi skips for",
                ((WalRecord.Unreadable) WalRecords.decode(raw("skipped", Map.of("reason", "bored")))).problem());
        assertEquals("its data.rolledForward is not true or false but a number",
                ((WalRecord.Unreadable) WalRecords.decode(raw("executed", Map.of("rolledForward", 1)))).problem());
        WalRecord.Unreadable u = (WalRecord.Unreadable) WalRecords.decode(raw("executing", Map.of("fence", "three")));
        assertEquals(Kind.EXECUTING, u.kind(), "the kind is still known from the type");
        assertThrows(IllegalArgumentException.class, () -> AuditLog.Draft.of("r1", u), "never written back");
    }

    @Test
    void olderEntriesWithFewerFieldsReadWithThoseFieldsAbsent() {
        Map<String, Object> data = new LinkedHashMap<>(Map.of("holder", "host-1", "fence", 1, "type", "ec2"));
        WalRecord.Executing x = assertInstanceOf(WalRecord.Executing.class, WalRecords.decode(raw("executing", data)));
        assertEquals(1L, x.fence());
        assertNull(x.planRunId());
        assertNull(x.desired());
        assertTrue(x.changes().isEmpty() && x.before().isEmpty());
        WalRecord.Observed o = assertInstanceOf(WalRecord.Observed.class,
                WalRecords.decode(raw("observed", Map.of("startedAt", "yesterday"))));
        assertTrue(o.began().isEmpty(), "an unreadable start is no start");
    }
}

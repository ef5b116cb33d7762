package ovi.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ovi.aws.ec2.Ec2Kind;
import ovi.aws.rds.RdsKind;
import ovi.engine.ObservationStore;
import ovi.model.Observation;
import ovi.model.ResourceType;
import ovi.model.Scope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The H2 store in a real file database. */
public class JdbcObservationStoreTest {
    static final Scope EC2 = Scope.of(Ec2Kind.TYPE, "us-east-1");
    static final Scope RDS = Scope.of(RdsKind.TYPE, "us-east-1");

    @TempDir
    Path dir;

    static Observation i(String id, String size) {
        return new Observation(Ec2Kind.TYPE, "us-east-1", id, Map.of("size", size), Map.of("ovi:id", "web-" + id));
    }

    @Test
    void aWatchBatchThatChangesNothingWritesNoRowAndSaysWhatChangedOtherwise() {
        try (var store = JdbcObservationStore.openH2(dir)) {
            var r1 = store.record("r1", Set.of(EC2), List.of(i("a", "t3.micro"), i("b", "t3.micro")), false);
            assertEquals(2, r1.changed().size());
            assertEquals(null, r1.changed().get(0).before());
            var quiet = store.record("r2", Set.of(EC2), List.of(i("a", "t3.micro"), i("b", "t3.micro")), false);
            assertEquals(r1.revision(), quiet.revision(), "no new revision");
            assertEquals(0, quiet.written());
            assertEquals(-1, store.written(r1.revision() + 1), "no revision row");
            var r3 = store.record("r3", Set.of(EC2), List.of(i("a", "t3.large"), i("c", "t3.micro")), false);
            assertEquals(3, r3.changed().size(), r3::toString);
            var byKey = new java.util.HashMap<String, ObservationStore.Changed>();
            r3.changed().forEach(c -> byKey.put(c.after() != null ? c.after().cloudId() : c.before().cloudId(), c));
            assertEquals("t3.micro", byKey.get("a").before().attribute("size"));
            assertEquals("t3.large", byKey.get("a").after().attribute("size"));
            assertEquals(null, byKey.get("b").after(), "gone");
            assertEquals("t3.micro", byKey.get("b").before().attribute("size"));
            assertEquals(null, byKey.get("c").before(), "new");
            var r4 = store.record("r4", Set.of(EC2), List.of(i("a", "t3.large"), i("c", "t3.micro"), i("b", "t3.micro")),
                    false);
            assertEquals(1, r4.written(), "b came back");
        }
    }

    @Test
    void eachBatchGetsANewRevisionAndOnlyChangedResourcesAreWritten() {
        try (var store = JdbcObservationStore.openH2(dir)) {
            var r1 = store.record("r1", Set.of(EC2), List.of(i("a", "t3.micro"), i("b", "t3.micro")));
            var r2 = store.record("r2", Set.of(EC2), List.of(i("a", "t3.micro"), i("b", "t3.micro")));
            var r3 = store.record("r3", Set.of(EC2), List.of(i("a", "t3.large"), i("b", "t3.micro")));
            assertEquals(2, r1.written());
            assertEquals(0, r2.written(), "a steady state writes no resource rows");
            assertEquals(1, r3.written());
            assertTrue(r1.revision() < r2.revision() && r2.revision() < r3.revision());
        }
    }

    @Test
    void historyReadsBackEveryStateIncludingWhenAResourceWasGone() {
        try (var store = JdbcObservationStore.openH2(dir)) {
            store.record("r1", Set.of(EC2), List.of(i("a", "t3.micro")));
            store.record("r2", Set.of(EC2), List.of(i("a", "t3.large")));
            store.record("r3", Set.of(EC2), List.of());
            List<ObservationStore.StoredVersion> h = store.history("web-a");
            assertEquals(List.of("r1", "r2", "r3"), h.stream().map(ObservationStore.StoredVersion::runId).toList());
            assertEquals("t3.micro", h.get(0).observation().attribute("size"));
            assertEquals("t3.large", h.get(1).observation().attribute("size"));
            assertTrue(h.get(2).gone());
            assertEquals(h, store.history("a"), "found by cloud id too");
        }
    }

    @Test
    void aScopeNotObservedLeavesItsResourcesAsTheyWere() {
        try (var store = JdbcObservationStore.openH2(dir)) {
            store.record("r1", Set.of(EC2), List.of(i("a", "t3.micro")));
            var r2 = store.record("r2", Set.of(RDS), List.of());
            assertEquals(0, r2.written());
            assertEquals(1, store.history("a").size());
        }
    }

    @Test
    void theStoreSurvivesReopeningAndKeepsCounting() {
        long first;
        try (var store = JdbcObservationStore.openH2(dir)) {
            first = store.record("r1", Set.of(EC2), List.of(i("a", "t3.micro"))).revision();
        }
        try (var store = JdbcObservationStore.openH2(dir)) {
            var r = store.record("r2", Set.of(EC2), List.of(i("a", "t3.micro")));
            assertTrue(r.revision() > first);
            assertEquals(0, r.written());
            assertNull(store.history("zzz").stream().findFirst().orElse(null));
        }
    }

    @Test
    void aFirstBatchWritesOneRowPerScopeAndAChangeRewritesOnlyItsScope() throws Exception {
        try (var store = JdbcObservationStore.openH2(dir)) {
            List<Observation> many = new java.util.ArrayList<>();
            for (int n = 0; n < 500; n++) {
                many.add(i("i-" + n, "t3.micro"));
            }
            var r1 = store.record("r1", Set.of(EC2, RDS), many);
            assertEquals(500, r1.written());
            assertEquals(Map.of("scope_state", 1L, "scope_changes", 1L), rows(store), "the RDS scope had nothing");
            many.set(7, i("i-7", "t3.large"));
            var r2 = store.record("r2", Set.of(EC2, RDS), many);
            assertEquals(1, r2.written());
            assertEquals("t3.micro", r2.changed().get(0).before().attribute("size"));
            assertEquals(Map.of("scope_state", 1L, "scope_changes", 2L), rows(store));
            assertEquals(2, store.history("web-i-7").size());
            assertEquals(1, store.history("web-i-8").size());
        }
    }

    @Test
    void smallChangesAreKeptAfterTheScopeStateUntilTheyAreManyThenTheStateIsWrittenAgain() throws Exception {
        List<Observation> many = new java.util.ArrayList<>();
        try (var store = JdbcObservationStore.openH2(dir)) {
            for (int n = 0; n < 300; n++) {
                many.add(i("i-" + n, "t3.micro"));
            }
            long first = store.record("r0", Set.of(EC2), many).revision();
            List<Long> stateAt = new java.util.ArrayList<>();
            for (int k = 1; k <= 40; k++) {
                many.set(k % 5, i("i-" + (k % 5), "t3.size" + k));
                var r = store.record("r" + k, Set.of(EC2), many, false);
                assertEquals(1, r.written(), "r" + k);
                assertEquals(k - 5 >= 1 ? "t3.size" + (k - 5) : "t3.micro", r.changed().get(0).before().attribute("size"),
                        "the state before is the one the last change row of it wrote, r" + k);
                stateAt.add(stateRevision(store));
            }
            assertEquals(first, stateAt.get(31), "32 change rows after the state row leave it as it is");
            assertTrue(stateAt.get(32) > first, "the 33rd writes the state row again: " + stateAt);
            // gone and back, through change rows only
            Observation x = many.remove(100);
            assertEquals(1, store.record("gone", Set.of(EC2), many, false).written());
            assertEquals(0, store.record("gone-again", Set.of(EC2), many, false).written());
            many.add(x);
            var back = store.record("back", Set.of(EC2), many, false);
            assertEquals(1, back.written());
            assertNull(back.changed().get(0).before(), "back after gone counts as new");
            assertEquals(0, store.record("steady", Set.of(EC2), many, false).written(), "state and changes agree");
        }
        try (var store = JdbcObservationStore.openH2(dir)) {
            assertEquals(0, store.record("reopened", Set.of(EC2), many, false).written(), "read back the same after reopening");
            assertEquals(300, store.record("all-gone", Set.of(EC2), List.of(), false).written());
        }
    }

    private static long stateRevision(JdbcObservationStore store) throws Exception {
        try (var c = store.openConnection(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT revision FROM scope_state")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aDamagedScopeStateCountsAsEmptyAndADamagedChangeIsNamedWhenHistoryReadsIt() throws Exception {
        try (var store = JdbcObservationStore.openH2(dir)) {
            store.record("r1", Set.of(EC2), List.of(i("a", "t3.micro"), i("b", "t3.micro")));
            sql(store, "UPDATE scope_state SET body = X'00112233'");
            // nothing is known of the scope: both are written again as new, so a watch reconciles them
            var r2 = store.record("r2", Set.of(EC2), List.of(i("a", "t3.micro"), i("b", "t3.micro")));
            assertEquals(2, r2.written());
            assertTrue(r2.changed().stream().allMatch(c -> c.before() == null), r2::toString);
            var r3 = store.record("r3", Set.of(EC2), List.of(i("a", "t3.micro"), i("b", "t3.micro")));
            assertEquals(0, r3.written(), "the state was written whole again");
            assertEquals(2, store.history("web-a").size());

            sql(store, "UPDATE scope_changes SET body = X'78' WHERE revision = " + r2.revision());
            var e = org.junit.jupiter.api.Assertions.assertThrows(ovi.engine.OviException.class,
                    () -> store.history("web-a"));
            assertTrue(e.getMessage().contains("revision " + r2.revision() + " recorded of ec2/us-east-1 is damaged"),
                    e.getMessage());
        }
    }

    @Test
    void twoStoresRecordingOneScopeAtOnceBothLandAndLeaveOneWholeState() throws Exception {
        try (var a = JdbcObservationStore.openH2(dir); var b = JdbcObservationStore.openH2(dir)) {
            List<Observation> one = new java.util.ArrayList<>();
            List<Observation> two = new java.util.ArrayList<>();
            for (int n = 0; n < 2000; n++) {
                one.add(i("i-" + n, "t3.micro"));
                two.add(i("i-" + n, n % 2 == 0 ? "t3.micro" : "t3.large"));
            }
            var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                var fa = pool.submit(() -> a.record("a", Set.of(EC2), one));
                var fb = pool.submit(() -> b.record("b", Set.of(EC2), two));
                long ra = fa.get().revision();
                long rb = fb.get().revision();
                assertTrue(ra != rb);
                // whichever came last holds the scope whole: recording its batch again writes nothing
                List<Observation> last = rb > ra ? two : one;
                assertEquals(0, a.record("again", Set.of(EC2), last).written());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static Map<String, Long> rows(JdbcObservationStore store) throws Exception {
        Map<String, Long> rows = new java.util.HashMap<>();
        try (var c = store.openConnection(); var s = c.createStatement()) {
            for (String table : List.of("scope_state", "scope_changes")) {
                try (var rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
                    rs.next();
                    rows.put(table, rs.getLong(1));
                }
            }
        }
        return rows;
    }

    private static void sql(JdbcObservationStore store, String statement) throws Exception {
        try (var c = store.openConnection(); var s = c.createStatement()) {
            s.execute(statement);
        }
    }

    /** What each notify target was sent, as {@code ovi.engine.Notifications} reads and writes it. */
    public static void remembersWhatEachTargetWasSent(ovi.engine.Notifications.Memory store) {
        java.time.Instant t = java.time.Instant.parse("2026-12-01T10:00:00Z");
        var a = new ovi.engine.Notifications.Sent("ec2/us-east-1/web-0", "web-0", "ec2", "us-east-1", "drifted",
                "a".repeat(64), t);
        store.remember("webhook:1", a);
        store.remember("topic:alerts", a);
        var changed = new ovi.engine.Notifications.Sent(a.key(), "web-0", "ec2", "us-east-1", "unwanted", "b".repeat(64),
                t.plusSeconds(60));
        store.remember("webhook:1", changed);
        assertEquals(Map.of(a.key(), changed), store.sent("webhook:1"), "replaced, not added");
        assertEquals(Map.of(a.key(), a), store.sent("topic:alerts"), "each target on its own");
        store.forget("webhook:1", a.key());
        assertEquals(Map.of(), store.sent("webhook:1"));
        assertEquals(1, store.sent("topic:alerts").size());
    }

    @Test
    void remembersWhatEachNotifyTargetWasSentAcrossReopening() {
        try (var store = JdbcObservationStore.openH2(dir)) {
            remembersWhatEachTargetWasSent(store);
        }
        try (var store = JdbcObservationStore.openH2(dir)) {
            assertEquals(1, store.sent("topic:alerts").size(), "kept in the store");
        }
    }
}

package ovi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import ovi.aws.ec2.Ec2Kind;
import ovi.aws.securitygroup.SecurityGroupKind;
import ovi.model.Observation;
import ovi.model.ResourceType;
import ovi.model.WalEntry;
import ovi.wal.InDoubt;
import org.junit.jupiter.api.Test;

class RecoveryTest {
    /** An in-memory WAL that counts syncs. */
    static final class MemoryLog implements AuditLog {
        final List<WalEntry> entries = new ArrayList<>();
        int syncs;

        @Override
        public List<WalEntry> append(List<Draft> drafts) {
            List<WalEntry> out = new ArrayList<>();
            for (Draft d : drafts) {
                WalEntry e = new WalEntry(entries.size() + 100, Instant.EPOCH, d.runId(), d.type(), d.resource(),
                        d.action(), d.message(), d.data(), "", "");
                entries.add(e);
                out.add(e);
            }
            return out;
        }

        @Override
        public void sync() {
            syncs++;
        }

        @Override
        public void close() {
        }
    }

    /** A lookup over a fixed set of resources, keyed by ovi id; ids in {@code broken} throw. */
    static final class FakeLookup implements ResourceLookup {
        final Map<String, Observation> byOviId = new HashMap<>();
        final List<Target> asked = new ArrayList<>();
        String broken;

        /** What the kind says is left of an action, by ovi id. */
        final Map<String, List<String>> unfinished = new HashMap<>();

        @Override
        public List<String> unfinished(ovi.model.Intent intent, Map<String, String> before, Observation found) {
            return unfinished.getOrDefault(intent.id(), List.of());
        }

        @Override
        public List<Observation> find(Target t) {
            asked.add(t);
            if (t.oviId().equals(broken)) {
                throw new IllegalStateException("cannot reach AWS");
            }
            return Optional.ofNullable(byOviId.get(t.oviId())).stream().toList();
        }
    }

    private long seq;
    private final MemoryLog wal = new MemoryLog();
    private final FakeLookup lookup = new FakeLookup();
    private final Recovery recovery = new Recovery(lookup, wal, "team-web", m -> { });

    private WalEntry executing(String id, String action, Map<String, Object> more) {
        Map<String, Object> data = new LinkedHashMap<>(Map.of("holder", "host-1", "fence", 1, "type", "ec2",
                "region", "us-east-1"));
        data.putAll(more);
        return new WalEntry(++seq, Instant.EPOCH, "r-crashed", "executing", id, action, "", data, "", "");
    }

    private static Observation instance(String cloudId, String size, String oviId) {
        return new Observation(Ec2Kind.TYPE, "us-east-1", cloudId, Map.of("size", size),
                Map.of("ovi:id", oviId, "ovi:owner", "team-web", "ovi:managed", "true"));
    }

    @Test
    void onlyActionsWhoseClaimEndedAndThatAreStillInDoubtAfterwardsAreSettled() {
        WalEntry crashed = executing("web-0", "create", Map.of());
        WalEntry working = executing("web-1", "create", Map.of());
        WalEntry finishing = executing("web-2", "create", Map.of());
        Instant now = Instant.parse("2026-11-22T03:00:00Z");
        ClaimStore claims = org.mockito.Mockito.mock(ClaimStore.class);
        org.mockito.Mockito.when(claims.current(org.mockito.ArgumentMatchers.anyString())).thenReturn(Optional.empty());
        org.mockito.Mockito.when(claims.current("team-web/ec2/web-1")).thenReturn(Optional.of(
                new ovi.model.Claim("team-web/ec2/web-1", "host-1", 1, now.minusSeconds(10), now.plusSeconds(60))));
        // first read: all three in doubt; by the second, web-2's holder had written its outcome and released
        List<List<WalEntry>> reads = new ArrayList<>(List.of(List.of(crashed, working, finishing), List.of(crashed, working)));

        List<WalEntry> settle = Recovery.settleable(() -> reads.remove(0), claims, "team-web", now);

        assertEquals(List.of(crashed), settle);
    }

    @Test
    void aCreateWhoseInstanceExistsTookEffect() {

        lookup.byOviId.put("web-0", instance("i-123", "t3.micro", "web-0"));
        WalEntry e = executing("web-0", "create", Map.of("clientToken", "tok-1"));

        Recovery.Result r = recovery.resolve("r-next", List.of(e));

        assertTrue(r.complete());
        WalEntry out = r.resolved().get(0);
        assertEquals("executed", out.type());
        assertEquals("r-next", out.runId());
        assertEquals("web-0", out.resource());
        assertEquals("create", out.action());
        assertEquals(e.seq(), ((Number) out.data().get("resolvesSeq")).longValue());
        assertEquals("r-crashed", out.data().get("inDoubtRunId"));
        assertEquals("i-123", out.data().get("cloudId"));
        assertEquals("after a crash: the instance exists (i-123), the create took effect", out.message());
        assertEquals(new ResourceLookup.Target(Ec2Kind.TYPE, "us-east-1", "team-web", "web-0", null, "tok-1"),
                lookup.asked.get(0));
        assertEquals(1, wal.syncs, "each resolution is synced before the run goes on");
    }

    @Test
    void aCreateWithNothingFoundDidNotTakeEffect() {
        Recovery.Result r = recovery.resolve("r-next", List.of(executing("web-1", "create", Map.of())));
        WalEntry out = r.resolved().get(0);
        assertEquals("failed", out.type());
        assertEquals("after a crash: no instance found, the create did not take effect", out.message());
        assertEquals(out.message(), out.data().get("error"));
    }

    @Test
    void aDeleteIsSettledByWhetherTheResourceIsGone() {
        lookup.byOviId.put("old-1", instance("i-9", "t3.micro", "old-1"));
        Recovery.Result r = recovery.resolve("r-next", List.of(
                executing("old-0", "delete", Map.of("cloudId", "i-8")),
                executing("old-1", "delete", Map.of("cloudId", "i-9"))));
        assertEquals("executed", r.resolved().get(0).type());
        assertEquals("after a crash: the instance is gone, the delete took effect", r.resolved().get(0).message());
        assertEquals("failed", r.resolved().get(1).type());
        assertTrue(r.resolved().get(1).message().contains("still exists (i-9)"));
    }

    @Test
    void anUpdateIsCheckedAgainstTheChangesItWanted() {
        lookup.byOviId.put("web-0", instance("i-1", "t3.micro", "web-0"));
        lookup.byOviId.put("web-1", instance("i-2", "t3.small", "web-1"));
        List<Object> changes = List.of(Map.of("field", "size", "current", "t3.small", "desired", "t3.micro"));
        Recovery.Result r = recovery.resolve("r-next", List.of(
                executing("web-0", "update", Map.of("cloudId", "i-1", "changes", changes)),
                executing("web-1", "update", Map.of("cloudId", "i-2", "changes", changes)),
                executing("web-2", "update", Map.of("cloudId", "i-3"))));
        assertEquals("executed", r.resolved().get(0).type());
        assertEquals("failed", r.resolved().get(1).type());
        assertTrue(r.resolved().get(1).message().contains("size is t3.small, not t3.micro"), r.resolved().get(1)::message);
        assertEquals("failed", r.resolved().get(2).type(), "an updated resource that is gone did not get the update");
    }

    @Test
    void anUpdateTookEffectWhenAllButItsFixedFieldsAreAsWanted() {
        // a DB instance's encryption is never changed by an update (AWS cannot): it is no sign of a half-done one
        ResourceType rds = ResourceType.parse("rds").orElseThrow();
        Map<String, String> tags = Map.of("ovi:id", "db-0", "ovi:owner", "team-web", "ovi:managed", "true");
        Observation db = new Observation(rds, "us-east-1", "team-web-db-0", Map.of("size", "db.t3.micro",
                "storageEncrypted", "false"), tags);
        lookup.byOviId.put("db-0", db);
        List<Object> changes = List.of(Map.of("field", "size", "current", "db.t3.small", "desired", "db.t3.micro"),
                Map.of("field", "storageEncrypted", "current", "false", "desired", "true"));
        WalEntry e = new WalEntry(++seq, Instant.EPOCH, "r-crashed", "executing", "db-0", "update", "",
                Map.of("holder", "host-1", "fence", 1, "type", "rds", "region", "us-east-1", "cloudId", "team-web-db-0",
                        "changes", changes), "", "");

        Recovery.Result r = recovery.resolve("r-next", List.of(e));
        assertEquals("executed", r.resolved().get(0).type(), r.resolved().get(0)::message);

        ovi.model.Intent intent = new ovi.model.Intent(ovi.model.Action.UPDATE, "in-doubt", "db-0", rds, "us-east-1",
                "team-web-db-0", db.contentHash(), new ovi.model.DesiredResource("db-0", rds, "us-east-1",
                Map.of("size", "db.t3.micro", "storageEncrypted", "true"), Map.of()),
                List.of(new ovi.model.Change("size", "db.t3.small", "db.t3.micro"),
                        new ovi.model.Change("storageEncrypted", "false", "true")), "finishing", "r-crashed");
        assertEquals(List.of(), Recovery.undone(e, intent, Optional.of(db), "team-web", lookup),
                "nothing is left undone that an update could do");
    }

    @Test
    void aChangeIsMadeWhenItsComparablePartIsSoAValueNamingItsFileIsMadeOnceTheContentIs() {
        ResourceType t = SimpleDriftComparatorTest.PACKAGE;
        var change = new ovi.model.Change("content", "h1", "h2 /cfg/a.zip");
        assertTrue(Recovery.made(t, change, "h2"), "the content the file holds is there");
        assertFalse(Recovery.made(t, change, "h1"));
        assertFalse(Recovery.made(t, change, null));
        assertTrue(Recovery.made(t, new ovi.model.Change("tags.team", null, "web"), "web"));
    }

    @Test
    void aLookupThatFailsLeavesTheActionInDoubtAndAppendsNothingForIt() {
        lookup.byOviId.put("web-0", instance("i-1", "t3.micro", "web-0"));
        lookup.broken = "web-1";
        WalEntry stuck = executing("web-1", "create", Map.of());
        Recovery.Result r = recovery.resolve("r-next", List.of(executing("web-0", "create", Map.of()), stuck));

        assertFalse(r.complete());
        assertEquals(1, r.resolved().size());
        assertEquals(stuck, r.unresolved().get(0).executing());
        assertTrue(r.unresolved().get(0).reason().contains("cannot reach AWS"));
        assertEquals(1, wal.entries.size());
    }

    @Test
    void anExecutingEntryThatCannotBeReadStaysInDoubtSayingWhyAndNothingIsLookedUp() {
        WalEntry damaged = executing("web-0", "create", Map.of("fence", "one"));

        Recovery.Result r = recovery.resolve("r-next", List.of(damaged));

        assertFalse(r.complete());
        assertEquals("the executing entry (seq " + damaged.seq() + ") cannot be read: its data.fence is not a whole "
                + "number but text", r.unresolved().get(0).reason());
        assertEquals(List.of(), lookup.asked);
        assertEquals(List.of(), wal.entries);
    }

    @Test
    void theAppendedEntriesSettleTheActionsForInDoubt() {
        lookup.byOviId.put("web-0", instance("i-1", "t3.micro", "web-0"));
        WalEntry a = executing("web-0", "create", Map.of());
        WalEntry b = executing("web-1", "create", Map.of());
        recovery.resolve("r-next", List.of(a, b));

        InDoubt d = new InDoubt();
        d.accept(a);
        d.accept(b);
        wal.entries.forEach(d::accept);
        assertEquals(List.of(), d.entries());
    }

    private static Observation group(String cloudId, String oviId, String ingress) {
        return new Observation(SecurityGroupKind.TYPE, "us-east-1", cloudId, Map.of("groupName", "team-web-" + oviId,
                "vpc", "vpc-0123abcd", "description", "managed by ovi", "ingress", ingress, "egress", ""),
                Map.of("ovi:id", oviId, "ovi:owner", "team-web", "ovi:managed", "true"));
    }

    /** An executing entry as an apply writes it: with the deciding run, the declaration and the changes. */
    private static Map<String, Object> wanted(String ingress, List<Object> changes) {
        return Map.of("planRunId", "r-plan", "changes", changes, "desired", Map.of("attributes", Map.of(
                "groupName", "team-web-lb-0", "description", "managed by ovi", "ingress", ingress), "tags", Map.of()));
    }

    @Test
    void aCreateWhoseLaterCallsTheKindSaysAreLeftIsHalfDoneNotTakenEffect() {
        lookup.byOviId.put("lb-0", group("sg-0123abcd", "lb-0", ""));
        lookup.unfinished.put("lb-0", List.of("ingress lacks tcp 443 0.0.0.0/0"));
        WalEntry e = executing("lb-0", "create", Map.of("type", "security-group"));
        e = new WalEntry(e.seq(), e.time(), e.runId(), e.type(), e.resource(), e.action(), e.message(),
                merged(e.data(), wanted("tcp 443 0.0.0.0/0", List.of())), "", "");

        Recovery.Result r = recovery.resolve("r-next", List.of(e));

        WalEntry out = r.resolved().get(0);
        assertEquals("failed", out.type(), "recovery that only looks records it as half done");
        assertEquals("after a crash: the security group exists (sg-0123abcd) but ingress lacks tcp 443 0.0.0.0/0; the "
                + "create is half done", out.message());
    }

    @Test
    void anUpdateOfASetFieldIsCheckedElementByElementAndAFixedFieldIsNotWaitedOn() {
        lookup.byOviId.put("lb-0", group("sg-0123abcd", "lb-0", "tcp 443 0.0.0.0/0"));
        lookup.byOviId.put("lb-1", group("sg-0123abce", "lb-1", "tcp 22 0.0.0.0/0\ntcp 443 0.0.0.0/0"));
        List<Object> changes = List.of(
                Map.of("field", "ingress", "current", "tcp 22 0.0.0.0/0"),
                Map.of("field", "ingress", "desired", "tcp 443 0.0.0.0/0"),
                Map.of("field", "vpc", "current", "vpc-0123abcd", "desired", "vpc-0123abcf"));
        List<WalEntry> entries = new ArrayList<>();
        for (String id : List.of("lb-0", "lb-1")) {
            WalEntry e = executing(id, "update", Map.of("type", "security-group", "cloudId",
                    id.equals("lb-0") ? "sg-0123abcd" : "sg-0123abce"));
            entries.add(new WalEntry(e.seq(), e.time(), e.runId(), e.type(), e.resource(), e.action(), e.message(),
                    merged(e.data(), wanted("tcp 443 0.0.0.0/0", changes)), "", ""));
        }

        Recovery.Result r = recovery.resolve("r-next", entries);

        assertEquals("executed", r.resolved().get(0).type(), r.resolved().get(0)::message);
        assertEquals("after a crash: the security group exists (sg-0123abcd) as the update wanted, it took effect",
                r.resolved().get(0).message());
        assertEquals("failed", r.resolved().get(1).type());
        assertEquals("after a crash: the security group exists (sg-0123abce) but ingress still has tcp 22 0.0.0.0/0; "
                + "the update is half done", r.resolved().get(1).message());
    }

    private static Map<String, Object> merged(Map<String, Object> a, Map<String, Object> b) {
        Map<String, Object> out = new LinkedHashMap<>(a);
        out.putAll(b);
        return out;
    }
}

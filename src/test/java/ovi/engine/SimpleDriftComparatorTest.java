package ovi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ovi.aws.ec2.Ec2Kind;
import ovi.aws.rds.RdsKind;
import ovi.model.Change;
import ovi.model.DesiredResource;
import ovi.model.Diff;
import ovi.model.Observation;
import ovi.model.ResourceType;
import org.junit.jupiter.api.Test;

class SimpleDriftComparatorTest {
    static final String OWNER = "team-web";
    final SimpleDriftComparator comparator = new SimpleDriftComparator();

    static DesiredResource ec2(String id, String size, Map<String, String> tags) {
        return new DesiredResource(id, Ec2Kind.TYPE, "us-east-1", Map.of("size", size, "image", "ami-1"), tags);
    }

    static Observation instance(String cloudId, String size, Map<String, String> tags) {
        return new Observation(Ec2Kind.TYPE, "us-east-1", cloudId, Map.of("size", size, "image", "ami-2"), tags);
    }

    static Map<String, String> managed(String owner, String id, String... more) {
        Map<String, String> t = new HashMap<>(Map.of("ovi:managed", "true", "ovi:owner", owner, "ovi:id", id));
        for (int i = 0; i + 1 < more.length; i += 2) {
            t.put(more[i], more[i + 1]);
        }
        return t;
    }

    List<Diff> compare(List<DesiredResource> desired, List<Observation> observed, Set<String> blessed) {
        return comparator.compare(OWNER, desired, observed, blessed::contains);
    }

    @Test
    void aMatchingResourceHasNoDiffEvenWithExtraTagsAndAnotherImage() {
        var diffs = compare(List.of(ec2("web-0", "t3.micro", Map.of("team", "web"))),
                List.of(instance("i-1", "t3.micro", managed(OWNER, "web-0", "team", "web", "cost", "x"))), Set.of());
        assertEquals(List.of(), diffs);
    }

    @Test
    void aDeclaredResourceNotFoundIsMissing() {
        var diffs = compare(List.of(ec2("web-0", "t3.micro", Map.of())), List.of(), Set.of());
        assertInstanceOf(Diff.Missing.class, diffs.get(0));
        assertEquals("web-0", diffs.get(0).id());
    }

    @Test
    void sizeAndDeclaredTagsAreDriftWithFieldLevelChanges() {
        var diffs = compare(List.of(ec2("web-0", "t3.micro", Map.of("team", "web", "env", "prod"))),
                List.of(instance("i-1", "t3.large", managed(OWNER, "web-0", "team", "ops"))), Set.of());
        Diff.Drifted d = assertInstanceOf(Diff.Drifted.class, diffs.get(0));
        assertEquals(List.of(new Change("size", "t3.large", "t3.micro"), new Change("tags.env", null, "prod"),
                new Change("tags.team", "ops", "web")), d.changes().stream()
                .sorted(java.util.Comparator.comparing(Change::field)).toList());
        assertEquals("i-1", d.cloudId());
    }

    @Test
    void rdsEngineAndStorageAreCompared() {
        var want = new DesiredResource("db-0", RdsKind.TYPE, "us-east-1",
                Map.of("size", "db.t3.micro", "engine", "postgres", "storage", "20"), Map.of());
        var have = new Observation(RdsKind.TYPE, "us-east-1", "team-web-db-0",
                Map.of("size", "db.t3.micro", "engine", "mysql", "storage", "30"), managed(OWNER, "db-0"));
        Diff.Drifted d = assertInstanceOf(Diff.Drifted.class, compare(List.of(want), List.of(have), Set.of()).get(0));
        assertEquals(Set.of("engine", "storage"), Set.copyOf(d.changes().stream().map(Change::field).toList()));
    }

    @Test
    void aManagedResourceNoLongerDeclaredIsUnwanted() {
        var diffs = compare(List.of(), List.of(instance("i-9", "t3.micro", managed(OWNER, "old-0"))), Set.of());
        Diff.Unwanted u = assertInstanceOf(Diff.Unwanted.class, diffs.get(0));
        assertEquals("old-0", u.id());
        assertFalse(u.blessed());
    }

    @Test
    void blessedByTagOrByConfigListIsMarkedBlessed() {
        var byTag = instance("i-1", "t3.micro", managed(OWNER, "a-0", "ovi:blessed", "true"));
        var byId = instance("i-2", "t3.micro", managed(OWNER, "b-0"));
        var byCloudId = instance("i-3", "t3.micro", managed(OWNER, "c-0"));
        var diffs = compare(List.of(), List.of(byTag, byId, byCloudId), Set.of("b-0", "i-3"));
        assertEquals(3, diffs.size());
        assertTrue(diffs.stream().allMatch(Diff::blessed), diffs::toString);
    }

    @Test
    void anotherOwnersResourceIsUnmanagedNeverUnwanted() {
        var diffs = compare(List.of(), List.of(instance("i-5", "t3.micro", managed("team-data", "old-0"))), Set.of());
        Diff.Unmanaged u = assertInstanceOf(Diff.Unmanaged.class, diffs.get(0));
        assertEquals("i-5", u.id(), "unmanaged resources are named by their cloud id");
        assertTrue(u.reason().contains("team-data"));
    }

    @Test
    void anUntaggedResourceIsUnmanaged() {
        var diffs = compare(List.of(), List.of(instance("i-6", "t3.micro", Map.of("Name", "x"))), Set.of());
        assertInstanceOf(Diff.Unmanaged.class, diffs.get(0));
    }

    @Test
    void aSecondResourceWithTheSameIdIsAnUnwantedDuplicate() {
        var diffs = compare(List.of(ec2("web-0", "t3.micro", Map.of())),
                List.of(instance("i-b", "t3.micro", managed(OWNER, "web-0")),
                        instance("i-a", "t3.micro", managed(OWNER, "web-0"))), Set.of());
        Diff.Unwanted u = assertInstanceOf(Diff.Unwanted.class, diffs.get(0));
        assertEquals("i-b", u.cloudId(), "the lowest cloud id is kept, the other is the duplicate");
        assertEquals(1, diffs.size());
    }

    @Test
    void idsAreMatchedWithinATypeOnly() {
        var rdsWithEc2Id = new Observation(RdsKind.TYPE, "us-east-1", "x", Map.of(), managed(OWNER, "web-0"));
        var diffs = compare(List.of(ec2("web-0", "t3.micro", Map.of())), List.of(rdsWithEc2Id), Set.of());
        assertEquals(Set.of("missing", "unwanted"), Set.copyOf(diffs.stream().map(Diff::kind).toList()));
    }

    /** A reader whose values say where their content is ("<hash> <file>") and compare by the hash alone. */
    static final ovi.model.Field.Reader LOCATED = new ovi.model.Field.Reader() {
        @Override
        public String read(ovi.model.Field.Value v) {
            return v.text();
        }

        @Override
        public String comparable(String canonical) {
            return canonical.startsWith("upload:") ? null : canonical.split(" ", 2)[0];
        }
    };
    static final ResourceType PACKAGE = ResourceType.regional("package", "package", List.of(
            ovi.model.Field.compared("content", LOCATED)), Set.of());

    @Test
    void aValueNamingWhereItsContentIsComparesByItsComparablePartAndKeepsTheWholeValueInTheChange() {
        var same = compare(List.of(new DesiredResource("p-0", PACKAGE, "us-east-1", Map.of("content", "h1 /cfg/a.zip"),
                Map.of())), List.of(new Observation(PACKAGE, "us-east-1", "p", Map.of("content", "h1"),
                managed(OWNER, "p-0"))), Set.of());
        assertEquals(List.of(), same, "the same hash is no drift, whatever file it is read from");

        var other = compare(List.of(new DesiredResource("p-0", PACKAGE, "us-east-1", Map.of("content", "h2 /cfg/a.zip"),
                Map.of())), List.of(new Observation(PACKAGE, "us-east-1", "p", Map.of("content", "h1"),
                managed(OWNER, "p-0"))), Set.of());
        assertEquals(List.of(new Change("content", "h1", "h2 /cfg/a.zip")), other.get(0).changes(),
                "the change carries the whole declared value, so the updater knows where to read it");

        var unknown = compare(List.of(new DesiredResource("p-0", PACKAGE, "us-east-1", Map.of("content", "upload:b/k"),
                Map.of())), List.of(new Observation(PACKAGE, "us-east-1", "p", Map.of("content", "h1"),
                managed(OWNER, "p-0"))), Set.of());
        assertEquals(List.of(), unknown, "a value that cannot be compared is used at create only");
    }

    // ---- ignore rules ----

    static DesiredResource ignoring(DesiredResource d, String... fields) {
        return new DesiredResource(d.id(), d.type(), d.region(), d.attributes(), d.tags(),
                new java.util.TreeSet<>(List.of(fields)));
    }

    @Test
    void anIgnoredFieldAndTagNeverDriftButAreCountedAsIgnored() {
        var want = ignoring(ec2("web-0", "t3.micro", Map.of("CostCenter", "42", "team", "web")), "size", "tags.CostCenter");
        var have = instance("i-1", "t3.large", managed(OWNER, "web-0", "CostCenter", "99", "team", "web"));
        Comparison c = comparator.compare(OWNER, List.of(want), List.of(have), x -> false, List.of());
        assertEquals(List.of(), c.diffs());
        assertEquals(List.of(new ovi.model.Ignored("drifted", "web-0", Ec2Kind.TYPE, "us-east-1", "i-1",
                List.of("size: t3.large -> t3.micro", "tags.CostCenter: 99 -> 42"),
                "ignore: [size, tags.CostCenter]")), c.ignored());
    }

    @Test
    void theRestOfADriftedResourceIsStillAnUpdateWithoutTheIgnoredFields() {
        var want = ignoring(ec2("web-0", "t3.micro", Map.of("team", "web")), "size");
        var have = instance("i-1", "t3.large", managed(OWNER, "web-0", "team", "ops"));
        Comparison c = comparator.compare(OWNER, List.of(want), List.of(have), x -> false, List.of());
        Diff.Drifted d = assertInstanceOf(Diff.Drifted.class, c.diffs().get(0));
        assertEquals(List.of(new Change("tags.team", "ops", "web")), d.changes());
        assertEquals(1, c.ignored().size());
        // nothing the updater is handed names the ignored field
        assertEquals(ovi.model.Action.UPDATE, new SafeDecisionMaker(false, false).decide(c.diffs(), Set.of(), 1)
                .list().get(0).action());
    }

    @Test
    void anIgnoredFieldThatMatchesIsNotCountedAndAMissingResourceIsStillCreated() {
        var want = ignoring(ec2("web-0", "t3.micro", Map.of()), "size");
        Comparison same = comparator.compare(OWNER, List.of(want),
                List.of(instance("i-1", "t3.micro", managed(OWNER, "web-0"))), x -> false, List.of());
        assertEquals(List.of(), same.diffs());
        assertEquals(List.of(), same.ignored());
        Comparison missing = comparator.compare(OWNER, List.of(want), List.of(), x -> false, List.of());
        Diff.Missing m = assertInstanceOf(Diff.Missing.class, missing.diffs().get(0));
        assertEquals("t3.micro", m.desired().attribute("size"), "ignore is about drift only: create uses the field");
    }

    @Test
    void aTopLevelRuleSilencesExactlyTheUnmanagedResourcesItNames() {
        var rule = new ovi.model.IgnoreRule(Ec2Kind.TYPE, "us-east-1", "i-0ab*", null, null, null, "ignore[0]");
        var named = instance("i-0ab1", "t3.micro", Map.of("team", "old"));
        var otherId = instance("i-0cd1", "t3.micro", Map.of());
        var otherRegion = new Observation(Ec2Kind.TYPE, "eu-west-1", "i-0ab2", Map.of("size", "t3.micro"), Map.of());
        var otherType = new Observation(RdsKind.TYPE, "us-east-1", "i-0ab3", Map.of(), Map.of());
        var foreign = instance("i-0ab4", "t3.micro", managed("team-other", "x-0"));
        var unwanted = instance("i-0ab5", "t3.micro", managed(OWNER, "gone-0"));
        var drifted = instance("i-0ab6", "t3.large", managed(OWNER, "web-0"));
        Comparison c = comparator.compare(OWNER, List.of(ec2("web-0", "t3.micro", Map.of())),
                List.of(named, otherId, otherRegion, otherType, foreign, unwanted, drifted), x -> false, List.of(rule));
        assertEquals(List.of(new ovi.model.Ignored("unmanaged", "i-0ab1", Ec2Kind.TYPE, "us-east-1", "i-0ab1",
                List.of("not tagged ovi:managed=true with an ovi:id"), "ignore[0] {type: ec2, region: us-east-1, id: i-0ab*}")),
                c.ignored());
        // a managed resource's findings and another owner's resources are never silenced
        assertEquals(Set.of("unmanaged i-0cd1", "unmanaged i-0ab2", "unmanaged i-0ab3", "unmanaged i-0ab4",
                "unwanted gone-0", "drifted web-0"), Set.copyOf(c.diffs().stream().map(d -> d.kind() + " " + d.id()).toList()));
    }

    @Test
    void anIgnoredSetFieldLeavesOutEveryRuleAddedByHand() {
        var type = ovi.aws.securitygroup.SecurityGroupKind.TYPE;
        var want = new DesiredResource("lb-0", type, "us-east-1", Map.of("ingress", "tcp 443 0.0.0.0/0"), Map.of(),
                new java.util.TreeSet<>(List.of("ingress")));
        var have = new Observation(type, "us-east-1", "sg-1", Map.of("ingress", "tcp 22 0.0.0.0/0\ntcp 443 0.0.0.0/0"),
                managed(OWNER, "lb-0"));
        Comparison c = comparator.compare(OWNER, List.of(want), List.of(have), x -> false, List.of());
        assertEquals(List.of(), c.diffs());
        assertEquals(List.of("ingress: - tcp 22 0.0.0.0/0"), c.ignored().get(0).what());
    }
}

package ovi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import ovi.aws.ec2.Ec2Kind;
import ovi.aws.securitygroup.SecurityGroupKind;
import ovi.aws.sqs.SqsKind;
import ovi.config.ConfigWriter;
import ovi.model.Action;
import ovi.model.Decision;
import ovi.model.Declaration;
import ovi.model.Diff;
import ovi.model.Observation;
import ovi.model.Scope;
import org.junit.jupiter.api.Test;

class ImportUseCaseTest {
    static final String OWNER = "team-web";
    static final String SG_WEB = "sg-0123456789abcdef0";
    static final String SG_DB = "sg-0123456789abcdef1";
    static final String SG_ELSE = "sg-0000000000000aaaa";

    /** An observer that lists what it is given, in the scopes asked for. */
    static final class Listed implements ResourceObserver {
        final List<Observation> all = new ArrayList<>();
        final Set<Scope> failing = new java.util.HashSet<>();

        @Override
        public ObservationBatch observe(Set<Scope> scopes) {
            Map<Scope, String> failures = new HashMap<>();
            failing.stream().filter(scopes::contains).forEach(s -> failures.put(s, "access denied"));
            return new ObservationBatch(all.stream().filter(o -> scopes.contains(o.scope())
                    && !failures.containsKey(o.scope())).toList(), failures, scopes);
        }

        @Override
        public String account() {
            return "123456789012";
        }
    }

    static Observation instance(String id, String region, String name, String groups, Map<String, String> more) {
        Map<String, String> tags = new HashMap<>(more);
        if (name != null) {
            tags.put("Name", name);
        }
        return new Observation(Ec2Kind.TYPE, region, id, Map.of("size", "t3.micro", "image", "ami-12345678",
                "securityGroups", groups, "iamInstanceProfile", "", "monitoring", "false", "state", "running"), tags);
    }

    static Observation group(String id, String name, Map<String, String> tags) {
        return new Observation(SecurityGroupKind.TYPE, "us-east-1", id, Map.of("groupName", name, "vpc",
                "vpc-12345678", "description", "for " + name, "ingress", "", "egress", ""), tags);
    }

    static Observation queue(String name, Map<String, String> tags) {
        return new Observation(SqsKind.TYPE, "us-east-1", name, Map.of("fifo", "false", "visibilityTimeout", "30",
                "retention", "345600", "delay", "0", "maxMessageSize", "262144", "encryption", "sqs"), tags);
    }

    final Listed observer = new Listed();
    final List<String> progress = new ArrayList<>();

    ImportUseCase.Result run(ImportUseCase.Filter filter) {
        return new ImportUseCase(observer, c -> ConfigWriter.read(c).declaration(), progress::add).run(OWNER, filter);
    }

    static ImportUseCase.Filter all(String... regions) {
        return new ImportUseCase.Filter(Set.of(), List.of(regions), Map.of(), Set.of());
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> resources(ImportUseCase.Result r) {
        return (List<Map<String, Object>>) r.config().get("resources");
    }

    static Map<String, Object> byAdopt(ImportUseCase.Result r, String cloudId) {
        return resources(r).stream().filter(e -> cloudId.equals(e.get("adopt"))).findFirst().orElseThrow(
                () -> new AssertionError(cloudId + " not imported: " + r.config()));
    }

    void seed() {
        observer.all.add(group(SG_WEB, "web", Map.of("Name", "Web SG")));
        observer.all.add(group(SG_DB, "db", Map.of()));
        observer.all.add(instance("i-0000000000000000a", "us-east-1", "Web Server", SG_WEB, Map.of("team", "web")));
        observer.all.add(instance("i-0000000000000000b", "us-east-1", "Web Server", SG_WEB + "\n" + SG_DB,
                Map.of("team", "web")));
        observer.all.add(instance("i-0000000000000000c", "us-east-1", null, SG_ELSE, Map.of()));
        observer.all.add(queue("jobs", Map.of("team", "batch")));
        observer.all.add(queue("theirs", Map.of("ovi:managed", "true", "ovi:owner", "team-other", "ovi:id", "q-0")));
        observer.all.add(queue("ours", Map.of("ovi:managed", "true", "ovi:owner", OWNER, "ovi:id", "mine-0")));
    }

    @Test
    void namesComeFromNameTagsMadeValidAndToldApart() {
        seed();
        var r = run(all("us-east-1"));
        assertEquals("web-server", byAdopt(r, "i-0000000000000000a").get("name"));
        assertEquals("web-server-2", byAdopt(r, "i-0000000000000000b").get("name"));
        assertEquals("ec2-i-0000000000000000c", byAdopt(r, "i-0000000000000000c").get("name"));
        assertEquals("web-sg", byAdopt(r, SG_WEB).get("name"));
    }

    @Test
    void securityGroupsOfAnInstanceThatAreImportedAreWrittenAsReferences() {
        seed();
        var r = run(all("us-east-1"));
        assertEquals(List.of("web-sg"), byAdopt(r, "i-0000000000000000a").get("securityGroups"));
        assertEquals(Set.of("web-sg", SG_DB), Set.copyOf((List<?>) byAdopt(r, "i-0000000000000000b")
                .get("securityGroups")).stream().map(Object::toString).map(s -> s.equals(
                        byAdopt(r, SG_DB).get("name")) ? SG_DB : s).collect(Collectors.toSet()));
        // a group that is not imported stays its id
        assertEquals(List.of(SG_ELSE), byAdopt(r, "i-0000000000000000c").get("securityGroups"));
    }

    @Test
    void anotherOwnersResourceIsLeftOutAndThisOwnersIsDeclaredUnderItsName() {
        seed();
        var r = run(all("us-east-1"));
        assertTrue(resources(r).stream().noneMatch(e -> "theirs".equals(e.get("queue"))));
        assertTrue(r.notes().stream().anyMatch(n -> n.cloudId().equals("theirs") && n.message().contains("another config")),
                r.notes().toString());
        Map<String, Object> ours = resources(r).stream().filter(e -> "ours".equals(e.get("queue"))).findFirst()
                .orElseThrow();
        assertEquals("mine", ours.get("name"));
        assertFalse(ours.containsKey("adopt"));
        assertEquals(7, r.imported());
        assertEquals(6, r.adopt());
    }

    @Test
    void theConfigLoadsAndWithAdoptThePlanAdoptsEveryUntaggedResourceAndNothingElse() {
        seed();
        var r = run(all("us-east-1"));
        Declaration d = ConfigWriter.read(r.config()).declaration();
        var diffs = new SimpleDriftComparator().compare(OWNER, d.desired(), observer.all, x -> false, List.of()).diffs();
        List<Decision> decisions = new SafeDecisionMaker(false, false, true).decide(diffs, Set.of(), 1).list();
        Map<Action, Long> counts = decisions.stream().collect(Collectors.groupingBy(Decision::action,
                Collectors.counting()));
        assertEquals(Map.of(Action.ADOPT, 6L, Action.NOTIFY, 1L), counts, decisions.toString());
        assertTrue(decisions.stream().filter(x -> x.action() == Action.NOTIFY)
                .allMatch(x -> x.cloudId().equals("theirs")));
        decisions.stream().filter(x -> x.action() == Action.ADOPT)
                .forEach(x -> assertEquals(List.of(), ((Diff.Unadopted) x.diff()).drift(), x.toString()));
        // without --adopt the same is only notified
        assertTrue(new SafeDecisionMaker(false, false).decide(diffs, Set.of(), 1).list().stream()
                .noneMatch(x -> x.action().changes()));
    }

    @Test
    void onceTaggedThePlanIsClean() {
        seed();
        var r = run(all("us-east-1"));
        Declaration d = ConfigWriter.read(r.config()).declaration();
        var diffs = new SimpleDriftComparator().compare(OWNER, d.desired(), observer.all, x -> false, List.of()).diffs();
        List<Observation> tagged = new ArrayList<>();
        for (Observation o : observer.all) {
            Diff found = diffs.stream().filter(x -> x instanceof Diff.Unadopted && x.cloudId().equals(o.cloudId()))
                    .findFirst().orElse(null);
            if (found == null) {
                tagged.add(o);
                continue;
            }
            Map<String, String> tags = new HashMap<>(o.tags());
            found.changes().forEach(c -> tags.put(c.field().substring("tags.".length()), c.desired()));
            tagged.add(new Observation(o.type(), o.region(), o.cloudId(), o.attributes(), tags));
        }
        var after = new SimpleDriftComparator().compare(OWNER, d.desired(), tagged, x -> false, List.of()).diffs();
        assertEquals(List.of("theirs"), after.stream().map(Diff::cloudId).toList(), after.toString());
        assertEquals("unmanaged", after.get(0).kind());
    }

    @Test
    void filtersNarrowByKindRegionTagAndId() {
        seed();
        observer.all.add(instance("i-0000000000000000d", "eu-west-1", "Far", SG_ELSE, Map.of("team", "web")));
        var kinds = run(new ImportUseCase.Filter(Set.of(SqsKind.TYPE), List.of("us-east-1"), Map.of(), Set.of()));
        assertTrue(resources(kinds).stream().allMatch(e -> e.get("type").equals("sqs")), kinds.config().toString());
        var tag = run(new ImportUseCase.Filter(Set.of(), List.of("us-east-1", "eu-west-1"), Map.of("team", "web"),
                Set.of()));
        assertEquals(Set.of("i-0000000000000000a", "i-0000000000000000b", "i-0000000000000000d"),
                resources(tag).stream().map(e -> (String) e.get("adopt")).filter(java.util.Objects::nonNull)
                        .collect(Collectors.toSet()));
        assertEquals("eu-west-1", byAdopt(tag, "i-0000000000000000d").get("region"));
        var id = run(new ImportUseCase.Filter(Set.of(), List.of("us-east-1"), Map.of(), Set.of("jobs")));
        assertEquals(List.of("jobs"), resources(id).stream().map(e -> e.get("adopt")).filter(java.util.Objects::nonNull)
                .toList());
        var region = run(all("eu-west-1"));
        assertEquals(List.of("i-0000000000000000d"), resources(region).stream().map(e -> e.get("adopt")).toList());
    }

    @Test
    void thisOwnersResourcesOutsideTheFilterAreDeclaredSoApplyingTheConfigDeletesNothing() {
        seed();
        // a filter that would leave this owner's queue out: a config without it would have apply delete it
        var r = run(new ImportUseCase.Filter(Set.of(Ec2Kind.TYPE), List.of("us-east-1"), Map.of(), Set.of()));
        Map<String, Object> ours = resources(r).stream().filter(e -> "ours".equals(e.get("queue"))).findFirst()
                .orElseThrow(() -> new AssertionError(r.config().toString()));
        assertEquals("mine", ours.get("name"));
        assertEquals(List.of("ours"), r.kept().stream().map(ImportUseCase.Note::cloudId).toList());
        assertTrue(resources(r).stream().noneMatch(e -> "jobs".equals(e.get("adopt"))), r.config().toString());
        assertEquals(List.of(), r.undeclared());
        Declaration d = ConfigWriter.read(r.config()).declaration();
        var diffs = new SimpleDriftComparator().compare(OWNER, d.desired(), observer.all, x -> false, List.of()).diffs();
        assertTrue(diffs.stream().noneMatch(x -> x.kind().equals("unwanted")), diffs.toString());
    }

    @Test
    void thisOwnersResourceNoEntryCanDeclareIsSaidAsOneApplyWouldDelete() {
        observer.all.add(queue("second", Map.of("ovi:managed", "true", "ovi:owner", OWNER, "ovi:id", "pool-1")));
        observer.all.add(queue("jobs", Map.of()));
        var r = run(all("us-east-1"));
        assertEquals(List.of("second"), r.undeclared().stream().map(ImportUseCase.Note::cloudId).toList());
        assertTrue(r.undeclared().get(0).message().contains("delete"), r.undeclared().toString());
        assertEquals(List.of("jobs"), resources(r).stream().map(e -> e.get("adopt")).toList());
    }

    @Test
    void aScopeThatCannotBeReadWritesNothing() {
        seed();
        observer.failing.add(Scope.of(SqsKind.TYPE, "us-east-1"));
        OviException e = assertThrows(OviException.class, () -> run(all("us-east-1")));
        assertTrue(e.getMessage().contains("sqs/us-east-1"), e.getMessage());
    }

    @Test
    void aTagAConfigCannotHoldIsLeftOutWithANoteAndTheRestKept() {
        observer.all.add(queue("jobs", Map.of("ok", "yes", "bad", "a\"b\nc # d", "Name", "Jobs: main")));
        var r = run(all("us-east-1"));
        @SuppressWarnings("unchecked")
        Map<String, Object> tags = (Map<String, Object>) byAdopt(r, "jobs").get("tags");
        assertEquals(Map.of("ok", "yes", "Name", "Jobs: main"), tags);
        assertTrue(r.notes().stream().anyMatch(n -> n.message().contains("'bad'")), r.notes().toString());
        ConfigWriter.read(r.config());
    }

    @Test
    void aValueNoConfigCanGiveLeavesARequiredFieldsResourceOut() {
        // an instance type the config's pattern refuses: the resource is not written rather than drift
        observer.all.add(new Observation(Ec2Kind.TYPE, "us-east-1", "i-0000000000000000e", Map.of("size", "NOT A TYPE",
                "image", "ami-12345678", "securityGroups", SG_ELSE), Map.of()));
        var r = run(all("us-east-1"));
        assertEquals(0, r.imported());
        assertTrue(r.notes().stream().anyMatch(n -> n.message().contains("size")), r.notes().toString());
    }
}

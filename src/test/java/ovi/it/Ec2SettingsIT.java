package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import ovi.model.WalEntry;
import ovi.model.WalRecords;
import ovi.wal.ChronicleAuditLog;
import ovi.wal.InDoubt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.GroupIdentifier;
import software.amazon.awssdk.services.ec2.model.IamInstanceProfileAssociation;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceAttributeName;
import software.amazon.awssdk.services.ec2.model.Volume;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * The EC2 kind's launch settings against moto: each is launched as declared (checked with the plain SDK),
 * the compared ones (security groups, detailed monitoring, instance profile) changed by hand are drift that
 * apply puts back, and the create-only ones (subnet, key pair, user data, root volume) are never drift.
 *
 * <p>moto has no MonitorInstances or UnmonitorInstances (it answers them with an HTML error page), so ovi
 * talks to moto through a {@link FaultProxy} that stands in for those two: it sets moto's monitoring state
 * through ModifyInstanceAttribute, which moto applies to any attribute name, and answers as EC2 does. The
 * rest reaches moto unchanged.
 */
class Ec2SettingsIT {
    static final String IMAGE = "ami-12c6146b";
    static final String BOOT = "#!/bin/sh\necho 'hello from ovi' > /tmp/hello\n";

    @TempDir
    Path dir;
    Path config;
    Path state;
    Ec2Client ec2;
    IamClient iam;
    FaultProxy proxy;
    String subnet;
    String sgA;
    String sgB;
    String sgC;

    @BeforeEach
    void setUp() throws Exception {
        Moto.reset();
        ec2 = Moto.ec2(Moto.REGION);
        iam = Moto.client(IamClient.builder());
        String vpc = ec2.createVpc(b -> b.cidrBlock("10.20.0.0/16")).vpc().vpcId();
        subnet = ec2.createSubnet(b -> b.vpcId(vpc).cidrBlock("10.20.1.0/24")).subnet().subnetId();
        sgA = ec2.createSecurityGroup(b -> b.vpcId(vpc).groupName("web-a").description("a")).groupId();
        sgB = ec2.createSecurityGroup(b -> b.vpcId(vpc).groupName("web-b").description("b")).groupId();
        sgC = ec2.createSecurityGroup(b -> b.vpcId(vpc).groupName("hand").description("c")).groupId();
        ec2.createKeyPair(b -> b.keyName("ops"));
        iam.createInstanceProfile(b -> b.instanceProfileName("app-profile").path("/web/"));
        iam.createInstanceProfile(b -> b.instanceProfileName("other-profile"));
        Files.writeString(dir.resolve("boot.sh"), BOOT);
        config = dir.resolve("ovi.yaml");
        state = dir.resolve("state");
        Files.writeString(config, """
                version: v1
                provider: aws
                region: us-east-1
                owner: team-web
                resources:
                  - type: ec2
                    name: web
                    size: t3.micro
                    image: %s
                    subnet: %s
                    securityGroups: [%s, %s]
                    keyName: ops
                    iamInstanceProfile: app-profile
                    userData: {file: boot.sh}
                    rootVolume: {size: 20Gi, type: gp3}
                    monitoring: true
                    tags: {team: web}
                  - type: ec2
                    name: bare
                    size: t3.micro
                    image: %s
                    rootVolume: {}
                """.formatted(IMAGE, subnet, sgB, sgA, IMAGE));
        proxy = FaultProxy.start();
        proxy.on("ec2:MonitorInstances", -1, monitoring("MonitorInstances", "enabled", "pending"));
        proxy.on("ec2:UnmonitorInstances", -1, monitoring("UnmonitorInstances", "disabled", "disabling"));
    }

    @AfterEach
    void tearDown() {
        proxy.close();
        ec2.close();
        iam.close();
    }

    /** MonitorInstances or UnmonitorInstances, which moto lacks, made through what moto has. */
    FaultProxy.Fault monitoring(String operation, String motoState, String replyState) {
        return (exchange, request, p) -> {
            StringBuilder items = new StringBuilder();
            for (int n = 1; request.param("InstanceId." + n) != null; n++) {
                String id = request.param("InstanceId." + n);
                ec2.modifyInstanceAttribute(b -> b.instanceId(id).attribute("monitoringState").value(motoState));
                items.append("<item><instanceId>").append(id).append("</instanceId><monitoring><state>")
                        .append(replyState).append("</state></monitoring></item>");
            }
            FaultProxy.xml("<?xml version=\"1.0\" encoding=\"UTF-8\"?><" + operation + "Response xmlns=\"http://ec2."
                    + "amazonaws.com/doc/2016-11-15/\"><requestId>stand-in-" + operation + "</requestId><instancesSet>"
                    + items + "</instancesSet></" + operation + "Response>").answer(exchange, request, p);
        };
    }

    Cli.Result run(String verb, String... extra) {
        List<String> args = new ArrayList<>(List.of(extra));
        args.addAll(List.of("--endpoint-url", proxy.endpoint().toString()));
        return Cli.json(verb, config, state, args.toArray(String[]::new));
    }

    Instance instance(String oviId) {
        List<Instance> found = ec2.describeInstances(b -> b.filters(
                        Filter.builder().name("tag:ovi:id").values(oviId).build(),
                        Filter.builder().name("instance-state-name").values("pending", "running").build()))
                .reservations().stream().flatMap(r -> r.instances().stream()).toList();
        assertEquals(1, found.size(), "one live instance " + oviId);
        return found.get(0);
    }

    TreeSet<String> groups(Instance i) {
        return new TreeSet<>(i.securityGroups().stream().map(GroupIdentifier::groupId).toList());
    }

    /** The profile associated with the instance, as DescribeIamInstanceProfileAssociations says; null for none. */
    String association(String instanceId) {
        List<IamInstanceProfileAssociation> a = ec2.describeIamInstanceProfileAssociations(b -> b.filters(
                Filter.builder().name("instance-id").values(instanceId).build())).iamInstanceProfileAssociations();
        return a.isEmpty() ? null : a.get(0).iamInstanceProfile().arn();
    }

    Volume rootVolume(Instance i) {
        List<Volume> v = ec2.describeVolumes(b -> b.filters(Filter.builder().name("attachment.instance-id")
                .values(i.instanceId()).build())).volumes();
        assertEquals(1, v.size(), "one volume: the root");
        assertEquals(i.rootDeviceName(), v.get(0).attachments().get(0).device(), "on the image's root device");
        return v.get(0);
    }

    /** The field-level changes of the one drifted diff of {@code oviId}, as field:current:desired. */
    static List<String> changes(Cli.Result plan, String oviId) {
        List<String> out = new ArrayList<>();
        for (JsonNode d : plan.json().get("diffs")) {
            if (d.get("id").asText().equals(oviId)) {
                assertEquals("drifted", d.get("kind").asText(), d::toString);
                for (JsonNode c : d.get("changes")) {
                    out.add(c.get("field").asText() + ":" + (c.get("current").isNull() ? "-" : c.get("current").asText())
                            + ":" + (c.get("desired").isNull() ? "-" : c.get("desired").asText()));
                }
            }
        }
        return out;
    }

    @Test
    void everySettingIsLaunchedAsDeclared() {
        Cli.Result applied = run("apply");
        assertEquals(0, applied.code(), applied::toString);

        Instance web = instance("web-0");
        assertEquals(subnet, web.subnetId());
        assertEquals("ops", web.keyName());
        assertEquals(new TreeSet<>(List.of(sgA, sgB)), groups(web));
        assertEquals("enabled", web.monitoring().stateAsString());
        assertEquals("arn:aws:iam::123456789012:instance-profile/web/app-profile", association(web.instanceId()));
        String userData = ec2.describeInstanceAttribute(b -> b.instanceId(web.instanceId())
                .attribute(InstanceAttributeName.USER_DATA)).userData().value();
        assertEquals(BOOT, new String(Base64.getDecoder().decode(userData), StandardCharsets.UTF_8),
                "the file beside the config, base64-encoded once");
        Volume root = rootVolume(web);
        assertEquals(20, root.size());
        assertEquals("gp3", root.volumeTypeAsString());
        assertTrue(root.encrypted(), "encrypted unless declared otherwise");
        assertTrue(web.blockDeviceMappings().get(0).ebs().deleteOnTermination(), "goes with the instance");

        Instance bare = instance("bare-0");
        Volume bareRoot = rootVolume(bare);
        assertTrue(bareRoot.encrypted(), "rootVolume: {} is the image's root volume, encrypted");
        assertEquals(15, bareRoot.size(), "the image's own size (moto's images have 15 GiB roots)");
        assertEquals("disabled", bare.monitoring().stateAsString(), "monitoring left out: as AWS launches");

        // RunInstances is the one call that set them: no update followed the creates; the image is read once
        // per create that sets a root volume, for its root device's name and size
        assertEquals(2, proxy.requests("ec2:DescribeImages").size());
        assertEquals(List.of(), proxy.requests("ec2:ModifyInstanceAttribute"));
        assertEquals(List.of(), proxy.requests("ec2:MonitorInstances"));
        assertEquals(List.of(), proxy.requests("ec2:AssociateIamInstanceProfile"));
        Cli.Result again = run("plan", "--detailed-exitcode");
        assertEquals(0, again.code(), "as launched is as declared: " + again);
    }

    @Test
    void comparedSettingsChangedByHandAreDriftAndApplyPutsThemBack() {
        assertEquals(0, run("apply").code());
        String id = instance("web-0").instanceId();
        ec2.modifyInstanceAttribute(b -> b.instanceId(id).groups(sgA, sgC));
        // moto has no UnmonitorInstances: its monitoring state set as the stand-in does
        ec2.modifyInstanceAttribute(b -> b.instanceId(id).attribute("monitoringState").value("disabled"));
        String association = ec2.describeIamInstanceProfileAssociations(b -> b.filters(Filter.builder()
                .name("instance-id").values(id).build())).iamInstanceProfileAssociations().get(0).associationId();
        ec2.disassociateIamInstanceProfile(b -> b.associationId(association));

        int before = proxy.requests().size();
        Cli.Result drifted = run("plan", "--detailed-exitcode");
        assertEquals(2, drifted.code(), drifted::toString);
        // the security-group kind lists its groups with one more EC2 call; none is made per instance
        assertEquals(List.of("ec2:DescribeInstances", "ec2:DescribeSecurityGroups"), proxy.requests()
                .subList(before, proxy.requests().size()).stream().map(FaultProxy.Request::operation)
                .filter(op -> op.startsWith("ec2:")).sorted().toList(),
                "every compared setting comes with DescribeInstances: no call per instance");
        assertEquals(List.of("securityGroups:" + sgC + ":-", "securityGroups:-:" + sgB, "iamInstanceProfile::app-profile",
                "monitoring:false:true"), changes(drifted, "web-0"), drifted::toString);
        assertEquals(1, drifted.json().get("summary").get("update").asInt(), drifted::toString);

        Cli.Result applied = run("apply");
        assertEquals(0, applied.code(), applied::toString);
        Instance web = instance("web-0");
        assertEquals(new TreeSet<>(List.of(sgA, sgB)), groups(web), "the declared set, the hand-added group gone");
        assertEquals("enabled", web.monitoring().stateAsString());
        assertEquals("arn:aws:iam::123456789012:instance-profile/web/app-profile", association(id));
        var monitor = proxy.requests("ec2:MonitorInstances");
        assertEquals(1, monitor.size());
        assertEquals(id, monitor.get(0).param("InstanceId.1"));
        assertEquals(1, proxy.requests("ec2:AssociateIamInstanceProfile").size(), "none left to replace: associated");
        assertEquals(2, proxy.requests("ec2:RunInstances").size(), "the two creates of the first apply only");

        Cli.Result clean = run("plan", "--detailed-exitcode");
        assertEquals(0, clean.code(), clean::toString);
    }

    @Test
    void aProfileReplacedByHandIsReplacedBack() {
        assertEquals(0, run("apply").code());
        String id = instance("web-0").instanceId();
        String association = ec2.describeIamInstanceProfileAssociations(b -> b.filters(Filter.builder()
                .name("instance-id").values(id).build())).iamInstanceProfileAssociations().get(0).associationId();
        ec2.disassociateIamInstanceProfile(b -> b.associationId(association));
        ec2.associateIamInstanceProfile(b -> b.instanceId(id).iamInstanceProfile(p -> p.name("other-profile")));

        Cli.Result drifted = run("plan", "--detailed-exitcode");
        assertEquals(2, drifted.code(), drifted::toString);
        assertEquals(List.of("iamInstanceProfile:other-profile:app-profile"), changes(drifted, "web-0"));

        Cli.Result applied = run("apply");
        assertEquals(0, applied.code(), applied::toString);
        assertEquals(1, proxy.requests("ec2:ReplaceIamInstanceProfileAssociation").size(), applied::toString);
        assertEquals("arn:aws:iam::123456789012:instance-profile/web/app-profile", association(id));
        // moto's ReplaceIamInstanceProfileAssociation changes the association but not what DescribeInstances
        // says of the instance, so a plan against moto would still see other-profile; AWS reports both alike
    }

    @Test
    void settingsDeclaredOtherwiseAreChangedAndCreateOnlyOnesAreNeverDrift() throws Exception {
        assertEquals(0, run("apply").code());
        String id = instance("web-0").instanceId();
        Files.writeString(config, Files.readString(config)
                .replace("securityGroups: [" + sgB + ", " + sgA + "]", "securityGroups: [" + sgC + "]")
                .replace("iamInstanceProfile: app-profile", "iamInstanceProfile: false")
                .replace("monitoring: true", "monitoring: false")
                // none of these can change on an instance that exists: nothing is planned for them
                .replace("subnet: " + subnet, "subnet: subnet-0123456789abcdef0")
                .replace("keyName: ops", "keyName: someone-else")
                .replace("rootVolume: {size: 20Gi, type: gp3}", "rootVolume: {size: 40Gi, type: io2, iops: 4000}"));
        Files.writeString(dir.resolve("boot.sh"), "#!/bin/sh\necho changed\n");

        Cli.Result drifted = run("plan", "--detailed-exitcode");
        assertEquals(2, drifted.code(), drifted::toString);
        List<String> expected = new ArrayList<>();
        new TreeSet<>(List.of(sgA, sgB)).forEach(g -> expected.add("securityGroups:" + g + ":-"));
        expected.addAll(List.of("securityGroups:-:" + sgC, "iamInstanceProfile:app-profile:", "monitoring:true:false"));
        assertEquals(expected, changes(drifted, "web-0"), drifted::toString);
        Cli.Result shown = Cli.run("plan", "-c", config.toString(), "--state-dir", state.toString(), "-q",
                "--endpoint-url", proxy.endpoint().toString());
        assertTrue(shown.out().contains("iamInstanceProfile: app-profile -> (none)"), shown::toString);

        Cli.Result applied = run("apply");
        assertEquals(0, applied.code(), applied::toString);
        Instance web = instance("web-0");
        assertEquals(new TreeSet<>(List.of(sgC)), groups(web));
        assertEquals("disabled", web.monitoring().stateAsString());
        assertEquals(null, association(id), "disassociated");
        assertEquals(1, proxy.requests("ec2:UnmonitorInstances").size());
        assertEquals(1, proxy.requests("ec2:DisassociateIamInstanceProfile").size());
        assertEquals(subnet, web.subnetId(), "create-only: as launched");
        assertEquals("ops", web.keyName(), "create-only: as launched");
        assertEquals(20, rootVolume(web).size(), "create-only: as launched");
        assertEquals(0, run("plan", "--detailed-exitcode").code());
    }

    /**
     * kill -9 between two calls of one update of several settings (tags | groups | profile | monitoring): the
     * next apply finds what is left, finishes it by carrying the same update out again (each call sets its
     * setting from where the instance stands), records it executed, and the next plan is clean.
     */
    @ParameterizedTest(name = "killed before call {0}")
    @ValueSource(ints = {2, 3, 4})
    void anUpdateOfSeveralSettingsCutOffByACrashIsFinishedByTheNextApply(int call) throws Exception {
        assertEquals(0, run("apply").code());
        String id = instance("web-0").instanceId();
        ec2.createTags(b -> b.resources(id).tags(t -> t.key("team").value("hand")));
        ec2.modifyInstanceAttribute(b -> b.instanceId(id).groups(sgC));
        ec2.disassociateIamInstanceProfile(b -> b.associationId(ec2.describeIamInstanceProfileAssociations(r -> r.filters(
                Filter.builder().name("instance-id").values(id).build())).iamInstanceProfileAssociations().get(0)
                .associationId()));
        ec2.modifyInstanceAttribute(b -> b.instanceId(id).attribute("monitoringState").value("disabled"));

        String point = "before-call:web-0:" + call;
        Process p = Cli.process(List.of("-Dovi.crashpoint=" + point), "apply", "-c", config.toString(), "--state-dir",
                state.toString(), "--auto-approve", "--instance-id", "doomed", "--claim-ttl", "2s", "--concurrency", "1",
                "--endpoint-url", proxy.endpoint().toString()).redirectOutput(dir.resolve("doomed.out").toFile()).start();
        Cli.awaitLine(p, "crash point " + point + " reached");
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, Cli.run("status", "--state-dir", state.toString(), "--check", "-q").code(),
                "a half-done update fails the health check");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Cli.run("status", "--state-dir", state.toString(), "-o", "json").json().get("claims").isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "the killed run's claim never lapsed");
            Thread.sleep(200);
        }

        Cli.Result second = run("apply");
        assertEquals(0, second.code(), second::toString);
        List<WalEntry> wal = new ArrayList<>();
        try (ChronicleAuditLog log = ChronicleAuditLog.open(state.resolve("wal"))) {
            log.readAll(wal::add);
            assertEquals(List.of(), InDoubt.in(log));
        }
        WalEntry settled = wal.stream().filter(e -> e.data().get(WalRecords.RESOLVES_SEQ) != null).findFirst()
                .orElseThrow(() -> new AssertionError("no resolution: " + wal));
        assertEquals("executed", settled.type(), settled::toString);
        assertEquals(true, settled.data().get("rolledForward"), settled::toString);

        Instance web = instance("web-0");
        assertEquals(new TreeSet<>(List.of(sgA, sgB)), groups(web));
        assertEquals("enabled", web.monitoring().stateAsString());
        assertEquals("arn:aws:iam::123456789012:instance-profile/web/app-profile", association(id));
        assertTrue(web.tags().stream().anyMatch(t -> t.key().equals("team") && t.value().equals("web")));
        assertEquals(1, proxy.requests("ec2:AssociateIamInstanceProfile").size(),
                "associated once: the update carried out again finds it associated");
        Cli.Result clean = run("plan", "--detailed-exitcode");
        assertEquals(0, clean.code(), "converged after the crash: " + clean);
    }

    @Test
    void aRootVolumeSmallerThanTheImagesIsRefusedBeforeLaunching() throws Exception {
        Files.writeString(config, Files.readString(config).replace("rootVolume: {}", "rootVolume: {size: 8Gi}"));
        Cli.Result applied = run("apply");
        assertEquals(3, applied.code(), applied::toString);
        assertTrue(applied.out().contains("rootVolume size 8 GiB is smaller than " + IMAGE + "'s root snapshot of 15 GiB"),
                applied::toString);
        assertEquals(1, proxy.requests("ec2:RunInstances").size(), "web-0 launched, bare-0 not: " + applied);
        assertNotNull(instance("web-0"));
    }

    /**
     * An instance naming a declared security group by its config name: the plan shows the group as known
     * after create and orders the instance after the group; apply creates the group first and launches the
     * instance with the group's new id; the next plan compares the name as that id, so it is clean.
     */
    @Test
    void anInstanceNamingADeclaredSecurityGroupIsLaunchedInItAfterItIsCreated() throws Exception {
        String vpc = ec2.describeSubnets(b -> b.subnetIds(subnet)).subnets().get(0).vpcId();
        Files.writeString(config, """
                version: v1
                provider: aws
                region: us-east-1
                owner: team-web
                resources:
                  - type: security-group
                    name: web-sg
                    vpc: %s
                    ingress:
                      - {protocol: tcp, port: 443, cidr: 0.0.0.0/0}
                  - type: ec2
                    name: web
                    size: t3.micro
                    image: %s
                    subnet: %s
                    securityGroups: [web-sg, %s]
                """.formatted(vpc, IMAGE, subnet, sgC));

        Cli.Result planned = run("plan");
        assertEquals(0, planned.code(), planned::toString);
        JsonNode create = null;
        for (JsonNode d : planned.json().get("decisions")) {
            if (d.get("id").asText().equals("web-0")) {
                create = d;
            }
        }
        assertNotNull(create, planned::toString);
        assertEquals("create", create.get("action").asText());
        assertEquals("[\"web-sg-0\"]", create.get("after").toString(), "the instance waits for its group");

        Cli.Result applied = run("apply");
        assertEquals(0, applied.code(), applied::toString);
        String group = ec2.describeSecurityGroups(b -> b.filters(Filter.builder().name("tag:ovi:id").values("web-sg-0")
                .build())).securityGroups().get(0).groupId();
        assertEquals(new TreeSet<>(List.of(group, sgC)), groups(instance("web-0")),
                "launched in the group made just before it, and the one named by id");
        var runs = proxy.requests("ec2:RunInstances");
        var creates = proxy.requests("ec2:CreateSecurityGroup");
        assertEquals(1, runs.size());
        assertEquals(1, creates.size());
        assertTrue(proxy.requests().indexOf(creates.get(0)) < proxy.requests().indexOf(runs.get(0)),
                "the group is created before the instance is launched");

        Cli.Result clean = run("plan", "--detailed-exitcode");
        assertEquals(0, clean.code(), "the name compares as the group's id: " + clean);

        // a group put on by hand in place of the declared one: the name is what apply puts back
        String id = instance("web-0").instanceId();
        ec2.modifyInstanceAttribute(b -> b.instanceId(id).groups(sgC));
        Cli.Result drifted = run("plan", "--detailed-exitcode");
        assertEquals(2, drifted.code(), drifted::toString);
        assertEquals(List.of("securityGroups:-:" + group), changes(drifted, "web-0"));
        assertEquals(0, run("apply").code());
        assertEquals(new TreeSet<>(List.of(group, sgC)), groups(instance("web-0")));
    }
}

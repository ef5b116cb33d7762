package ovi.aws.securitygroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import ovi.config.ConfigException;
import ovi.config.ConfigLoader;
import ovi.config.OviConfig;
import ovi.model.DesiredResource;
import ovi.model.Field;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.Ipv6Range;
import software.amazon.awssdk.services.ec2.model.PrefixListId;
import software.amazon.awssdk.services.ec2.model.UserIdGroupPair;

/** The rule reader (every form, its one text, every refusal) and rules as AWS reports them. */
class RuleTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** One rule as the config writes it (a YAML flow mapping), read as the reader gets it. */
    private static String read(String yaml) {
        return Rule.read(value(yaml));
    }

    private static Field.Value value(String yaml) {
        try {
            Object tree = YAML.readValue(yaml, Object.class);
            return Field.Value.of(longs(tree));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The config hands readers whole numbers as Long, as Field.Value.of expects. */
    private static Object longs(Object tree) {
        if (tree instanceof Integer i) {
            return i.longValue();
        }
        if (tree instanceof Map<?, ?> m) {
            Map<Object, Object> out = new java.util.LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k, longs(v)));
            return out;
        }
        if (tree instanceof List<?> l) {
            return l.stream().map(RuleTest::longs).toList();
        }
        return tree;
    }

    private static String refused(String yaml) {
        return assertThrows(IllegalArgumentException.class, () -> read(yaml)).getMessage();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{protocol: tcp, port: 22, cidr: 0.0.0.0/0}                 | tcp 22 0.0.0.0/0",
        "{protocol: TCP, port: 22, cidr: 10.1.0.0/16}               | tcp 22 10.1.0.0/16",
        "{protocol: 6, port: 443, cidr: 203.0.113.7/32}             | tcp 443 203.0.113.7/32",
        "{protocol: tcp, ports: 8000-8080, ipv6Cidr: '::/0'}        | tcp 8000-8080 ::/0",
        "{protocol: tcp, ports: 443-443, cidr: 0.0.0.0/0}           | tcp 443 0.0.0.0/0",
        "{protocol: tcp, ports: 0-65535, cidr: 0.0.0.0/0}           | tcp 0-65535 0.0.0.0/0",
        "{protocol: tcp, ports: 8080, cidr: 0.0.0.0/0}              | tcp 8080 0.0.0.0/0",
        "{protocol: udp, port: 53, ipv6Cidr: '2001:DB8:0:0::/32'}   | udp 53 2001:db8::/32",
        "{protocol: 17, port: 53, prefixList: pl-0123456789abcdef0} | udp 53 pl-0123456789abcdef0",
        "{protocol: tcp, port: 443, from: sg-0123456789abcdef0}     | tcp 443 sg-0123456789abcdef0",
        "{protocol: tcp, port: 443, from: sg-0a1b2c3d}              | tcp 443 sg-0a1b2c3d",
        "{protocol: tcp, port: 443, from: lb-sg}                    | tcp 443 @{lb-sg}",
        "{protocol: all, cidr: 0.0.0.0/0}                           | all 0.0.0.0/0",
        "{protocol: -1, ipv6Cidr: '::/0'}                           | all ::/0",
        "{protocol: '-1', from: web}                                | all @{web}",
        "{protocol: icmp, cidr: 10.0.0.0/8}                         | icmp 10.0.0.0/8",
        "{protocol: 1, icmpType: 8, cidr: 10.0.0.0/8}               | icmp 8 10.0.0.0/8",
        "{protocol: icmp, icmpType: 3, icmpCode: 4, cidr: 10.0.0.0/8} | icmp 3/4 10.0.0.0/8",
        "{protocol: icmpv6, icmpType: 128, ipv6Cidr: 'fe80::/10'}   | icmpv6 128 fe80::/10",
        "{protocol: 58, ipv6Cidr: '2001:db8:0:1:0:0:0:0/64'}        | icmpv6 2001:db8:0:1::/64",
        "{protocol: 50, cidr: 10.0.0.0/8}                           | 50 10.0.0.0/8",
        "{protocol: '47', cidr: 10.0.0.0/8}                         | 47 10.0.0.0/8",
    })
    void everyFormReadsAsItsOneText(String yaml, String text) {
        assertEquals(text, read(yaml));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "'tcp 22'                                     | a rule is a mapping such as {protocol: tcp, port: 443, cidr: 0.0.0.0/0}, not 'tcp 22'",
        "{protocol: tcp, port: 22, cidr: 0.0.0.0/0, to: x} | unknown rule key 'to'; a rule has protocol, port or ports, icmpType and icmpCode, and one of cidr, ipv6Cidr, from or prefixList",
        "{port: 22, cidr: 0.0.0.0/0}                  | a rule needs a protocol: tcp, udp, icmp, icmpv6, all (or -1), or a protocol number from 0 to 255",
        "{protocol: sctp, cidr: 0.0.0.0/0}            | 'sctp' is not a protocol; expected tcp, udp, icmp, icmpv6, all (or -1), or a protocol number from 0 to 255",
        "{protocol: 256, cidr: 0.0.0.0/0}             | '256' is not a protocol; expected tcp, udp, icmp, icmpv6, all (or -1), or a protocol number from 0 to 255",
        "{protocol: tcp, cidr: 0.0.0.0/0}             | a tcp rule needs port (443) or ports (8000-8080; 0-65535 for every port)",
        "{protocol: tcp, port: 22, ports: 22-23, cidr: 0.0.0.0/0} | give port or ports, not both",
        "{protocol: tcp, port: 70000, cidr: 0.0.0.0/0} | port is a whole number from 0 to 65535, not integer 70000",
        "{protocol: tcp, port: '22', cidr: 0.0.0.0/0} | port is a whole number from 0 to 65535, not '22'",
        "{protocol: udp, ports: 9000-8000, cidr: 0.0.0.0/0} | ports is a range such as 8000-8080 (0 to 65535, the lower first), not '9000-8000'",
        "{protocol: udp, ports: 1-70000, cidr: 0.0.0.0/0} | ports is a range such as 8000-8080 (0 to 65535, the lower first), not '1-70000'",
        "{protocol: all, port: 22, cidr: 0.0.0.0/0}   | protocol all covers every port: leave out port and ports",
        "{protocol: icmp, port: 8, cidr: 0.0.0.0/0}   | an icmp rule takes icmpType (and icmpCode), not port or ports",
        "{protocol: 50, ports: 1-2, cidr: 0.0.0.0/0}  | protocol 50 is allowed on every port: leave out port and ports",
        "{protocol: tcp, port: 22, icmpType: 8, cidr: 0.0.0.0/0} | icmpType and icmpCode are for icmp and icmpv6 rules, not tcp",
        "{protocol: icmp, icmpCode: 0, cidr: 0.0.0.0/0} | icmpCode needs icmpType",
        "{protocol: icmp, icmpType: 300, cidr: 0.0.0.0/0} | icmpType is a whole number from 0 to 255, not integer 300",
        "{protocol: tcp, port: 22}                    | a rule needs one source: cidr, ipv6Cidr, from (a security group) or prefixList",
        "{protocol: tcp, port: 22, cidr: 0.0.0.0/0, from: web} | a rule has one source, not cidr and from; write one rule for each",
        "{protocol: tcp, port: 22, cidr: 10.0.0.1/8}  | '10.0.0.1/8' has host bits set: its network is 10.0.0.0/8",
        "{protocol: tcp, port: 22, cidr: 10.0.0.0}    | '10.0.0.0' is not an IPv4 CIDR such as 10.0.0.0/16 or 203.0.113.7/32",
        "{protocol: tcp, port: 22, cidr: 10.0.0.256/32} | '10.0.0.256/32' is not an IPv4 CIDR: each of its four numbers is 0 to 255, without leading zeros",
        "{protocol: tcp, port: 22, cidr: 10.0.0.01/32} | '10.0.0.01/32' is not an IPv4 CIDR: each of its four numbers is 0 to 255, without leading zeros",
        "{protocol: tcp, port: 22, cidr: 10.0.0.0/33} | '10.0.0.0/33' has a prefix length outside 0 to 32",
        "{protocol: tcp, port: 22, cidr: '::/0'}      | '::/0' is an IPv6 CIDR: give it as ipv6Cidr",
        "{protocol: tcp, port: 22, cidr: 5}           | cidr is a string, not integer 5",
        "{protocol: tcp, port: 22, ipv6Cidr: 0.0.0.0/0} | '0.0.0.0/0' is an IPv4 CIDR: give it as cidr",
        "{protocol: tcp, port: 22, ipv6Cidr: '2001:db8::1/32'} | '2001:db8::1/32' has host bits set: its network is 2001:db8::/32",
        "{protocol: tcp, port: 22, ipv6Cidr: '2001:db8:::1/64'} | '2001:db8:::1/64' is not an IPv6 CIDR such as ::/0 or 2001:db8::/32",
        "{protocol: tcp, port: 22, ipv6Cidr: 'example.com:80/64'} | 'example.com:80/64' is not an IPv6 CIDR such as ::/0 or 2001:db8::/32",
        "{protocol: tcp, port: 22, ipv6Cidr: '::ffff:10.0.0.0/104'} | '::ffff:10.0.0.0/104' is an IPv4 address written as IPv6: give it as cidr",
        "{protocol: tcp, port: 22, ipv6Cidr: '::/129'} | '::/129' has a prefix length outside 0 to 128",
        "{protocol: tcp, port: 22, from: 5}           | from: expected a security group id such as sg-0123456789abcdef0 or the name of a declared resource, got integer 5",
        "{protocol: tcp, port: 22, from: Web_SG}      | from: 'Web_SG' is neither a security group id such as sg-0123456789abcdef0 nor the name of a declared resource",
        "{protocol: tcp, port: 22, prefixList: pl-xyz} | 'pl-xyz' is not a prefix list id such as pl-0123456789abcdef0",
    })
    void everyMistakeIsSaidPlainly(String yaml, String message) {
        assertEquals(message, refused(yaml));
    }

    @Test
    void aRuleOfANamedGroupIsAReferenceToken() {
        assertEquals("tcp 443 @{lb-sg}", read("{protocol: tcp, port: 443, from: lb-sg}"));
        assertEquals("@{lb-sg}", Rule.parse("tcp 443 @{lb-sg}").source());
        assertThrows(IllegalStateException.class, () -> Rule.parse("tcp 443 @{lb-sg}").permission(),
                "an unresolved rule is never sent to AWS");
    }

    @Test
    void eachCidrGroupAndPrefixListOfAnIpPermissionIsARuleOfItsOwn() {
        IpPermission p = IpPermission.builder().ipProtocol("tcp").fromPort(443).toPort(443)
                .ipRanges(IpRange.builder().cidrIp("0.0.0.0/0").build(), IpRange.builder().cidrIp("10.0.0.0/8").build())
                .ipv6Ranges(Ipv6Range.builder().cidrIpv6("2001:DB8::/32").build())
                .userIdGroupPairs(UserIdGroupPair.builder().groupId("sg-0a1b2c3d").userId("123456789012").build())
                .prefixListIds(PrefixListId.builder().prefixListId("pl-0a1b2c3d").build()).build();
        assertEquals(List.of("tcp 443 0.0.0.0/0", "tcp 443 10.0.0.0/8", "tcp 443 2001:db8::/32", "tcp 443 sg-0a1b2c3d",
                "tcp 443 pl-0a1b2c3d"), Rule.of(p));
    }

    @ParameterizedTest(name = "{0} {1}-{2}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        "tcp    | 22    | 22    | tcp 22 0.0.0.0/0",
        "6      | 8000  | 8080  | tcp 8000-8080 0.0.0.0/0",
        "udp    | 0     | 65535 | udp 0-65535 0.0.0.0/0",
        "-1     | null  | null  | all 0.0.0.0/0",
        "icmp   | -1    | -1    | icmp 0.0.0.0/0",
        "icmp   | 8     | -1    | icmp 8 0.0.0.0/0",
        "1      | 3     | 4     | icmp 3/4 0.0.0.0/0",
        "icmpv6 | -1    | -1    | icmpv6 0.0.0.0/0",
        "58     | 128   | 0     | icmpv6 128/0 0.0.0.0/0",
        "50     | null  | null  | 50 0.0.0.0/0",
        "50     | -1    | -1    | 50 0.0.0.0/0",
    })
    void anObservedPermissionReadsAsTheDeclaredRuleWouldBeWritten(String protocol, String from, String to, String text) {
        IpPermission p = IpPermission.builder().ipProtocol(protocol).fromPort(from == null ? null : Integer.valueOf(from))
                .toPort(to == null ? null : Integer.valueOf(to)).ipRanges(IpRange.builder().cidrIp("0.0.0.0/0").build())
                .build();
        assertEquals(List.of(text), Rule.of(p));
    }

    /** What ovi sends to authorize a declared rule is what AWS reports back for it: one text both ways. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "tcp 22 0.0.0.0/0", "tcp 8000-8080 ::/0", "udp 53 pl-0123456789abcdef0", "tcp 443 sg-0123456789abcdef0",
        "all 0.0.0.0/0", "all 2001:db8::/32", "icmp 0.0.0.0/0", "icmp 8 0.0.0.0/0", "icmp 3/4 10.0.0.0/8",
        "icmpv6 128 ::/0", "50 10.0.0.0/8",
    })
    void aRuleSentAndReportedBackIsTheSameRule(String text) {
        assertEquals(List.of(text), Rule.of(Rule.parse(text).permission()));
    }

    @Test
    void theSdkIsGivenMinusOneForAllAndForEveryIcmpType() {
        assertEquals("-1", Rule.parse("all 0.0.0.0/0").permission().ipProtocol());
        assertNull(Rule.parse("all 0.0.0.0/0").permission().fromPort());
        IpPermission icmp = Rule.parse("icmp 0.0.0.0/0").permission();
        assertEquals(List.of(-1, -1), List.of(icmp.fromPort(), icmp.toPort()));
        IpPermission range = Rule.parse("tcp 8000-8080 sg-0a1b2c3d").permission();
        assertEquals(List.of(8000, 8080), List.of(range.fromPort(), range.toPort()));
        assertEquals("sg-0a1b2c3d", range.userIdGroupPairs().get(0).groupId());
    }

    @Test
    void ipv6CidrsAreWrittenAsRfc5952Does() {
        assertEquals("::/0", Cidrs.ipv6("0:0:0:0:0:0:0:0/0"));
        assertEquals("2001:db8::1:0:0:1/128", Cidrs.ipv6("2001:db8:0:0:1:0:0:1/128"), "the first longest run of zeros");
        assertEquals("2001:0:0:1::/64", Cidrs.ipv6("2001:0:0:1:0:0:0:0/64"));
        assertEquals("2001:db8:0:1:1:1:1:1/128", Cidrs.ipv6("2001:db8::1:1:1:1:1/128"), "one zero group is not ::");
        assertEquals("2001:DB8::/32x", Cidrs.observed("2001:DB8::/32x", true), "an unreadable observed CIDR stays as it came");
    }

    // ---- through the config, as a user writes it ----

    private static final String HEADER = """
            version: v1
            provider: aws
            region: us-east-1
            owner: team-web
            resources:
            """;

    private static Map<String, DesiredResource> load(String resources) throws ConfigException {
        OviConfig c = ConfigLoader.parse(HEADER + resources, Path.of("ovi.yaml"));
        Map<String, DesiredResource> out = new java.util.TreeMap<>();
        c.desired().forEach(d -> out.put(d.id(), d));
        return out;
    }

    @Test
    void aGroupLeftBareHasItsDefaultsNoIngressAndEgressNotCompared() throws ConfigException {
        DesiredResource d = load("""
                  - type: security-group
                    name: web
                """).get("web-0");
        assertEquals("team-web-web-0", d.attribute("groupName"));
        assertEquals("managed by ovi", d.attribute("description"));
        assertEquals("", d.attribute("ingress"), "no ingress declared is no ingress");
        assertNull(d.attribute("egress"), "egress left out is not compared: AWS's allow-all stays");
        assertNull(d.attribute("vpc"), "the default VPC, not compared");
    }

    @Test
    void rulesNamingADeclaredGroupBecomeTokensForItsOviId() throws ConfigException {
        Map<String, DesiredResource> all = load("""
                  - type: security-group
                    name: lb
                    vpc: vpc-0a1b2c3d
                    description: the load balancer
                    ingress:
                      - {protocol: tcp, port: 443, cidr: 0.0.0.0/0}
                      - {protocol: tcp, port: 443, ipv6Cidr: "::/0"}
                  - type: security-group
                    name: app
                    groupName: app servers
                    ingress:
                      - {protocol: tcp, ports: 8000-8080, from: lb}
                      - {protocol: tcp, port: 22, from: sg-0a1b2c3d}
                    egress: []
                """);
        assertEquals("tcp 443 0.0.0.0/0\ntcp 443 ::/0", all.get("lb-0").attribute("ingress"));
        assertEquals("vpc-0a1b2c3d", all.get("lb-0").attribute("vpc"));
        assertEquals("tcp 22 sg-0a1b2c3d\ntcp 8000-8080 @{lb-0}", all.get("app-0").attribute("ingress"));
        assertEquals("", all.get("app-0").attribute("egress"), "egress: [] is no egress at all, compared");
        assertEquals("app servers", all.get("app-0").attribute("groupName"));
        assertEquals(java.util.Set.of("lb-0"), all.get("app-0").references());
    }

    @Test
    void aRuleNamingNoDeclaredGroupOrAnotherKindIsAConfigProblemAtItsLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("""
                  - type: security-group
                    name: app
                    ingress:
                      - {protocol: tcp, port: 443, from: lb}
                  - type: sqs
                    name: jobs
                  - type: security-group
                    name: db
                    ingress:
                      - {protocol: tcp, port: 5432, from: jobs}
                      - {protocol: tcp, port: 5432, cidr: 10.0.0.1/8}
                """));
        String m = e.getMessage();
        assertTrue(m.contains("ovi.yaml:9:7: resources[0].ingress: 'lb' is not a declared resource"), m);
        assertTrue(m.contains("resources[2].ingress: item 2: '10.0.0.1/8' has host bits set: its network is 10.0.0.0/8"), m);
    }

    @Test
    void aNameOrDescriptionAwsWouldRefuseIsAConfigProblem() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("""
                  - type: security-group
                    name: a
                    groupName: sg-web
                  - type: security-group
                    name: b
                    description: "caf\u00e9"
                  - type: security-group
                    name: c
                    vpc: default
                """));
        String m = e.getMessage();
        assertTrue(m.contains("resources[0].groupName: 'sg-web' is not valid; expected a group name of 1 to 255"), m);
        assertTrue(m.contains("resources[1].description: 'caf\u00e9' is not valid"), m);
        assertTrue(m.contains("resources[2].vpc: 'default' is not valid; expected a VPC id such as vpc-0123456789abcdef0"),
                m);
    }

    @Test
    void aDefaultNameThatWouldLookLikeAGroupIdIsPrefixed() {
        assertEquals("ovi-sg-team-web-0", SecurityGroupKind.DEFAULT_NAME.apply("sg-team", "web-0"));
        assertEquals("team-web-0", SecurityGroupKind.DEFAULT_NAME.apply("team", "web-0"));
    }

    @Test
    void everyCanonicalRuleHasAMappingThatReadsBackAsIt() {
        for (String text : List.of("tcp 22 0.0.0.0/0", "tcp 8000-8080 ::/0", "udp 53 pl-0123456789abcdef0",
                "tcp 443 sg-0123456789abcdef0", "all 0.0.0.0/0", "icmp 0.0.0.0/0", "icmp 8 10.0.0.0/8",
                "icmp 3/4 0.0.0.0/0", "icmpv6 ::/0", "50 10.0.0.0/8")) {
            List<Object> forms = Rule.READER.forms(text);
            assertEquals(1, forms.size(), text);
            assertEquals(text, Rule.READER.read(ovi.model.Field.Value.of(forms.get(0))), () -> text + " as " + forms);
        }
    }
}

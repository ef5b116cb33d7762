package ovi.aws.securitygroup;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ovi.model.Field;
import ovi.model.Reference;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.Ipv6Range;
import software.amazon.awssdk.services.ec2.model.PrefixListId;
import software.amazon.awssdk.services.ec2.model.UserIdGroupPair;

/**
 * One rule of a security group, in the one text ovi compares a declared rule and an observed one by:
 * {@code <protocol> [<ports>] <source>}, such as {@code tcp 22 0.0.0.0/0}, {@code tcp 8000-8080 ::/0},
 * {@code tcp 443 sg-0abc...}, {@code tcp 443 @{lb-sg-0}} (a declared group not resolved yet),
 * {@code udp 53 pl-0abc...}, {@code all 0.0.0.0/0}, {@code icmp 0.0.0.0/0} (every ICMP type),
 * {@code icmp 8 0.0.0.0/0} (type 8, any code), {@code icmp 3/4 0.0.0.0/0} (type 3, code 4), and
 * {@code 50 10.0.0.0/8} (a protocol by number, on every port).
 *
 * <p>AWS groups rules into IpPermissions (one protocol and port range, many CIDRs and groups); ovi reads
 * each CIDR, group or prefix list of each IpPermission as a rule of its own, so a rule added by hand is
 * one difference, not a change of a whole permission.
 *
 * @param protocol {@code tcp}, {@code udp}, {@code icmp}, {@code icmpv6}, {@code all}, or a number 0 to 255
 * @param ports    {@code 443} or {@code 8000-8080} for tcp and udp; for icmp the type and optional code
 *                 ({@code 8}, {@code 3/4}), null for every type; null for the other protocols
 * @param source   an IPv4 or IPv6 CIDR, a group id {@code sg-...}, a reference token, or a prefix list
 */
record Rule(String protocol, String ports, String source) {
    static final Pattern GROUP_ID = Pattern.compile("sg-(?:[0-9a-f]{8}|[0-9a-f]{17})");
    static final Pattern PREFIX_LIST = Pattern.compile("pl-(?:[0-9a-f]{8}|[0-9a-f]{17})");
    private static final Pattern RANGE = Pattern.compile("(\\d{1,5})-(\\d{1,5})");
    private static final Pattern NUMBER = Pattern.compile("-?\\d{1,3}");
    private static final Map<String, String> NUMBERED = Map.of("6", "tcp", "17", "udp", "1", "icmp", "58", "icmpv6",
            "-1", "all");
    private static final Set<String> NAMED = Set.of("tcp", "udp", "icmp", "icmpv6", "all");
    private static final List<String> SOURCES = List.of("cidr", "ipv6Cidr", "from", "prefixList");
    private static final Set<String> KEYS = Set.of("protocol", "port", "ports", "icmpType", "icmpCode", "cidr", "ipv6Cidr",
            "from", "prefixList");
    static final String PROTOCOLS = "tcp, udp, icmp, icmpv6, all (or -1), or a protocol number from 0 to 255";
    private static final Field.Reader FROM = Field.reference(GROUP_ID, "a security group id such as sg-0123456789abcdef0");

    /** The rule as ovi compares it. */
    String text() {
        return ports == null ? protocol + " " + source : protocol + " " + ports + " " + source;
    }

    @Override
    public String toString() {
        return text();
    }

    /**
     * A rule as the config writes it, a mapping: {@code protocol}, {@code port: 443} or
     * {@code ports: 8000-8080} (tcp and udp), {@code icmpType} and {@code icmpCode} (icmp and icmpv6, both
     * optional), and exactly one source: {@code cidr}, {@code ipv6Cidr}, {@code from} (a declared security
     * group's name, or a group id) or {@code prefixList}. Gives the canonical text ({@link #text()}).
     */
    static String read(Field.Value v) {
        if (!(v.tree() instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("a rule is a mapping such as {protocol: tcp, port: 443, cidr: 0.0.0.0/0}, "
                    + "not " + v.description());
        }
        Map<String, Object> rule = new LinkedHashMap<>();
        m.forEach((k, val) -> rule.put(String.valueOf(k), val));
        for (String k : rule.keySet()) {
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("unknown rule key '" + k + "'; a rule has protocol, port or ports, "
                        + "icmpType and icmpCode, and one of cidr, ipv6Cidr, from or prefixList");
            }
        }
        String protocol = protocol(rule.get("protocol"), rule.containsKey("protocol"));
        String ports = ports(protocol, rule);
        return new Rule(protocol, ports, source(v, rule)).text();
    }

    private static String protocol(Object p, boolean given) {
        if (!given || p == null) {
            throw new IllegalArgumentException("a rule needs a protocol: " + PROTOCOLS);
        }
        String text = String.valueOf(p).strip().toLowerCase(java.util.Locale.ROOT);
        if ((p instanceof String || p instanceof Long) && NAMED.contains(text)) {
            return text;
        }
        if ((p instanceof String || p instanceof Long) && NUMBER.matcher(text).matches()) {
            int n = Integer.parseInt(text);
            if (NUMBERED.containsKey(Integer.toString(n))) {
                return NUMBERED.get(Integer.toString(n));
            }
            if (n >= 0 && n <= 255) {
                return Integer.toString(n);
            }
        }
        throw new IllegalArgumentException("'" + p + "' is not a protocol; expected " + PROTOCOLS);
    }

    private static String ports(String protocol, Map<String, Object> rule) {
        boolean port = rule.containsKey("port");
        boolean range = rule.containsKey("ports");
        boolean icmp = protocol.equals("icmp") || protocol.equals("icmpv6");
        if (!icmp && (rule.containsKey("icmpType") || rule.containsKey("icmpCode"))) {
            throw new IllegalArgumentException("icmpType and icmpCode are for icmp and icmpv6 rules, not " + protocol);
        }
        if (protocol.equals("tcp") || protocol.equals("udp")) {
            if (port && range) {
                throw new IllegalArgumentException("give port or ports, not both");
            }
            if (!port && !range) {
                throw new IllegalArgumentException("a " + protocol + " rule needs port (443) or ports (8000-8080; "
                        + "0-65535 for every port)");
            }
            if (port) {
                if (!(rule.get("port") instanceof Long n) || n < 0 || n > 65535) {
                    throw new IllegalArgumentException("port is a whole number from 0 to 65535, not "
                            + Field.Value.of(rule.get("port")).description());
                }
                return n.toString();
            }
            Object r = rule.get("ports");
            if (r instanceof Long n && n >= 0 && n <= 65535) {
                return n.toString();
            }
            Matcher mr = r instanceof String s ? RANGE.matcher(s.strip()) : null;
            if (mr != null && mr.matches()) {
                int from = Integer.parseInt(mr.group(1));
                int to = Integer.parseInt(mr.group(2));
                if (from <= to && to <= 65535) {
                    return from == to ? Integer.toString(from) : from + "-" + to;
                }
            }
            throw new IllegalArgumentException("ports is a range such as 8000-8080 (0 to 65535, the lower first), not "
                    + Field.Value.of(r).description());
        }
        if (port || range) {
            throw new IllegalArgumentException(protocol.equals("all")
                    ? "protocol all covers every port: leave out port and ports"
                    : icmp ? "an " + protocol + " rule takes icmpType (and icmpCode), not port or ports"
                    : "protocol " + protocol + " is allowed on every port: leave out port and ports");
        }
        if (!icmp) {
            return null;
        }
        Long type = icmpNumber(rule, "icmpType");
        Long code = icmpNumber(rule, "icmpCode");
        if (code != null && type == null) {
            throw new IllegalArgumentException("icmpCode needs icmpType");
        }
        return type == null ? null : code == null ? type.toString() : type + "/" + code;
    }

    private static Long icmpNumber(Map<String, Object> rule, String key) {
        if (!rule.containsKey(key)) {
            return null;
        }
        if (rule.get(key) instanceof Long n && n >= 0 && n <= 255) {
            return n;
        }
        throw new IllegalArgumentException(key + " is a whole number from 0 to 255, not "
                + Field.Value.of(rule.get(key)).description());
    }

    private static String source(Field.Value v, Map<String, Object> rule) {
        List<String> given = SOURCES.stream().filter(rule::containsKey).toList();
        if (given.isEmpty()) {
            throw new IllegalArgumentException("a rule needs one source: cidr, ipv6Cidr, from (a security group) or "
                    + "prefixList");
        }
        if (given.size() > 1) {
            throw new IllegalArgumentException("a rule has one source, not " + String.join(" and ", given)
                    + "; write one rule for each");
        }
        String key = given.get(0);
        Object s = rule.get(key);
        if (key.equals("from")) {
            try {
                return FROM.read(v.of(s, true));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("from: " + e.getMessage());
            }
        }
        if (!(s instanceof String text)) {
            throw new IllegalArgumentException(key + " is a string, not " + Field.Value.of(s).description());
        }
        return switch (key) {
            case "cidr" -> Cidrs.ipv4(text.strip());
            case "ipv6Cidr" -> Cidrs.ipv6(text.strip());
            default -> {
                if (!PREFIX_LIST.matcher(text).matches()) {
                    throw new IllegalArgumentException("'" + text + "' is not a prefix list id such as "
                            + "pl-0123456789abcdef0");
                }
                yield text;
            }
        };
    }

    /** Reads a rule as {@link #read} does, and gives the mapping a config writes for one ({@link #written}). */
    static final Field.Reader READER = new Field.Reader() {
        @Override
        public String read(Field.Value v) {
            return Rule.read(v);
        }

        @Override
        public List<Object> forms(String canonical) {
            try {
                return List.of(written(canonical));
            } catch (IllegalArgumentException e) {
                return List.of();
            }
        }
    };

    /** The mapping a config writes for a rule's canonical text: {@code {protocol: tcp, port: 443, cidr: ...}}. */
    static Map<String, Object> written(String canonical) {
        Rule r = parse(canonical);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("protocol", r.protocol());
        if (r.ports() != null) {
            boolean icmp = r.protocol().equals("icmp") || r.protocol().equals("icmpv6");
            String[] parts = r.ports().split(icmp ? "/" : "-");
            if (icmp) {
                out.put("icmpType", Long.parseLong(parts[0]));
                if (parts.length > 1) {
                    out.put("icmpCode", Long.parseLong(parts[1]));
                }
            } else if (parts.length == 1) {
                out.put("port", Long.parseLong(parts[0]));
            } else {
                out.put("ports", r.ports());
            }
        }
        String source = r.source();
        String key = GROUP_ID.matcher(source).matches() ? "from" : PREFIX_LIST.matcher(source).matches() ? "prefixList"
                : source.contains(":") ? "ipv6Cidr" : "cidr";
        out.put(key, source);
        return out;
    }

    /** A rule from its canonical text ({@link #text()}), as a set field's element holds it. */
    static Rule parse(String text) {
        String[] t = text.split(" ");
        if (t.length == 2) {
            return new Rule(t[0], null, t[1]);
        }
        if (t.length == 3) {
            return new Rule(t[0], t[1], t[2]);
        }
        throw new IllegalArgumentException("not a security group rule: '" + text + "'");
    }

    /** Every rule of a set field's canonical value. */
    static List<Rule> all(String canonical) {
        return Field.elements(canonical).stream().map(Rule::parse).toList();
    }

    /** The rule as the one IpPermission that authorizes or revokes it; its source must be resolved. */
    IpPermission permission() {
        if (Reference.unresolved(source)) {
            throw new IllegalStateException("the rule " + text() + " names a security group not created yet");
        }
        IpPermission.Builder p = IpPermission.builder().ipProtocol(protocol.equals("all") ? "-1" : protocol);
        if (protocol.equals("tcp") || protocol.equals("udp")) {
            if (ports != null) {
                String[] r = ports.split("-");
                p.fromPort(Integer.valueOf(r[0])).toPort(Integer.valueOf(r[r.length - 1]));
            }
        } else if (protocol.equals("icmp") || protocol.equals("icmpv6")) {
            String[] tc = ports == null ? new String[] {"-1", "-1"} : ports.split("/");
            p.fromPort(Integer.valueOf(tc[0])).toPort(tc.length > 1 ? Integer.valueOf(tc[1]) : -1);
        }
        if (source.startsWith("sg-")) {
            p.userIdGroupPairs(UserIdGroupPair.builder().groupId(source).build());
        } else if (source.startsWith("pl-")) {
            p.prefixListIds(PrefixListId.builder().prefixListId(source).build());
        } else if (source.contains(":")) {
            p.ipv6Ranges(Ipv6Range.builder().cidrIpv6(source).build());
        } else {
            p.ipRanges(IpRange.builder().cidrIp(source).build());
        }
        return p.build();
    }

    /** The rules of one IpPermission as AWS reports it: one per CIDR, group and prefix list. */
    static List<String> of(IpPermission p) {
        String protocol = observedProtocol(p.ipProtocol());
        String ports = observedPorts(protocol, p.fromPort(), p.toPort());
        List<String> out = new ArrayList<>();
        for (IpRange r : p.ipRanges()) {
            out.add(new Rule(protocol, ports, Cidrs.observed(r.cidrIp(), false)).text());
        }
        for (Ipv6Range r : p.ipv6Ranges()) {
            out.add(new Rule(protocol, ports, Cidrs.observed(r.cidrIpv6(), true)).text());
        }
        for (UserIdGroupPair g : p.userIdGroupPairs()) {
            // every group of a VPC has an id; only EC2-Classic, retired, named groups by name alone
            if (g.groupId() != null) {
                out.add(new Rule(protocol, ports, g.groupId()).text());
            }
        }
        for (PrefixListId pl : p.prefixListIds()) {
            out.add(new Rule(protocol, ports, pl.prefixListId()).text());
        }
        return out;
    }

    /** The canonical rules of a group's permissions, as a set field's value. */
    static String observed(List<IpPermission> permissions) {
        List<String> rules = new ArrayList<>();
        permissions.forEach(p -> rules.addAll(of(p)));
        return Field.setValue(rules);
    }

    private static String observedProtocol(String p) {
        String text = p == null ? "-1" : p.strip().toLowerCase(java.util.Locale.ROOT);
        return NUMBERED.getOrDefault(text, text);
    }

    private static String observedPorts(String protocol, Integer from, Integer to) {
        if (protocol.equals("tcp") || protocol.equals("udp")) {
            if (from == null || to == null) {
                return "0-65535";
            }
            return from.equals(to) ? from.toString() : from + "-" + to;
        }
        if (protocol.equals("icmp") || protocol.equals("icmpv6")) {
            if (from == null || from < 0) {
                return null;
            }
            return to == null || to < 0 ? from.toString() : from + "/" + to;
        }
        return null;
    }
}

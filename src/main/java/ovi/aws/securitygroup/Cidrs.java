package ovi.aws.securitygroup;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * IPv4 and IPv6 CIDRs in the one form ovi compares: a network address (no host bits set) and its prefix,
 * IPv4 in dotted decimal without leading zeros, IPv6 as RFC 5952 writes it (lower case, the longest run of
 * zero groups as {@code ::}). A declared CIDR and one AWS reports are compared in this form, so
 * {@code 2001:DB8:0::/32} as written and {@code 2001:db8::/32} as reported are one rule.
 */
final class Cidrs {
    private static final Pattern V4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");
    private static final Pattern V6 = Pattern.compile("(?=[^/]*:)([0-9A-Fa-f:][0-9A-Fa-f:.]*)/(\\d{1,3})");

    private Cidrs() {
    }

    /** The canonical IPv4 CIDR; IllegalArgumentException saying what is wrong. */
    static String ipv4(String text) {
        Matcher m = V4.matcher(text);
        if (!m.matches()) {
            if (V6.matcher(text).matches()) {
                throw new IllegalArgumentException("'" + text + "' is an IPv6 CIDR: give it as ipv6Cidr");
            }
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 CIDR such as 10.0.0.0/16 or 203.0.113.7/32");
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String octet = m.group(i + 1);
            int n = Integer.parseInt(octet);
            if (n > 255 || (octet.length() > 1 && octet.startsWith("0"))) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 CIDR: each of its four numbers is 0 to "
                        + "255, without leading zeros");
            }
            bytes[i] = (byte) n;
        }
        int prefix = prefix(text, m.group(5), 32);
        String network = networkOrFail(text, bytes, prefix, true);
        return network + "/" + prefix;
    }

    /** The canonical IPv6 CIDR; IllegalArgumentException saying what is wrong. */
    static String ipv6(String text) {
        Matcher m = V6.matcher(text);
        if (!m.matches()) {
            if (V4.matcher(text).matches()) {
                throw new IllegalArgumentException("'" + text + "' is an IPv4 CIDR: give it as cidr");
            }
            throw new IllegalArgumentException("'" + text + "' is not an IPv6 CIDR such as ::/0 or 2001:db8::/32");
        }
        byte[] bytes;
        try {
            // only text starting with a hex digit or ':' and holding a ':' reaches here: InetAddress reads it as an
            // IPv6 literal (or refuses it), never as a host name to look up
            InetAddress a = InetAddress.getByName(m.group(1));
            if (!(a instanceof Inet6Address)) {
                throw new IllegalArgumentException("'" + text + "' is an IPv4 address written as IPv6: give it as cidr");
            }
            bytes = a.getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv6 CIDR such as ::/0 or 2001:db8::/32");
        }
        int prefix = prefix(text, m.group(2), 128);
        String network = networkOrFail(text, bytes, prefix, false);
        return network + "/" + prefix;
    }

    /** A CIDR as AWS reports it, in canonical form; as it came when it cannot be read (then it is drift). */
    static String observed(String cidr, boolean v6) {
        try {
            return v6 ? ipv6(cidr) : ipv4(cidr);
        } catch (IllegalArgumentException e) {
            return cidr;
        }
    }

    private static int prefix(String text, String digits, int max) {
        int p = Integer.parseInt(digits);
        if (p > max || (digits.length() > 1 && digits.startsWith("0"))) {
            throw new IllegalArgumentException("'" + text + "' has a prefix length outside 0 to " + max);
        }
        return p;
    }

    private static String networkOrFail(String text, byte[] bytes, int prefix, boolean v4) {
        byte[] net = bytes.clone();
        for (int bit = prefix; bit < net.length * 8; bit++) {
            net[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        String network = v4 ? v4Text(net) : v6Text(net);
        if (!java.util.Arrays.equals(net, bytes)) {
            throw new IllegalArgumentException("'" + text + "' has host bits set: its network is " + network + "/" + prefix);
        }
        return network;
    }

    private static String v4Text(byte[] b) {
        return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
    }

    /** RFC 5952: lower-case hex without leading zeros, the first longest run of two or more zero groups as ::. */
    static String v6Text(byte[] b) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}

package dev.latchkey.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * A strict parser of IP address literals that produces the address bytes itself and can never
 * resolve a name: forwarding headers, settings and socket addresses become bytes here, and only
 * bytes ever reach {@link InetAddress#getByAddress(byte[])}, which does no lookup.
 *
 * <p>Accepted: a dotted quad of exactly four decimal octets, 0 to 255, without leading zeros
 * ({@code 010} is 8 to {@code inet_aton} and 10 to Java, so it is neither); and an IPv6 literal of
 * eight groups of one to four hex digits, with at most one {@code ::} standing for one or more zero
 * groups, and optionally a dotted quad as its last 32 bits. Refused: everything else, among it names,
 * zone ids ({@code %eth0}), non-ASCII digits, signs, hex or octal octets, and fewer or more parts.
 * An IPv4-mapped IPv6 address ({@code ::ffff:192.0.2.1}) is the IPv4 address it maps, as Java
 * itself treats it, so that one client has one address whichever way it is written.
 *
 * <p>Hand-written rather than taken from a library: the grammar is small, the JDK has no public
 * literal-only parser ({@code InetAddress.getByName} falls back to DNS for anything it does not
 * take as a literal, and takes {@code 1.2.3} and {@code 01.2.3.4}), and Guava's
 * {@code InetAddresses.forString}, the usual choice, would add a large dependency for one method
 * and accepts zone ids, which a forwarded address must not carry.
 */
public final class IpLiteral {

    /** The longest literal there is: eight groups with an embedded dotted quad. */
    private static final int MAX_LENGTH = 45;

    private IpLiteral() {
    }

    /**
     * @return the address: 4 bytes for IPv4 (and IPv4-mapped IPv6), 16 for IPv6; empty for
     *         anything that is not exactly such a literal
     */
    public static Optional<byte[]> parse(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        byte[] address = text.indexOf(':') >= 0 ? ipv6(text) : ipv4(text);
        return Optional.ofNullable(address).map(IpLiteral::unmapped);
    }

    /**
     * A socket's remote address as the container reports it. It comes from the operating system,
     * not from the client; a link-local one may carry the zone of the interface it arrived on
     * ({@code fe80::1%eth0}), which says where, not who, so the zone is dropped before parsing.
     */
    public static Optional<byte[]> parsePeer(String text) {
        if (text == null) {
            return Optional.empty();
        }
        int zone = text.indexOf('%');
        return parse(zone >= 0 && text.indexOf(':') >= 0 ? text.substring(0, zone) : text);
    }

    /**
     * The network an address belongs to, in CIDR notation: the address with every bit after the
     * first {@code prefixBits} cleared, e.g. {@code 203.0.113.0/24} or {@code 2001:db8:0:0:0:0:0:0/64}.
     */
    public static String network(byte[] address, int prefixBits) {
        if (prefixBits < 0 || prefixBits > address.length * 8) {
            throw new IllegalArgumentException("A prefix of " + prefixBits + " bits does not fit a "
                    + address.length * 8 + "-bit address");
        }
        byte[] network = new byte[address.length];
        for (int bit = 0; bit < prefixBits; bit++) {
            network[bit / 8] |= (byte) (address[bit / 8] & (0x80 >>> (bit % 8)));
        }
        return format(network) + "/" + prefixBits;
    }

    /** The canonical text of an address, as Java writes it ({@code 2001:db8:0:0:0:0:0:1}). */
    public static String format(byte[] address) {
        try {
            // getByAddress without a host name checks nothing with any name service.
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException wrongLength) {
            throw new IllegalArgumentException("An IP address has 4 or 16 bytes, not " + address.length, wrongLength);
        }
    }

    private static byte[] ipv4(String text) {
        byte[] address = new byte[4];
        int part = 0;
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == '.') {
                if (part == 4) {
                    return null;
                }
                int octet = octet(text, start, i);
                if (octet < 0) {
                    return null;
                }
                address[part++] = (byte) octet;
                start = i + 1;
            }
        }
        return part == 4 ? address : null;
    }

    /** A decimal octet of 1 to 3 ASCII digits, no leading zero, at most 255; -1 otherwise. */
    private static int octet(String text, int from, int to) {
        int length = to - from;
        if (length < 1 || length > 3 || (length > 1 && text.charAt(from) == '0')) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value <= 255 ? value : -1;
    }

    private static byte[] ipv6(String text) {
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null; // two gaps, or ":::"
        }
        int[] head = gap >= 0 ? groups(text.substring(0, gap), false) : groups(text, true);
        int[] tail = gap >= 0 ? groups(text.substring(gap + 2), true) : new int[0];
        if (head == null || tail == null) {
            return null;
        }
        int written = head.length + tail.length;
        if (gap < 0 ? written != 8 : written > 7) {
            return null;
        }
        byte[] address = new byte[16];
        for (int i = 0; i < head.length; i++) {
            put(address, i, head[i]);
        }
        for (int i = 0; i < tail.length; i++) {
            put(address, 8 - tail.length + i, tail[i]);
        }
        return address;
    }

    private static void put(byte[] address, int group, int value) {
        address[2 * group] = (byte) (value >>> 8);
        address[2 * group + 1] = (byte) value;
    }

    /**
     * The 16-bit groups of one side of a {@code ::} (or of a whole literal without one). Only the
     * last side may end in a dotted quad, which counts as two groups.
     *
     * @return the groups, none for an empty side, or null when malformed
     */
    private static int[] groups(String side, boolean last) {
        if (side.isEmpty()) {
            return new int[0];
        }
        String[] parts = side.split(":", -1);
        int quad = last && parts[parts.length - 1].indexOf('.') >= 0 ? 1 : 0;
        int[] groups = new int[parts.length + quad];
        for (int i = 0; i < parts.length - quad; i++) {
            int group = hexGroup(parts[i]);
            if (group < 0) {
                return null;
            }
            groups[i] = group;
        }
        if (quad == 1) {
            byte[] ipv4 = ipv4(parts[parts.length - 1]);
            if (ipv4 == null) {
                return null;
            }
            groups[parts.length - 1] = (ipv4[0] & 0xFF) << 8 | ipv4[1] & 0xFF;
            groups[parts.length] = (ipv4[2] & 0xFF) << 8 | ipv4[3] & 0xFF;
        }
        return groups;
    }

    /** 1 to 4 ASCII hex digits; -1 otherwise. */
    private static int hexGroup(String part) {
        if (part.isEmpty() || part.length() > 4) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            int digit;
            if (c >= '0' && c <= '9') {
                digit = c - '0';
            } else if (c >= 'a' && c <= 'f') {
                digit = c - 'a' + 10;
            } else if (c >= 'A' && c <= 'F') {
                digit = c - 'A' + 10;
            } else {
                return -1;
            }
            value = value << 4 | digit;
        }
        return value;
    }

    private static byte[] unmapped(byte[] address) {
        if (address.length != 16) {
            return address;
        }
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return address;
            }
        }
        if (address[10] != (byte) 0xFF || address[11] != (byte) 0xFF) {
            return address;
        }
        return new byte[] {address[12], address[13], address[14], address[15]};
    }
}

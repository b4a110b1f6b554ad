package dev.latchkey.http;

import dev.latchkey.config.InvalidSettingException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which peers may tell us the client's address, in which header, and what the client's address is.
 *
 * <p>Forwarding headers are attacker-controlled unless they were written by our own proxy, so they
 * are read only when the socket's peer is a configured trusted proxy, and only the one header the
 * operator named ({@link ForwardingHeader}). All its lines are read, in order, as one list (a proxy
 * may append a line of its own rather than extend the last one), and the list is walked from the
 * right: each trusted hop is skipped, and the first address a trusted hop vouches for is the
 * client. Anything left of it was written by the client and is ignored; anything that is not
 * an IP literal ({@link IpLiteral}) stops the walk at the last address a trusted hop vouched for.
 * No name is ever resolved.
 */
public final class TrustedProxies {

    private static final TrustedProxies NONE = new TrustedProxies(List.of(), null);

    private final List<Block> blocks;
    private final ForwardingHeader header;

    private TrustedProxies(List<Block> blocks, ForwardingHeader header) {
        this.blocks = List.copyOf(blocks);
        this.header = header;
    }

    /** No trusted proxy: every client's address is its socket's. */
    public static TrustedProxies none() {
        return NONE;
    }

    /**
     * @param configured comma-separated IP addresses and CIDR blocks, e.g. {@code 10.0.0.0/8, 192.0.2.10}
     * @param header     the header those proxies write the client's address into
     * @throws InvalidSettingException for an entry that is not one (a typo must not widen trust silently)
     */
    public static TrustedProxies of(String configured, ForwardingHeader header) {
        List<Block> blocks = blocks(configured);
        return blocks.isEmpty() ? NONE : new TrustedProxies(blocks, header);
    }

    /** The configured addresses and blocks, checked as {@link #of} checks them (for the settings, before a header is known). */
    static List<Block> blocks(String configured) {
        List<Block> blocks = new ArrayList<>();
        for (String entry : configured.split(",", -1)) {
            String trimmed = entry.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            String[] parts = trimmed.split("/", -1);
            byte[] address = parts.length <= 2 ? IpLiteral.parse(parts[0]).orElse(null) : null;
            if (address == null) {
                throw new InvalidSettingException(HttpSettings.TRUSTED_PROXIES, "must list IP addresses and CIDR blocks "
                        + "written as literals (192.0.2.10, 10.0.0.0/8, 2001:db8::/32; no names, zone ids or leading zeros), not "
                        + trimmed);
            }
            int maxBits = address.length * 8;
            int prefix = parts.length == 2 ? prefixLength(parts[1], maxBits) : maxBits;
            if (prefix < 0) {
                throw new InvalidSettingException(HttpSettings.TRUSTED_PROXIES, "has a bad prefix length in " + trimmed
                        + " (0 to " + maxBits + " for this address)");
            }
            blocks.add(new Block(address, prefix));
        }
        return blocks;
    }

    private static int prefixLength(String text, int maxBits) {
        if (text.isEmpty() || text.length() > 3 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        int prefix = Integer.parseInt(text);
        return prefix <= maxBits ? prefix : -1;
    }

    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    /** The header to read; empty when no proxy is trusted. */
    public Optional<ForwardingHeader> header() {
        return Optional.ofNullable(header);
    }

    /** @param peer a socket's remote address, as the container reports it */
    public boolean trusts(String peer) {
        return IpLiteral.parsePeer(peer).map(this::trusts).orElse(false);
    }

    private boolean trusts(byte[] address) {
        return blocks.stream().anyMatch(block -> block.contains(address));
    }

    /**
     * @param peer        the socket's remote address
     * @param headerLines every line of the {@linkplain #header() chosen header}, in the order received
     * @return the client's address: the peer's own unless the peer is trusted
     */
    public String clientAddress(String peer, List<String> headerLines) {
        if (!trusts(peer)) {
            return peer;
        }
        List<String> hops = header == ForwardingHeader.FORWARDED ? forwardedFor(headerLines) : forwardedForList(headerLines);
        String client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<byte[]> hop = Optional.ofNullable(hops.get(i)).flatMap(TrustedProxies::hopAddress);
            if (hop.isEmpty()) {
                // Not an address: stop at the last one a trusted hop vouched for.
                return client;
            }
            client = IpLiteral.format(hop.get());
            if (!trusts(hop.get())) {
                return client;
            }
        }
        return client;
    }

    /** X-Forwarded-For: comma-separated addresses, every line in order. */
    private static List<String> forwardedForList(List<String> lines) {
        List<String> hops = new ArrayList<>();
        for (String line : lines) {
            for (String hop : line.split(",", -1)) {
                hops.add(hop.strip());
            }
        }
        return hops;
    }

    /**
     * RFC 7239: the {@code for} value of each element, every line in order; null for an element
     * that is malformed or names no {@code for} (it cannot say which hop it is).
     */
    private static List<String> forwardedFor(List<String> lines) {
        List<String> hops = new ArrayList<>();
        for (String line : lines) {
            for (String element : splitOutsideQuotes(line, ',')) {
                hops.add(forValue(element));
            }
        }
        return hops;
    }

    private static String forValue(String element) {
        String value = null;
        for (String pair : splitOutsideQuotes(element, ';')) {
            String trimmed = pair.strip();
            if (trimmed.isEmpty()) {
                continue; // the grammar allows empty pairs
            }
            int equals = trimmed.indexOf('=');
            if (equals <= 0) {
                return null;
            }
            String name = trimmed.substring(0, equals).toLowerCase(Locale.ROOT);
            if (name.equals("for")) {
                if (value != null) {
                    return null; // a parameter may occur once per element
                }
                value = unquote(trimmed.substring(equals + 1));
                if (value == null) {
                    return null;
                }
            }
        }
        return value;
    }

    /** A token as is, or a quoted string without its quotes and escapes; null when malformed. */
    private static String unquote(String value) {
        if (!value.startsWith("\"")) {
            return value.indexOf('"') < 0 ? value : null;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                text.append(value.charAt(++i));
            } else if (c == '"') {
                return i == value.length() - 1 ? text.toString() : null;
            } else {
                text.append(c);
            }
        }
        return null; // unterminated
    }

    /** Splits at the separator where it is not inside a quoted string. */
    private static List<String> splitOutsideQuotes(String text, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted && c == '\\' && i + 1 < text.length()) {
                part.append(c).append(text.charAt(++i));
                continue;
            }
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == separator && !quoted) {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        parts.add(part.toString());
        return parts;
    }

    /** "192.0.2.1", "192.0.2.1:443", "2001:db8::1", "[2001:db8::1]", "[2001:db8::1]:443" to the address. */
    private static Optional<byte[]> hopAddress(String hop) {
        String value = hop.strip();
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            if (end < 0 || !validPortSuffix(value.substring(end + 1))) {
                return Optional.empty();
            }
            byte[] address = IpLiteral.parse(value.substring(1, end)).orElse(null);
            // Brackets hold IPv6 only (a mapped address is IPv6 too, though it parses to four bytes).
            return address != null && value.substring(1, end).indexOf(':') >= 0 ? Optional.of(address) : Optional.empty();
        }
        int colon = value.indexOf(':');
        if (colon >= 0 && colon == value.lastIndexOf(':')) {
            // IPv4 with a port; a single colon is never IPv6.
            return validPortSuffix(value.substring(colon)) ? IpLiteral.parse(value.substring(0, colon)) : Optional.empty();
        }
        return IpLiteral.parse(value);
    }

    /** Nothing, or ":" and a port of 1 to 5 ASCII digits up to 65535. */
    private static boolean validPortSuffix(String suffix) {
        if (suffix.isEmpty()) {
            return true;
        }
        String port = suffix.substring(1);
        return suffix.charAt(0) == ':' && !port.isEmpty() && port.length() <= 5
                && port.chars().allMatch(c -> c >= '0' && c <= '9') && Integer.parseInt(port) <= 65535;
    }

    record Block(byte[] network, int prefix) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int fullBytes = prefix / 8;
            for (int i = 0; i < fullBytes; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int remainingBits = prefix % 8;
            if (remainingBits == 0) {
                return true;
            }
            int mask = 0xFF << (8 - remainingBits) & 0xFF;
            return (address[fullBytes] & mask) == (network[fullBytes] & mask);
        }
    }
}

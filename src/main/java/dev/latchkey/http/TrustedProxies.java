package dev.latchkey.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which peers may tell us the client's address, and what the client's address is.
 *
 * <p>Forwarding headers are attacker-controlled unless they were written by our own proxy, so they
 * are read only when the socket's peer is a configured trusted proxy, and then from the right:
 * each trusted hop is skipped, and the first address a trusted hop vouches for is the client.
 * Anything left of it was written by the client and is ignored. Only IP literals are accepted, so
 * resolving an address never triggers a DNS lookup.
 */
public final class TrustedProxies {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]+");

    private final List<Block> blocks;

    private TrustedProxies(List<Block> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    /**
     * @param configured comma-separated IP addresses and CIDR blocks, e.g. {@code 10.0.0.0/8, 192.0.2.10}
     * @throws IllegalStateException for an entry that is not one (a typo must not widen trust silently)
     */
    public static TrustedProxies parse(String configured) {
        List<Block> blocks = new ArrayList<>();
        for (String entry : configured.split(",")) {
            String trimmed = entry.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            String[] parts = trimmed.split("/", 2);
            InetAddress address = literal(parts[0]).orElseThrow(() ->
                    new IllegalStateException("latchkey.http.trusted-proxies: not an IP address or CIDR block: " + trimmed));
            int maxBits = address.getAddress().length * 8;
            int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : maxBits;
            if (prefix < 0 || prefix > maxBits) {
                throw new IllegalStateException("latchkey.http.trusted-proxies: bad prefix length in " + trimmed);
            }
            blocks.add(new Block(address.getAddress(), prefix));
        }
        return new TrustedProxies(blocks);
    }

    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    public boolean trusts(String address) {
        return literal(address).map(InetAddress::getAddress).map(bytes -> blocks.stream().anyMatch(b -> b.contains(bytes)))
                .orElse(false);
    }

    /**
     * @param peer         the socket's remote address
     * @param forwarded    the RFC 7239 {@code Forwarded} header, or null
     * @param forwardedFor the {@code X-Forwarded-For} header, or null (used when {@code Forwarded} is absent)
     * @return the client's address
     */
    public String clientAddress(String peer, String forwarded, String forwardedFor) {
        if (!trusts(peer)) {
            return peer;
        }
        List<String> hops = forwarded != null ? forwardedFor(forwarded) : splitList(forwardedFor);
        String client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<String> hop = normalize(hops.get(i));
            if (hop.isEmpty()) {
                // Unparsable: stop at the last address a trusted hop vouched for.
                return client;
            }
            client = hop.get();
            if (!trusts(client)) {
                return client;
            }
        }
        return client;
    }

    private static List<String> splitList(String header) {
        return header == null ? List.of() : Arrays.stream(header.split(",")).map(String::strip).toList();
    }

    /** The for= values of an RFC 7239 header, in order. */
    private static List<String> forwardedFor(String header) {
        List<String> result = new ArrayList<>();
        for (String element : header.split(",")) {
            for (String pair : element.split(";")) {
                String[] nameValue = pair.strip().split("=", 2);
                if (nameValue.length == 2 && nameValue[0].strip().toLowerCase(Locale.ROOT).equals("for")) {
                    result.add(nameValue[1].strip().replace("\"", ""));
                }
            }
        }
        return result;
    }

    /** "192.0.2.1", "192.0.2.1:443", "[2001:db8::1]", "[2001:db8::1]:443" to a canonical literal. */
    private static Optional<String> normalize(String hop) {
        String value = hop.strip();
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            value = end > 0 ? value.substring(1, end) : "";
        } else if (value.indexOf(':') == value.lastIndexOf(':') && value.contains(":")) {
            value = value.substring(0, value.indexOf(':'));
        }
        return literal(value).map(InetAddress::getHostAddress);
    }

    private static Optional<InetAddress> literal(String text) {
        String value = text.strip();
        if (!IPV4.matcher(value).matches() && !(value.contains(":") && IPV6.matcher(value).matches())) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(value));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private record Block(byte[] network, int prefix) {
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

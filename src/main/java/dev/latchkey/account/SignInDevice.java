package dev.latchkey.account;

import dev.latchkey.crypto.TokenDigests;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.http.IpLiteral;
import ua_parser.Client;
import ua_parser.Parser;

import java.util.regex.Pattern;

/**
 * What a sign-in is recognised by: the kind of browser and system it came from, and the network.
 * Families without versions, so that a browser update is not a new device; the network rather
 * than the address (IPv4 /24, IPv6 /64), so that an address reassigned by the same provider is
 * not one either. Both come from the client, so a notice can be avoided by an attacker who copies
 * the victim's user agent from a network next to theirs: the notice is a tripwire for the common
 * case, not a control, which is why it never decides whether a sign-in is allowed.
 *
 * <p>The user agent is read by ua-parser (uap-java), the reference Java port of the ua-parser
 * project's shared regexes, rather than by patterns of ours that would age with every browser.
 *
 * @param description the families as a person reads them, e.g. {@code Firefox on Ubuntu}
 * @param network     the client's network in CIDR notation; the address itself when it is not a
 *                    literal the container reported (it always is one)
 */
public record SignInDevice(String description, String network) {

    static final String UNKNOWN = "an unrecognised browser or app";
    private static final String OTHER = "Other";
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9 ()+_-]{1,40}");

    public static SignInDevice of(ClientInfo client) {
        String network = IpLiteral.parsePeer(client.ip())
                .map(address -> IpLiteral.network(address, address.length == 4 ? 24 : 64))
                .orElse(String.valueOf(client.ip()));
        return new SignInDevice(describe(client.userAgent()), network);
    }

    /**
     * The key of this device for one account. A digest keeps the table to one fixed-width column;
     * it is not meant to hide the inputs (they have little entropy, and the session table keeps
     * the full address and agent anyway).
     */
    String keyFor(String accountId) {
        return TokenDigests.sha256(accountId + '\n' + description + '\n' + network);
    }

    static String describe(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            return UNKNOWN;
        }
        // ClientInfo already bounded the header (512 characters), which also bounds the regex work.
        Client parsed = Parsers.USER_AGENTS.parse(userAgent);
        String browser = plainName(parsed.userAgent.family);
        String system = plainName(parsed.os.family);
        if (OTHER.equals(browser) && OTHER.equals(system)) {
            return UNKNOWN;
        }
        if (OTHER.equals(system)) {
            return browser;
        }
        return (OTHER.equals(browser) ? "A browser or app" : browser) + " on " + system;
    }

    /**
     * Some of the shared patterns copy part of the header into the family name, and the header is
     * the client's to choose: a family that is not a short plain name is treated as unknown, so a
     * notice never carries a link, a domain or a sentence an attacker wrote into it.
     */
    private static String plainName(String family) {
        return family != null && PLAIN_NAME.matcher(family).matches() ? family : OTHER;
    }

    /** Loaded on first use: compiling the shared regexes takes a moment that a boot need not wait for. */
    private static final class Parsers {
        static final Parser USER_AGENTS = new Parser();
    }
}

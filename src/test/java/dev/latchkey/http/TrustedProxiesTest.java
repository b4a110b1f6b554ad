package dev.latchkey.http;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.latchkey.config.InvalidSettingException;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrustedProxiesTest {

    private static final String BLOCKS = "10.0.0.0/8, 192.0.2.10, 2001:db8::/32";

    /** Behind proxies that write X-Forwarded-For. */
    private final TrustedProxies proxies = TrustedProxies.of(BLOCKS, ForwardingHeader.X_FORWARDED_FOR);

    /** Behind proxies that write RFC 7239 Forwarded. */
    private final TrustedProxies rfc7239 = TrustedProxies.of(BLOCKS, ForwardingHeader.FORWARDED);

    @Test
    void anUntrustedPeerCannotChooseItsAddress() {
        assertEquals("198.51.100.7", proxies.clientAddress("198.51.100.7", List.of("203.0.113.9")));
        assertEquals("198.51.100.7", rfc7239.clientAddress("198.51.100.7", List.of("for=203.0.113.9")));
        assertEquals("198.51.100.7", TrustedProxies.none().clientAddress("198.51.100.7", List.of("203.0.113.9")));
    }

    @Test
    void behindATrustedProxyTheRightmostUntrustedHopIsTheClient() {
        // The client prepended a lie; our proxy appended the address it really saw.
        assertEquals("203.0.113.9", proxies.clientAddress("10.1.2.3", List.of("6.6.6.6, 203.0.113.9")));
        // Two trusted hops (load balancer, then ingress) are skipped.
        assertEquals("203.0.113.9", proxies.clientAddress("10.1.2.3", List.of("6.6.6.6, 203.0.113.9, 192.0.2.10")));
        // Only trusted hops: the leftmost one a trusted hop vouched for.
        assertEquals("10.9.9.9", proxies.clientAddress("10.1.2.3", List.of("10.9.9.9, 192.0.2.10")));
        assertEquals("10.1.2.3", proxies.clientAddress("10.1.2.3", List.of()), "no header: the proxy itself");
    }

    /** HAProxy appends a line of its own; the lines are one list, in the order received. */
    @Test
    void everyLineIsReadInOrder() {
        assertEquals("203.0.113.9", proxies.clientAddress("10.1.2.3", List.of("6.6.6.6", "203.0.113.9")));
        assertEquals("203.0.113.9", proxies.clientAddress("10.1.2.3", List.of("6.6.6.6, 7.7.7.7", "203.0.113.9", "192.0.2.10")));
        assertEquals("203.0.113.9", rfc7239.clientAddress("192.0.2.10", List.of("for=6.6.6.6", "for=203.0.113.9;proto=https")));
    }

    @Test
    void theForwardedSyntaxIsUnderstood() {
        assertEquals("203.0.113.9", rfc7239.clientAddress("192.0.2.10", List.of("for=6.6.6.6, for=203.0.113.9;proto=https")));
        assertEquals("203.0.113.9", rfc7239.clientAddress("192.0.2.10", List.of("proto=https;FOR=203.0.113.9;by=10.0.0.1")));
        assertEquals("2001:db9:0:0:0:0:0:1", rfc7239.clientAddress("192.0.2.10", List.of("for=\"[2001:db9::1]:4711\"")));
        assertEquals("203.0.113.9", rfc7239.clientAddress("192.0.2.10", List.of("for=\"203.0.113.9:51234\";;proto=https")));
        // A comma inside a quoted string does not start a new element.
        assertEquals("203.0.113.9", rfc7239.clientAddress("192.0.2.10", List.of("for=\"6.6.6.6, for=7.7.7.7\", for=203.0.113.9")));
        // Elements that say nothing of the hop, or say it twice, or in a broken quote, stop the walk.
        for (String broken : List.of("proto=https", "for=203.0.113.9;for=6.6.6.6", "for=\"203.0.113.9", "for=203.0.113.9\"",
                "for", "=203.0.113.9", "for=unknown", "for=_hidden", "for=\"[2001:db9::1%eth0]\"", "for=[203.0.113.9]")) {
            assertEquals("192.0.2.10", rfc7239.clientAddress("192.0.2.10", List.of("for=6.6.6.6, " + broken)), broken);
        }
        assertEquals("203.0.113.9", proxies.clientAddress("192.0.2.10", List.of("203.0.113.9:51234")));
    }

    /**
     * Strict literals only: octets 0 to 255 without leading zeros (010 is 8 to some parsers and
     * 10 to others), exactly four of them, ASCII digits, no zone ids, no names. Anything else in a
     * forwarding header stops the walk at the last address a trusted hop vouched for.
     */
    @Test
    void onlyUnambiguousLiteralsAreAddresses() {
        for (String notALiteral : List.of("999.1.1.1", "1.2.3", "01.2.3.4", "010.1.2.3", "1.2.3.4.5", "256.0.0.1",
                "1.2.3.-4", "+1.2.3.4", "0x7f.0.0.1", "1.2.3.4/32", "\u0661.\u0662.\u0663.\u0664", "fe80::1%eth0", "[fe80::1%25eth0]",
                "fe80::1%1", "1:2:3:4:5:6:7:8:9", "1::2::3", ":::", "1:::2", ":1::2", "1::2:", "::ffff:1.2.3", "::ffff:01.2.3.4",
                "2001:db8::12345", "2001:db8::g", "\uff11::1", "1.2.3.4::", "::1.2.3.4:5", "[2001:db8::1", "[2001:db8::1]:",
                "[2001:db8::1]:65536", "203.0.113.9:", "203.0.113.9:99999", "203.0.113.9:-1", "localhost", "evil.example.com",
                "unknown", "_hidden", "")) {
            assertEquals("10.1.2.3", proxies.clientAddress("10.1.2.3", List.of(notALiteral)), notALiteral);
            assertEquals("10.1.2.3", proxies.clientAddress("10.1.2.3", List.of("6.6.6.6, " + notALiteral)), notALiteral);
            assertTrue(IpLiteral.parse(notALiteral).isEmpty(), notALiteral);
        }
        assertFalse(proxies.trusts("010.1.2.3"), "010 is not 10");
        assertFalse(proxies.trusts("10.1.2.3.4"));
        assertFalse(proxies.trusts("localhost"), "a name is never looked up, so never trusted");
    }

    @Test
    void ipv6LiteralsInEveryLegalSpelling() {
        assertEquals("2001:db9:0:0:0:0:0:1", proxies.clientAddress("10.1.2.3", List.of("2001:db9::1")));
        assertEquals("2001:db9:0:0:0:0:0:1", proxies.clientAddress("10.1.2.3", List.of("2001:0DB9:0000:0:0:0:0:0001")));
        assertEquals("2001:db9:0:0:0:0:0:1", proxies.clientAddress("10.1.2.3", List.of("[2001:db9::1]:4711")));
        assertEquals("0:0:0:0:0:0:0:1", proxies.clientAddress("10.1.2.3", List.of("::1")));
        assertEquals("0:0:0:0:0:0:0:0", proxies.clientAddress("10.1.2.3", List.of("::")));
        assertEquals("1:0:0:0:0:0:0:0", proxies.clientAddress("10.1.2.3", List.of("1::")));
        assertEquals("1:2:3:4:5:6:7:0", proxies.clientAddress("10.1.2.3", List.of("1:2:3:4:5:6:7::")), ":: for one group");
        assertEquals("64:ff9b:0:0:0:0:cb00:7109", proxies.clientAddress("10.1.2.3", List.of("64:ff9b::203.0.113.9")));
        assertEquals("1:2:3:4:5:6:cb00:7109", proxies.clientAddress("10.1.2.3", List.of("1:2:3:4:5:6:203.0.113.9")));
        // An IPv4-mapped address is the IPv4 address it maps.
        assertEquals("203.0.113.9", proxies.clientAddress("10.1.2.3", List.of("::ffff:203.0.113.9")));
        assertEquals("203.0.113.9", proxies.clientAddress("10.1.2.3", List.of("[::ffff:cb00:7109]")));
        assertTrue(proxies.trusts("::ffff:10.9.8.7"), "a mapped address of a trusted block is trusted");
        assertTrue(proxies.trusts("2001:db8:0:0:0:0:0:1"));
        // The socket's own address may carry the zone of the interface it came in on.
        assertTrue(TrustedProxies.of("fe80::/10", ForwardingHeader.X_FORWARDED_FOR).trusts("fe80:0:0:0:0:0:0:1%eth0"));
        assertEquals(16, IpLiteral.parse("1:2:3:4:5:6:7:8").orElseThrow().length);
        assertEquals(4, IpLiteral.parse("0.0.0.0").orElseThrow().length);
    }

    @Test
    void cidrBlocksMatchExactly() {
        assertTrue(proxies.trusts("10.255.255.255"));
        assertFalse(proxies.trusts("11.0.0.1"));
        assertTrue(proxies.trusts("192.0.2.10"));
        assertFalse(proxies.trusts("192.0.2.11"));
        TrustedProxies half = TrustedProxies.of("192.0.2.0/25", ForwardingHeader.X_FORWARDED_FOR);
        assertTrue(half.trusts("192.0.2.127"));
        assertFalse(half.trusts("192.0.2.128"));
        assertTrue(proxies.trusts("2001:db8:ffff::1"));
        assertFalse(proxies.trusts("2001:db9::1"));
        assertTrue(TrustedProxies.of("0.0.0.0/0", ForwardingHeader.X_FORWARDED_FOR).trusts("203.0.113.9"));
        assertFalse(TrustedProxies.of("0.0.0.0/0", ForwardingHeader.X_FORWARDED_FOR).trusts("2001:db8::1"), "IPv4 blocks hold no IPv6");
    }

    /** The header is the operator's choice, never a guess: the other one is written by the client. */
    @Test
    void trustedProxiesWithoutAChosenHeaderStopTheStart() {
        InvalidSettingException refused = assertThrows(InvalidSettingException.class,
                () -> HttpSettings.with(Map.of(HttpSettings.TRUSTED_PROXIES, "10.0.0.0/8")));
        assertTrue(refused.getMessage().startsWith(HttpSettings.FORWARDED_HEADER + " "), refused.getMessage());
        assertTrue(refused.getMessage().contains("x-forwarded-for") && refused.getMessage().contains("forwarded"), refused.getMessage());
        assertThrows(InvalidSettingException.class, () -> HttpSettings.with(Map.of(HttpSettings.TRUSTED_PROXIES, "10.0.0.0/8",
                HttpSettings.FORWARDED_HEADER, "X-Real-IP")));
        assertThrows(InvalidSettingException.class, () -> HttpSettings.with(Map.of(HttpSettings.FORWARDED_HEADER, "x-forwarded-for")),
                "a header without trusted proxies would never be read: a misconfiguration, not a default");
        HttpSettings configured = HttpSettings.with(Map.of(HttpSettings.TRUSTED_PROXIES, "10.0.0.0/8",
                HttpSettings.FORWARDED_HEADER, "forwarded"));
        assertTrue(configured.trustedProxies().trusts("10.0.0.1"));
        assertEquals(ForwardingHeader.FORWARDED, configured.trustedProxies().header().orElseThrow());
        assertTrue(HttpSettings.defaults().trustedProxies().isEmpty());
    }

    @Test
    void configurationErrorsNameTheKeyAndWhatItAllows() {
        for (String bad : List.of("010.0.0.0/8", "10.0.0.0/x", "10.0.0.0/+8", "10.0.0.0/", "10.0.0.0/8/8", "10.0.0.0/-1",
                "10.0.0.0/33", "2001:db8::/129", "fe80::1%eth0", "proxy.internal", "1.2.3", "10.0.0.0/8, proxy.internal")) {
            InvalidSettingException refused = assertThrows(InvalidSettingException.class,
                    () -> HttpSettings.with(Map.of(HttpSettings.TRUSTED_PROXIES, bad, HttpSettings.FORWARDED_HEADER, "forwarded")), bad);
            assertTrue(refused.getMessage().startsWith(HttpSettings.TRUSTED_PROXIES + " "), refused.getMessage());
        }
        assertTrue(TrustedProxies.of(" , ", ForwardingHeader.FORWARDED).isEmpty());
    }

    /** The README promises that no request makes Latchkey resolve a name: nothing in it may call the resolver. */
    @Test
    void noCodeOfLatchkeysResolvesANameFromAString() {
        JavaClasses latchkey = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.latchkey");
        noClasses().should().callMethod(InetAddress.class, "getByName", String.class)
                .orShould().callMethod(InetAddress.class, "getAllByName", String.class)
                .orShould().callMethod(InetAddress.class, "getByAddress", String.class, byte[].class)
                .because("a forwarding header or a setting must never cause a DNS lookup (InetAddress.getByAddress(byte[]) never does)")
                .check(latchkey);
    }
}

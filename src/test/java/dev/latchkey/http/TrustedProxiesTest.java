package dev.latchkey.http;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrustedProxiesTest {

    private final TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8, 192.0.2.10, 2001:db8::/32");

    @Test
    void anUntrustedPeerCannotChooseItsAddress() {
        assertEquals("198.51.100.7", proxies.clientAddress("198.51.100.7", null, "203.0.113.9"));
        assertEquals("198.51.100.7", proxies.clientAddress("198.51.100.7", "for=203.0.113.9", null));
    }

    @Test
    void behindATrustedProxyTheRightmostUntrustedHopIsTheClient() {
        // The client prepended a lie; our proxy appended the address it really saw.
        assertEquals("203.0.113.9", proxies.clientAddress("10.1.2.3", null, "6.6.6.6, 203.0.113.9"));
        // Two trusted hops (load balancer, then ingress) are skipped.
        assertEquals("203.0.113.9", proxies.clientAddress("10.1.2.3", null, "6.6.6.6, 203.0.113.9, 192.0.2.10"));
    }

    @Test
    void forwardedHeaderIsPreferredAndItsSyntaxUnderstood() {
        assertEquals("203.0.113.9", proxies.clientAddress("192.0.2.10", "for=6.6.6.6, for=203.0.113.9;proto=https", "7.7.7.7"));
        assertEquals("2001:db9:0:0:0:0:0:1", proxies.clientAddress("192.0.2.10", "for=\"[2001:db9::1]:4711\"", null));
        assertEquals("203.0.113.9", proxies.clientAddress("192.0.2.10", null, "203.0.113.9:51234"));
    }

    @Test
    void garbageStopsAtTheLastVouchedAddressAndNeverResolvesNames() {
        assertEquals("10.1.2.3", proxies.clientAddress("10.1.2.3", null, "203.0.113.9, evil.example.com"));
        assertEquals("10.1.2.3", proxies.clientAddress("10.1.2.3", null, ""));
        assertFalse(proxies.trusts("localhost"), "a name is never looked up, so never trusted");
    }

    @Test
    void cidrBlocksMatchExactly() {
        assertTrue(proxies.trusts("10.255.255.255"));
        assertFalse(proxies.trusts("11.0.0.1"));
        assertTrue(proxies.trusts("192.0.2.10"));
        assertFalse(proxies.trusts("192.0.2.11"));
        assertTrue(TrustedProxies.parse("192.0.2.0/25").trusts("192.0.2.127"));
        assertFalse(TrustedProxies.parse("192.0.2.0/25").trusts("192.0.2.128"));
        assertTrue(proxies.trusts("2001:db8:ffff::1"));
    }

    @Test
    void aTypoInTheConfigurationStopsTheDeployment() {
        assertThrows(IllegalStateException.class, () -> TrustedProxies.parse("10.0.0.0/33"));
        assertThrows(IllegalStateException.class, () -> TrustedProxies.parse("proxy.internal"));
        assertTrue(TrustedProxies.parse("").isEmpty());
    }
}

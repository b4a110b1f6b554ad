package dev.latchkey.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CORS switched on. (One deployment can only run with one configuration; the integration tests
 * run with CORS off, the default, and prove that no response carries a CORS header.)
 */
class CorsPolicyTest {

    private static final String APP = "https://app.example.test";
    private static final String ADMIN = "http://localhost:3000";

    private final CorsPolicy cors = CorsPolicy.allowing(" https://App.Example.test , ," + ADMIN + " ");

    @Test
    void offUnlessOriginsAreConfigured() {
        CorsPolicy off = CorsPolicy.allowing("");
        assertFalse(off.enabled());
        assertEquals(Map.of(), off.responseHeaders(APP));
        assertEquals(Optional.empty(), off.preflightHeaders(APP, "POST"));
        assertTrue(cors.enabled());
    }

    @Test
    void anAllowedOriginIsEchoedWithCredentialsNeverAWildcard() {
        for (String origin : new String[] {APP, ADMIN}) {
            Map<String, String> headers = cors.responseHeaders(origin);
            assertEquals(origin, headers.get("Access-Control-Allow-Origin"));
            assertEquals("true", headers.get("Access-Control-Allow-Credentials"));
            assertEquals("Origin", headers.get("Vary"));
            assertTrue(headers.get("Access-Control-Expose-Headers").contains("WWW-Authenticate"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://evil.example.test", "https://app.example.test.evil.test", "http://app.example.test",
        "https://app.example.test:8443", "null", "*", "https://APP.example.test", "https://app.example.test/", ""})
    void anyOtherOriginGetsNoAccessButStillVary(String origin) {
        Map<String, String> headers = cors.responseHeaders(origin);
        assertNull(headers.get("Access-Control-Allow-Origin"));
        assertNull(headers.get("Access-Control-Allow-Credentials"));
        assertEquals("Origin", headers.get("Vary"), "caches must not reuse an allowed origin's answer");
        assertEquals(Optional.empty(), cors.preflightHeaders(origin, "POST"));
    }

    @Test
    void requestsWithoutOriginGetNoAccessHeaders() {
        assertNull(cors.responseHeaders(null).get("Access-Control-Allow-Origin"));
        assertEquals(Optional.empty(), cors.preflightHeaders(null, "POST"));
    }

    @Test
    void preflightsFromAllowedOriginsAreAnsweredWithExactlyWhatTheApiNeeds() {
        Map<String, String> headers = cors.preflightHeaders(APP, "POST").orElseThrow();
        assertEquals(APP, headers.get("Access-Control-Allow-Origin"));
        assertEquals("true", headers.get("Access-Control-Allow-Credentials"));
        assertEquals("GET, POST, DELETE", headers.get("Access-Control-Allow-Methods"));
        assertEquals("Authorization, Content-Type, X-CSRF-Token, DPoP", headers.get("Access-Control-Allow-Headers"));
        assertEquals("600", headers.get("Access-Control-Max-Age"));
        assertEquals("Origin", headers.get("Vary"));
    }

    @Test
    void anOptionsRequestWithoutARequestedMethodIsNoPreflight() {
        assertEquals(Optional.empty(), cors.preflightHeaders(APP, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "null", "https://*.example.test", "https://app.example.test/path", "app.example.test",
        "ftp://files.example.test", "https://app.example.test, *"})
    void wildcardsAndNonOriginsStopTheDeployment(String configured) {
        assertThrows(IllegalStateException.class, () -> CorsPolicy.allowing(configured));
    }
}

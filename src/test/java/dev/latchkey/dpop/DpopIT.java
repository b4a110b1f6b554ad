package dev.latchkey.dpop;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.latchkey.testsupport.client.BrowserSession;
import dev.latchkey.testsupport.client.DeployedLatchkeyTest;
import dev.latchkey.testsupport.client.DpopKey;
import dev.latchkey.testsupport.client.Eventually;
import dev.latchkey.testsupport.client.Http;
import dev.latchkey.testsupport.client.MetricsScrape;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.latchkey.testsupport.client.Http.assertProblem;
import static dev.latchkey.testsupport.client.Http.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DPoP (RFC 9449) on the test server's default configuration: refresh-only binding, no nonces.
 * Proofs are made by the test itself, with Nimbus's proof factory for the genuine ones. The
 * cluster tests (ClusterRevocationIT) cover replay across nodes, nonces and bound access tokens.
 */
class DpopIT extends DeployedLatchkeyTest {

    private static final String LOGIN = "/auth/login";
    private static final String REFRESH = "/auth/refresh";

    /** Logs in with a proof by {@code key}: the session is bound to it. */
    private BrowserSession boundSession(DpopKey key) {
        String email = registered();
        BrowserSession session = new BrowserSession(http);
        HttpResponse<String> login = session.absorb(http.send(http.request(LOGIN).header("Content-Type", "application/json")
                .header("DPoP", key.proof("POST", LOGIN))
                .POST(HttpRequest.BodyPublishers.ofString(Http.credentials(email, PASSWORD)))));
        assertEquals(200, login.statusCode(), login.body());
        assertEquals("Bearer", json(login).getString("token_type"), "refresh-only binding: the access token is a bearer token");
        return session;
    }

    private HttpResponse<String> refresh(BrowserSession session, String proof) {
        HttpRequest.Builder request = session.post(REFRESH);
        if (proof != null) {
            request.header("DPoP", proof);
        }
        return http.send(request);
    }

    @Test
    void aSessionBoundAtLoginRefreshesWithProofsByItsKey() {
        DpopKey key = DpopKey.generate();
        BrowserSession session = boundSession(key);
        String first = session.refreshToken();

        HttpResponse<String> refreshed = session.absorb(refresh(session, key.proof("POST", REFRESH)));
        assertEquals(200, refreshed.statusCode(), refreshed.body());
        assertNotEquals(first, session.refreshToken());
        assertEquals(200, session.me().statusCode());
        assertEquals(200, session.absorb(refresh(session, key.proof("POST", REFRESH))).statusCode());
    }

    @Test
    void everyBadProofIsRefusedAndLeavesTheSessionAsItWas() {
        DpopKey key = DpopKey.generate();
        BrowserSession session = boundSession(key);
        String token = session.refreshToken();
        DpopKey other = DpopKey.generate();
        Instant now = Instant.now();

        Map<String, String> badProofs = new LinkedHashMap<>();
        badProofs.put("no proof", null);
        badProofs.put("another key", other.proof("POST", REFRESH));
        badProofs.put("wrong htm", key.proof("GET", REFRESH));
        badProofs.put("wrong htu (another endpoint)", key.proof("POST", LOGIN));
        badProofs.put("wrong htu (the Host the request used, not the public URL)",
                key.proof(key.header().build(), new JWTClaimsSet.Builder(DpopKey.claims("POST", REFRESH, now).build())
                        .claim("htu", http.uri(REFRESH).toString()).build()));
        badProofs.put("stale iat", key.proof(key.header().build(), DpopKey.claims("POST", REFRESH, now.minusSeconds(60)).build()));
        badProofs.put("future iat", key.proof(key.header().build(), DpopKey.claims("POST", REFRESH, now.plusSeconds(60)).build()));
        badProofs.put("no jti", key.proof(key.header().build(), new JWTClaimsSet.Builder(DpopKey.claims("POST", REFRESH, now).build())
                .jwtID(null).build()));
        badProofs.put("private key in the header", key.proofWithRawHeader(
                "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":" + key.privateJwkJson() + "}", DpopKey.claims("POST", REFRESH, now).build()));
        badProofs.put("alg none", key.unsignedProof("POST", REFRESH));
        badProofs.put("HS256", key.hs256Proof("POST", REFRESH));
        badProofs.put("typ JWT", key.proof(key.header().type(JOSEObjectType.JWT).build(), DpopKey.claims("POST", REFRESH, now).build()));
        badProofs.put("no key in the header", key.proof(key.header().jwk(null).build(), DpopKey.claims("POST", REFRESH, now).build()));
        badProofs.put("not a JWT", "not-a-proof");

        for (Map.Entry<String, String> bad : badProofs.entrySet()) {
            HttpResponse<String> refused = refresh(session, bad.getValue());
            JsonObject problem = assertProblem(refused, 401, bad.getKey());
            assertEquals("urn:latchkey:problem:invalid-dpop-proof", problem.getString("type"), bad.getKey());
            assertEquals("invalid_dpop_proof", problem.getString("error"), bad.getKey());
            assertTrue(refused.headers().firstValue("WWW-Authenticate").orElse("").startsWith("DPoP error=\"invalid_dpop_proof\""),
                    bad.getKey());
            assertTrue(BrowserSession.setCookies(refused).isEmpty(), bad.getKey() + ": nothing rotated");
        }
        HttpResponse<String> twoProofs = http.send(session.post(REFRESH).header("DPoP", key.proof("POST", REFRESH))
                .header("DPoP", key.proof("POST", REFRESH)));
        assertProblem(twoProofs, 401, "two proofs");

        // The very token presented all along is still the current one, and the session still lives.
        assertEquals(token, session.refreshToken());
        HttpResponse<String> refreshed = session.absorb(refresh(session, key.proof("POST", REFRESH)));
        assertEquals(200, refreshed.statusCode(), refreshed.body());
        assertNotEquals(token, session.refreshToken());
    }

    @Test
    void aProofIsAcceptedOnceAndItsReplayIsRefused() {
        DpopKey key = DpopKey.generate();
        BrowserSession session = boundSession(key);
        String proof = key.proof("POST", REFRESH);
        assertEquals(200, session.absorb(refresh(session, proof)).statusCode());
        String current = session.refreshToken();

        assertEquals("urn:latchkey:problem:invalid-dpop-proof", assertProblem(refresh(session, proof), 401).getString("type"));
        assertEquals(current, session.refreshToken());
        assertEquals(200, session.absorb(refresh(session, key.proof("POST", REFRESH))).statusCode());
    }

    @Test
    void aCopiedRefreshCookieIsUselessWithoutTheKeyAndTheOwnerIsTold() {
        DpopKey key = DpopKey.generate();
        BrowserSession owner = boundSession(key);
        MetricsScrape before = MetricsScrape.of(http);

        // The thief copies both cookies (and so can pass the CSRF check) but not the key.
        BrowserSession thief = new BrowserSession(http);
        thief.setCookie(BrowserSession.REFRESH, owner.refreshToken());
        thief.setCookie(BrowserSession.CSRF, owner.csrfToken());
        assertProblem(http.send(thief.post(REFRESH)), 401);
        assertProblem(http.send(thief.post(REFRESH).header("DPoP", DpopKey.generate().proof("POST", REFRESH))), 401);

        assertEquals(2.0, MetricsScrape.of(http).increaseSince(before, "latchkey_refreshes_total", "outcome", "dpop_failed"));
        // The audit trail is written in the background: the owner sees the two attempts in their activity.
        Eventually.await("the attempts in the owner's activity", Duration.ofSeconds(10), () -> json(http.getWithBearer(
                "/auth/activity", owner.accessToken())).getJsonArray("events").getValuesAs(JsonObject.class).stream()
                .filter(event -> event.getString("type").equals("refresh_without_bound_key")).count() == 2);
        // The owner's session goes on.
        assertEquals(200, owner.absorb(refresh(owner, key.proof("POST", REFRESH))).statusCode());
    }

    @Test
    void anUnboundSessionIgnoresNoProofButRefusesABadOneAndIsNeverBoundLater() {
        String email = registered();
        BrowserSession session = BrowserSession.loggedIn(http, email, PASSWORD);
        assertEquals(200, session.refresh().statusCode(), "no proof: an unbound session refreshes as before");
        assertProblem(refresh(session, "not-a-proof"), 401);
        DpopKey thiefKey = DpopKey.generate();
        assertEquals(200, session.absorb(refresh(session, thiefKey.proof("POST", REFRESH))).statusCode());
        assertEquals(200, session.refresh().statusCode(), "a proof on a refresh does not bind the session to its key");
    }

    @Test
    void anUnboundAccessTokenWithTheDpopSchemeIsRefused() {
        DpopKey key = DpopKey.generate();
        BrowserSession session = boundSession(key);
        String token = session.accessToken();
        HttpResponse<String> refused = http.send(http.request("/api/me").header("Authorization", "DPoP " + token)
                .header("DPoP", key.proof("GET", "/api/me", token, null)).GET());
        assertEquals("urn:latchkey:problem:invalid-token", assertProblem(refused, 401).getString("type"));
    }

    @Test
    void discoveryAdvertisesTheProofAlgorithms() {
        JsonObject configuration = json(http.get("/.well-known/openid-configuration"));
        assertEquals(List.of("ES256", "RS256"), configuration.getJsonArray("dpop_signing_alg_values_supported")
                .getValuesAs(jakarta.json.JsonString::getString));
    }
}

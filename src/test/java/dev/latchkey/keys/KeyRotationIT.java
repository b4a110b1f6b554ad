package dev.latchkey.keys;

import dev.latchkey.testsupport.client.DeployedLatchkeyTest;
import dev.latchkey.testsupport.client.Eventually;
import dev.latchkey.testsupport.client.Http;
import dev.latchkey.testsupport.client.MetricsScrape;
import dev.latchkey.testsupport.client.ResourceServerClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.function.Predicate;

import static dev.latchkey.testsupport.client.Http.assertProblem;
import static dev.latchkey.testsupport.client.Http.json;
import static dev.latchkey.testsupport.client.Http.kid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Key rotation on a running node, the way an operator does it: a key is generated as next (here
 * through the key tool's operations run inside the server, since the in-memory test database is
 * out of this JVM's reach), the node picks it up by re-reading the key set on its own
 * ({@code latchkey.keys.refresh-seconds=1} in arquillian.xml), and tokens are checked over HTTP.
 *
 * <p>Every test starts from the key set of a fresh database (see {@link DeployedLatchkeyTest}),
 * rotates its own keys, and puts the default key set back when it is done: on PostgreSQL every
 * integration test class shares one key table, and the classes after this one expect an RS256 key
 * (the MicroProfile JWT consumer of {@code ResourceServerIT} accepts no EdDSA, for one).
 */
class KeyRotationIT extends DeployedLatchkeyTest {

    private static final String ADMIN = "first-admin@example.test";
    private static final long FIFTEEN_MINUTES = 15 * 60;
    private static final Duration PICKUP_TIMEOUT = Duration.ofSeconds(30);

    /** Each token from its own account, so that the session limit never ends an earlier one. */
    private String freshToken() {
        return http.registerAndLogin(Http.uniqueEmail(), PASSWORD);
    }

    private String activeKid() {
        return signingKeys.active();
    }

    private String generate(String algorithm) {
        return signingKeys.generate(algorithm);
    }

    private HttpResponse<String> promote(String kid) {
        return signingKeys.promote(kid);
    }

    private HttpResponse<String> revoke(String kid, String adminToken) {
        return http.send(http.request("/admin/signing-keys/" + kid + "/revoke")
                .header("Authorization", "Bearer " + adminToken).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) {
        Eventually.await(what, PICKUP_TIMEOUT, condition);
    }

    private void awaitPublished(Predicate<Set<String>> condition) {
        await("the JWKS changes", () -> condition.test(http.publishedKids()));
    }

    /** Leaves the key table as the test found it, for the classes after this one (on PostgreSQL). */
    @AfterEach
    void restoreTheDefaultKeySet() {
        signingKeys.resetToDefault();
    }

    @Test
    void tokensSignedBeforeARotationStayValidUntilTheyExpire() throws Exception {
        String old = activeKid();
        String next = generate("EdDSA");
        // The node finds the new key by itself, publishes it, and keeps signing with the old one.
        awaitPublished(kids -> kids.containsAll(Set.of(old, next)));
        assertEquals(old, kid(freshToken()), "a next key does not sign");

        HttpResponse<String> tooEarly = promote(next);
        assertEquals(409, tooEarly.statusCode());
        assertEquals("TOO_EARLY", tooEarly.body());

        http.advanceClock(FIFTEEN_MINUTES);
        String signedBeforeRotation = freshToken();
        assertEquals(old, kid(signedBeforeRotation));
        assertEquals(204, promote(next).statusCode());
        await("the node signs with the promoted key", () -> next.equals(activeKid()));

        String signedAfterRotation = freshToken();
        assertEquals(next, kid(signedAfterRotation), "new tokens carry the new kid");
        assertEquals(200, http.getWithBearer("/api/me", signedAfterRotation).statusCode(), "EdDSA verifies");
        assertEquals(200, http.getWithBearer("/api/me", signedBeforeRotation).statusCode());
        assertTrue(http.publishedKids().containsAll(Set.of(old, next)));

        // Nearly a whole lifetime later, the retired key still verifies what it signed.
        http.advanceClock(840);
        assertEquals(200, http.getWithBearer("/api/me", signedBeforeRotation).statusCode());
        assertTrue(http.publishedKids().contains(old));

        // A kid on the revocation list is refused although the key set still trusts the key:
        // that entry, which every node shares, is what makes a revocation instant cluster-wide.
        signingKeys.putOnRevocationList(old);
        assertTrue(http.publishedKids().contains(old));
        assertProblem(http.getWithBearer("/api/me", signedBeforeRotation), 401);

        // Once every token it signed has expired, the retired key leaves the JWKS.
        http.advanceClock(300);
        assertFalse(http.publishedKids().contains(old));
        assertTrue(http.publishedKids().contains(next));
        assertEquals(200, http.getWithBearer("/api/me", freshToken()).statusCode());
    }

    @Test
    void aRevokedKeyIsRefusedAtOnceAndLeavesTheJwks() throws Exception {
        String current = activeKid();
        String replacement = generate("ES256");
        awaitPublished(kids -> kids.contains(replacement));
        http.advanceClock(FIFTEEN_MINUTES);
        String signedByCurrent = freshToken();
        assertEquals(current, kid(signedByCurrent));
        assertEquals(204, promote(replacement).statusCode());
        await("the node signs with the promoted key", () -> replacement.equals(activeKid()));

        http.register(ADMIN, PASSWORD);
        String adminToken = Http.json(http.login(ADMIN, PASSWORD)).getString("access_token");
        assertEquals(replacement, kid(adminToken));
        ResourceServerClient resourceServer = new ResourceServerClient(http);
        assertEquals(200, http.getWithBearer("/api/me", signedByCurrent).statusCode());
        assertTrue(resourceServer.introspect(signedByCurrent).getBoolean("active"));

        MetricsScrape beforeRevocation = MetricsScrape.of(http);
        assertEquals(204, revoke(current, adminToken).statusCode());
        assertEquals(1, MetricsScrape.of(http).increaseSince(beforeRevocation, "latchkey_revocations_total", "kind", "kid"));
        // At once: no waiting for a re-read, on this node or (through the revocation list) any other.
        assertProblem(http.getWithBearer("/api/me", signedByCurrent), 401);
        assertFalse(resourceServer.introspect(signedByCurrent).getBoolean("active"));
        assertFalse(http.publishedKids().contains(current));
        assertTrue(signingKeys.isOnRevocationList(current));
        assertEquals(200, http.getWithBearer("/api/me", adminToken).statusCode(), "the other keys are unaffected");

        // Revoking again completes a revocation that failed halfway; it changes nothing else.
        assertEquals(204, revoke(current, adminToken).statusCode());

        JsonObject listed = json(http.send(http.request("/admin/signing-keys")
                .header("Authorization", "Bearer " + adminToken).GET()));
        assertTrue(listed.toString().contains("\"kid\":\"" + current + "\",\"alg\""), listed.toString());
        assertFalse(listed.toString().contains("v1."), "sealed keys never leave the server");
        listed.getJsonArray("keys").getValuesAs(JsonObject.class).stream()
                .filter(key -> key.getString("kid").equals(current))
                .forEach(key -> assertEquals("revoked", key.getString("state")));

        // The kid: entry outlives the key's own tokens (15 minutes and a little): a node that has
        // not re-read the key set since would trust the key again the moment the entry is gone,
        // for tokens anyone holding the revoked key can still mint. It stays for the longest
        // session (7 days by default), and then goes.
        http.advanceClock(2 * 3600);
        assertTrue(signingKeys.isOnRevocationList(current), "two hours later");
        http.advanceClock(6 * 24 * 3600);
        assertTrue(signingKeys.isOnRevocationList(current), "six days and two hours later");
        http.advanceClock(24 * 3600);
        assertFalse(signingKeys.isOnRevocationList(current), "forgotten after the longest session");
    }

    @Test
    void keyRevocationIsForAdministratorsAndNeverForTheActiveKey() {
        http.register(ADMIN, PASSWORD);
        String adminToken = Http.json(http.login(ADMIN, PASSWORD)).getString("access_token");
        String active = activeKid();

        assertProblem(revoke(active, adminToken), 409);
        assertEquals(200, http.getWithBearer("/api/me", adminToken).statusCode());
        assertProblem(revoke("no-such-kid", adminToken), 404);
        assertProblem(revoke("not.a.kid", adminToken), 404);
        assertProblem(revoke(active, freshToken()), 403);
        assertProblem(http.send(http.request("/admin/signing-keys/" + active + "/revoke")
                .POST(HttpRequest.BodyPublishers.noBody())), 401);
        assertProblem(http.send(http.request("/admin/signing-keys").header("Authorization", "Bearer " + freshToken()).GET()), 403);
        assertEquals(active, activeKid());
    }

    @Test
    void theJwksPublishesPublicKeysWithACacheLifetimeShorterThanAKeyIsNext() {
        HttpResponse<String> jwks = http.get("/.well-known/jwks.json");
        assertEquals(200, jwks.statusCode());
        assertEquals("max-age=300", jwks.headers().firstValue("Cache-Control").orElse(""));
        assertTrue(300 < FIFTEEN_MINUTES);
        for (JsonObject key : json(jwks).getJsonArray("keys").getValuesAs(JsonObject.class)) {
            assertTrue(key.containsKey("kid") && key.containsKey("alg") && key.containsKey("kty"), key.toString());
            assertEquals("sig", key.getString("use"));
            for (String privateParameter : new String[] {"d", "p", "q", "dp", "dq", "qi", "k"}) {
                assertFalse(key.containsKey(privateParameter), privateParameter + " in " + key);
            }
        }
        assertTrue(http.publishedKids().contains(activeKid()));
    }
}

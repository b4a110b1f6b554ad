package dev.latchkey.session;

import dev.latchkey.testsupport.client.DeployedLatchkeyTest;
import dev.latchkey.testsupport.client.ResponseShapes;
import dev.latchkey.testsupport.client.ServerUnderTest;
import dev.latchkey.testsupport.client.Http;
import dev.latchkey.testsupport.client.Timing;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;

import static dev.latchkey.testsupport.client.Http.assertProblem;
import static dev.latchkey.testsupport.client.Http.json;
import static dev.latchkey.testsupport.client.Http.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Register, log in and call the protected resource over real HTTP against a real Payara Micro. */
class AuthenticationFlowIT extends DeployedLatchkeyTest {

    /**
     * Issue 15: the session flow's cookies, hardening headers and problems are byte for byte the
     * same on every server (PayaraServerSmokeIT compares Payara Server's with the same file).
     */
    @Test
    void theSessionFlowAnswersAsOnEveryOtherServer() {
        ResponseShapes.assertSessionFlowHasTheShapesOnFile(http, ServerUnderTest.current());
    }

    @Test
    void registerLoginAndCallTheProtectedResource() {
        String email = uniqueEmail();
        HttpResponse<String> registered = http.register(email, PASSWORD);
        assertEquals(202, registered.statusCode());

        HttpResponse<String> login = http.login(email, PASSWORD);
        assertEquals(200, login.statusCode(), login.body());
        JsonObject tokens = json(login);
        assertEquals("Bearer", tokens.getString("token_type"));
        assertEquals(900, tokens.getInt("expires_in"));
        assertEquals("no-store", login.headers().firstValue("Cache-Control").orElse(""));
        assertEquals("no-cache", login.headers().firstValue("Pragma").orElse(""));

        String accessToken = tokens.getString("access_token");
        JsonObject header = decodeSegment(accessToken, 0);
        assertEquals("RS256", header.getString("alg"));
        assertEquals("JWT", header.getString("typ"));
        assertFalse(header.getString("kid").isEmpty());
        JsonObject claims = decodeSegment(accessToken, 1);
        for (String claim : new String[] {"iss", "sub", "aud", "exp", "iat", "nbf", "jti", "groups", "upn", "sid"}) {
            assertTrue(claims.containsKey(claim), "claim " + claim);
        }
        assertFalse(claims.containsKey("email"), "no personal data in the token");
        assertEquals(900, claims.getJsonNumber("exp").longValue() - claims.getJsonNumber("iat").longValue());

        HttpResponse<String> me = http.getWithBearer("/api/me", accessToken);
        assertEquals(200, me.statusCode(), me.body());
        JsonObject body = json(me);
        assertEquals(claims.getString("sub"), body.getString("sub"));
        assertEquals(email, body.getString("email"));
        assertEquals("user", body.getJsonArray("roles").getString(0));
    }

    @Test
    void rolesFromTheTokenDecideRolesAllowed() {
        String token = http.registerAndLogin(uniqueEmail(), PASSWORD);
        assertProblem(http.getWithBearer("/api/test-support/admin-only", token), 403);
        assertProblem(http.get("/api/test-support/admin-only"), 401);
    }

    @Test
    void noTokenIsUnauthorized() {
        HttpResponse<String> response = http.get("/api/me");
        assertProblem(response, 401);
        assertEquals("Bearer realm=\"latchkey\"", response.headers().firstValue("WWW-Authenticate").orElse(""));
    }

    @Test
    void tamperedTokenIsUnauthorizedWithTheGenericError() {
        String token = http.registerAndLogin(uniqueEmail(), PASSWORD);
        String[] parts = token.split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"user\"", "\"admin\"");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];

        HttpResponse<String> response = http.getWithBearer("/api/me", tampered);
        assertProblem(response, 401);
        assertEquals("Bearer realm=\"latchkey\", error=\"invalid_token\", error_description=\"token invalid\"",
                response.headers().firstValue("WWW-Authenticate").orElse(""));
    }

    @Test
    void expiredTokenIsUnauthorizedAsExpired() {
        String token = http.registerAndLogin(uniqueEmail(), PASSWORD);
        assertEquals(200, http.getWithBearer("/api/me", token).statusCode());

        // 15 minutes of lifetime plus the 60 s of tolerated clock skew, plus one second.
        http.advanceClock(900 + 60 + 1);

        HttpResponse<String> response = http.getWithBearer("/api/me", token);
        assertProblem(response, 401);
        assertEquals("Bearer realm=\"latchkey\", error=\"invalid_token\", error_description=\"token expired\"",
                response.headers().firstValue("WWW-Authenticate").orElse(""));
    }

    @Test
    void unknownUserAndWrongPasswordGetIdenticalAnswers() {
        String email = uniqueEmail();
        assertEquals(202, http.register(email, PASSWORD).statusCode());

        HttpResponse<String> wrongPassword = http.login(email, PASSWORD + " but wrong");
        HttpResponse<String> unknownUser = http.login(uniqueEmail(), PASSWORD);

        assertProblem(wrongPassword, 401);
        assertEquals(wrongPassword.statusCode(), unknownUser.statusCode());
        assertEquals(wrongPassword.body(), unknownUser.body());
        assertEquals(wrongPassword.headers().firstValue("Content-Type"), unknownUser.headers().firstValue("Content-Type"));
    }

    /**
     * Issue 5, "No account enumeration": 30 attempts each way, medians within 25% of each other,
     * identical status and body. Each kind is warmed up first, and the two kinds are interleaved in
     * ABBA order, so that whatever else loads the machine meanwhile (other builds, garbage
     * collection) falls on both alike. Every existing account is used once per flow, as a real
     * enumeration would, and so no per-account limit can come into play.
     */
    @Test
    void existingAndUnknownAccountsCannotBeToldApartByTimeStatusOrBody() {
        List<String> existing = new ArrayList<>();
        for (int i = 0; i < Timing.ACCOUNTS_NEEDED; i++) {
            existing.add(registered());
        }
        Iterator<String> fresh = Timing.freshAddresses(2);
        Timing.assertIndistinguishable("login", 401, i -> http.login(existing.get(i), "not the password of " + i),
                i -> http.login(fresh.next(), "not the password of " + i));
        // A new address costs an INSERT and a commit; a taken one must cost as much.
        Timing.assertIndistinguishable("registration", 202, i -> http.register(existing.get(i), "another long passphrase " + i),
                i -> http.register(fresh.next(), "another long passphrase " + i));
    }

    @Test
    void repeatedFailuresForOneAccountAreLimitedAlikeForKnownAndUnknownAddresses() {
        String known = registered();
        String unknown = uniqueEmail();
        for (int i = 0; i < 5; i++) {
            assertProblem(http.login(known, "not the password " + i), 401);
            assertProblem(http.login(unknown, "not the password " + i), 401);
        }
        // Even the right password is refused now, without a password hash being spent on it.
        HttpResponse<String> knownRefused = http.login(known, PASSWORD);
        HttpResponse<String> unknownRefused = http.login(unknown, PASSWORD);
        assertProblem(knownRefused, 429);
        assertProblem(unknownRefused, 429);
        assertEquals(knownRefused.body(), unknownRefused.body(), "the limit says nothing about which account exists");
        assertTrue(Long.parseLong(knownRefused.headers().firstValue("Retry-After").orElse("0")) > 0);
        // Other accounts are unaffected.
        String other = registered();
        assertEquals(200, http.login(other, PASSWORD).statusCode());
    }

    @Test
    void registeringATakenAddressLooksTheSameAndChangesNothing() {
        String email = uniqueEmail();
        HttpResponse<String> first = http.register(email, PASSWORD);
        HttpResponse<String> again = http.register(email.toUpperCase(java.util.Locale.ROOT), "another long passphrase 42");

        assertEquals(202, again.statusCode());
        assertEquals(first.body(), again.body());
        assertEquals(200, http.login(email, PASSWORD).statusCode(), "the original password still works");
        assertProblem(http.login(email, "another long passphrase 42"), 401);
    }

    @Test
    void emailAddressesAreCaseInsensitive() {
        String email = uniqueEmail();
        assertEquals(202, http.register(email.toUpperCase(java.util.Locale.ROOT), PASSWORD).statusCode());
        assertEquals(200, http.login(email, PASSWORD).statusCode());
    }

    @Test
    void weakPasswordsAreRefusedAtRegistration() {
        assertProblem(http.register(uniqueEmail(), "short"), 400);
        assertProblem(http.register(uniqueEmail(), "x".repeat(129)), 400);
        assertProblem(http.register(uniqueEmail(), "unbelievable"), 400);
        assertProblem(http.register(uniqueEmail(), "UnBelievable"), 400);
        // Long enough, but on the shipped list of known-breached passwords.
        assertProblem(http.register(uniqueEmail(), "qwertyuiopasdfghjkl"), 400);
        // 128 characters of Unicode are fine and are not truncated: a different 128-character
        // password that shares the first 72 bytes must not log in. (It opens with words, so that
        // the strength estimate passes it: 100 ü alone would be a repeat, score 1.)
        String email = uniqueEmail();
        String start = "hüttenzauber kolibri ankerwinde " + "ü".repeat(68);
        String longPassword = start + "a".repeat(28);
        assertEquals(128, longPassword.codePointCount(0, longPassword.length()));
        assertEquals(202, http.register(email, longPassword).statusCode());
        assertEquals(200, http.login(email, longPassword).statusCode());
        assertProblem(http.login(email, start + "b".repeat(28)), 401);
    }

    @Test
    void jwksPublishesThePublicSigningKeyOnly() {
        HttpResponse<String> response = http.get("/.well-known/jwks.json");
        assertEquals(200, response.statusCode());
        JsonObject key = json(response).getJsonArray("keys").getJsonObject(0);
        assertEquals("RS256", key.getString("alg"));
        assertEquals("sig", key.getString("use"));
        assertEquals("RSA", key.getString("kty"));
        assertFalse(key.getString("kid").isEmpty());
        for (String privatePart : new String[] {"d", "p", "q", "dp", "dq", "qi"}) {
            assertFalse(key.containsKey(privatePart), "private parameter " + privatePart + " published");
        }
        String token = http.registerAndLogin(uniqueEmail(), PASSWORD);
        assertEquals(key.getString("kid"), decodeSegment(token, 0).getString("kid"));
    }

    @Test
    void everyResponseCarriesTheHardeningHeaders() {
        String email = uniqueEmail();
        for (HttpResponse<String> response : java.util.List.of(http.get("/.well-known/jwks.json"), http.get("/api/me"),
                http.register(email, PASSWORD), http.login(uniqueEmail(), PASSWORD))) {
            Http.assertHardened(response);
        }
        HttpResponse<String> login = http.login(email, PASSWORD);
        HttpResponse<String> me = http.getWithBearer("/api/me", json(login).getString("access_token"));
        HttpResponse<String> logout = http.send(http.request("/auth/logout")
                .header("Authorization", "Bearer " + json(login).getString("access_token")).POST(HttpRequest.BodyPublishers.noBody()));
        for (HttpResponse<String> response : java.util.List.of(login, me, logout)) {
            Http.assertHardened(response);
        }
        // RFC 6749 5.1: responses that hand out or take back tokens are never stored, by any cache.
        assertEquals("no-cache", login.headers().firstValue("Pragma").orElse(""));
        assertEquals("no-cache", logout.headers().firstValue("Pragma").orElse(""));
    }

    private static JsonObject decodeSegment(String token, int index) {
        String json = new String(Base64.getUrlDecoder().decode(token.split("\\.")[index]), StandardCharsets.UTF_8);
        return jakarta.json.Json.createReader(new java.io.StringReader(json)).readObject();
    }
}

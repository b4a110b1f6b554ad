package dev.latchkey.interop;

import dev.latchkey.testsupport.client.Authenticator;
import dev.latchkey.testsupport.client.BrowserSession;
import dev.latchkey.testsupport.client.DeployedLatchkeyTest;
import dev.latchkey.testsupport.client.Http;
import dev.latchkey.testsupport.client.ResourceServerClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.latchkey.testsupport.client.Http.assertProblem;
import static dev.latchkey.testsupport.client.Http.json;
import static dev.latchkey.testsupport.client.ResourceServerClient.CLIENT_ID;
import static dev.latchkey.testsupport.client.ResourceServerClient.SECRET;
import static dev.latchkey.testsupport.client.ResourceServerClient.basic;
import static dev.latchkey.testsupport.client.ResourceServerClient.form;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How other applications trust Latchkey's tokens. An unmodified MicroProfile JWT application (in
 * a second Payara Micro, or beside Latchkey on WildFly, {@link ConsumerServer}) accepts them with only the three standard settings (and refuses altered,
 * expired and foreign ones); resource servers that need revocations at once ask the
 * introspection endpoint; and discovery describes exactly these endpoints.
 */
class ResourceServerIT extends DeployedLatchkeyTest {

    private static final String ADMIN = "first-admin@example.test";

    private static ConsumerServer consumer;

    @BeforeEach
    void startConsumerOnce() throws Exception {
        if (consumer == null) {
            JsonObject discovery = json(http.get("/.well-known/openid-configuration"));
            consumer = ConsumerServer.start(http.uri("/"), discovery.getString("issuer"), "latchkey");
        }
    }

    @AfterAll
    static void stopConsumer() {
        if (consumer != null) {
            consumer.close();
            consumer = null;
        }
    }

    private HttpResponse<String> atConsumer(String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(consumer.base().resolve(path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request);
    }

    /** A genuine login token with one claim changed (or none), re-signed with Latchkey's real key. */
    private String genuineTokenWith(String claim, String value) {
        String token = http.registerAndLogin(Http.uniqueEmail(), PASSWORD);
        jakarta.json.JsonObjectBuilder claims = jakarta.json.Json.createObjectBuilder(
                jakarta.json.Json.createReader(new java.io.StringReader(payload(token))).readObject());
        if (claim != null) {
            claims.add(claim, value);
        }
        String payloadSegment = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(claims.build().toString().getBytes(StandardCharsets.UTF_8));
        return http.signedByServer(token.split("\\.")[0], payloadSegment);
    }

    private static String withPayload(String token, String payloadJson) {
        String[] parts = token.split("\\.");
        return parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
    }

    private static String payload(String token) {
        return new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
    }

    @Test
    void aMicroProfileJwtAppAcceptsOurTokenWithItsPrincipalAndGroups() {
        String token = http.registerAndLogin(Http.uniqueEmail(), PASSWORD);
        String userId = json(http.getWithBearer("/api/me", token)).getString("sub");

        HttpResponse<String> whoami = atConsumer("whoami", token);
        assertEquals(200, whoami.statusCode(), whoami.body());
        JsonObject caller = json(whoami);
        assertEquals(userId, caller.getString("principal"), "upn is the user id");
        assertEquals(userId, caller.getString("name"));
        assertEquals(userId, caller.getString("subject"));
        assertEquals(List.of("user"), caller.getJsonArray("groups").getValuesAs(JsonString.class).stream()
                .map(JsonString::getString).toList());
        assertFalse(caller.getBoolean("admin"));
        assertEquals(403, atConsumer("admin-only", token).statusCode(), "groups are the roles");

        http.register(ADMIN, PASSWORD);
        String adminToken = json(http.login(ADMIN, PASSWORD)).getString("access_token");
        assertEquals(200, atConsumer("admin-only", adminToken).statusCode());
        assertTrue(json(atConsumer("whoami", adminToken)).getBoolean("admin"));
    }

    /**
     * The consumer's {@code token} route is the peer of Latchkey's {@code /api/me/token} in issue
     * 20's benchmark: for one token, the two answer the same JSON, so the benchmark compares the
     * checks, not the answers.
     */
    @Test
    void theConsumersTokenRouteAnswersWhatLatchkeysTokenOnlyEndpointAnswers() {
        String token = http.registerAndLogin(Http.uniqueEmail(), PASSWORD);

        HttpResponse<String> stock = atConsumer("token", token);
        HttpResponse<String> latchkey = http.getWithBearer("/api/me/token", token);
        assertEquals(200, stock.statusCode(), stock.body());
        assertEquals(200, latchkey.statusCode(), latchkey.body());
        assertEquals(json(latchkey), json(stock));
        assertEquals(401, atConsumer("token", token.substring(0, token.length() - 2)).statusCode(), "a broken signature");
    }

    /**
     * docs/mfa.md: an application demands a second factor for its own routes by reading {@code amr}.
     * A recovery code completes the login here, so no step of the clock is involved.
     */
    @Test
    void aMicroProfileJwtAppCanDemandTheSecondFactorThroughAmr() {
        String email = Http.uniqueEmail();
        String passwordOnly = http.registerAndLogin(email, PASSWORD);
        assertEquals(403, atConsumer("needs-second-factor", passwordOnly).statusCode());

        String secret = json(bearerPost("/auth/mfa/totp/enroll", passwordOnly, "{\"password\":\"" + PASSWORD + "\"}"))
                .getString("secret");
        String code = Authenticator.fromBase32(secret).codeAt(java.time.Instant.now());
        HttpResponse<String> confirmed = bearerPost("/auth/mfa/totp/confirm", passwordOnly, "{\"code\":\"" + code + "\"}");
        assertEquals(200, confirmed.statusCode(), confirmed.body());
        String recoveryCode = json(confirmed).getJsonArray("recovery_codes").getString(0);
        String mfaToken = json(http.login(email, PASSWORD)).getString("mfa_token");
        HttpResponse<String> completed = http.postJson("/auth/login/mfa",
                "{\"mfa_token\":\"" + mfaToken + "\",\"recovery_code\":\"" + recoveryCode + "\"}");
        assertEquals(200, completed.statusCode(), completed.body());

        HttpResponse<String> allowed = atConsumer("needs-second-factor", json(completed).getString("access_token"));
        assertEquals(200, allowed.statusCode(), allowed.body());
        assertEquals("mfa pwd", allowed.body());
    }

    private HttpResponse<String> bearerPost(String path, String accessToken, String body) {
        return http.send(http.request(path).header("Content-Type", "application/json").header("Authorization", "Bearer " + accessToken)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)));
    }

    /**
     * docs/roles.md end to end: a role granted through the admin API opens the consumer's
     * {@code @RolesAllowed} route after a refresh; the route also demands a permission, read from
     * the token, or from introspection once the token's list is truncated.
     */
    @Test
    void aRoleGrantedThroughTheAdminApiOpensTheConsumersRouteAfterARefresh() {
        http.register(ADMIN, PASSWORD);
        String admin = BrowserSession.loggedIn(http, ADMIN, PASSWORD).accessToken();
        defineRole(admin, "\"reports:read\"");
        BrowserSession user = BrowserSession.loggedIn(http, registered(), PASSWORD);
        String userId = json(user.me()).getString("sub");
        assertEquals(403, atConsumer("reports", user.accessToken()).statusCode(), "no role yet");

        HttpResponse<String> granted = http.send(http.request("/admin/users/" + userId + "/roles")
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"roles\":[\"user\",\"reports-reader\"]}")));
        assertEquals(204, granted.statusCode(), granted.body());
        assertEquals(403, atConsumer("reports", user.accessToken()).statusCode(),
                "the consumer checks signatures only: the old token still says the old roles, and is refused");
        assertEquals(200, user.refresh().statusCode());
        HttpResponse<String> allowed = atConsumer("reports", user.accessToken());
        assertEquals(200, allowed.statusCode(), allowed.body());
        assertEquals("reports:read from token", allowed.body());

        // 51 permissions: past the token's cap, so the consumer asks introspection for them.
        defineRole(admin, "\"reports:read\"," + IntStream.range(0, 50)
                .mapToObj(i -> "\"extra" + i + ":read\"").collect(Collectors.joining(",")));
        assertEquals(200, user.refresh().statusCode());
        HttpResponse<String> truncated = atConsumer("reports", user.accessToken());
        assertEquals(200, truncated.statusCode(), truncated.body());
        assertEquals("reports:read from introspection", truncated.body());

        defineRole(admin, "\"reports:export\"");
        assertEquals(200, user.refresh().statusCode());
        assertEquals(403, atConsumer("reports", user.accessToken()).statusCode(), "the role without the permission is not enough");
    }

    private void defineRole(String adminToken, String permissions) {
        HttpResponse<String> defined = http.send(http.request("/admin/roles/reports-reader")
                .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"permissions\":[" + permissions + "]}")));
        assertTrue(defined.statusCode() == 200 || defined.statusCode() == 201, defined.body());
    }

    @Test
    void theAppRefusesAlteredExpiredAndForeignTokens() {
        String token = http.registerAndLogin(Http.uniqueEmail(), PASSWORD);
        assertEquals(200, atConsumer("whoami", token).statusCode());

        String promoted = withPayload(token, payload(token).replace("\"groups\":[\"user\"]", "\"groups\":[\"user\",\"admin\"]"));
        assertTrue(payload(promoted).contains("admin"));
        assertEquals(401, atConsumer("admin-only", promoted).statusCode(), "altered claims");
        assertEquals(401, atConsumer("whoami", promoted).statusCode());
        String[] parts = token.split("\\.");
        byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
        signature[10] ^= 0x01;
        assertEquals(401, atConsumer("whoami", parts[0] + "." + parts[1] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(signature)).statusCode(), "altered signature");
        String unsigned = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}"
                .getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + ".";
        assertEquals(401, atConsumer("whoami", unsigned).statusCode(), "alg none");

        // Issued by Latchkey's real login, but with Latchkey's clock set back past a lifetime and the skew.
        http.advanceClock(-(900 + 120));
        String expired = http.registerAndLogin(Http.uniqueEmail(), PASSWORD);
        http.resetClock();
        assertEquals(401, atConsumer("whoami", expired).statusCode(), "expired");

        // Signed with Latchkey's real active key, so only the claim itself can be why they fail.
        assertEquals(200, atConsumer("whoami", genuineTokenWith(null, null)).statusCode(), "the re-signed baseline is accepted");
        assertEquals(401, atConsumer("whoami", genuineTokenWith("aud", "another-api")).statusCode(), "wrong audience");
        assertEquals(401, atConsumer("whoami", genuineTokenWith("iss", "https://evil.example.test")).statusCode(), "wrong issuer");
        assertEquals(401, atConsumer("whoami", null).statusCode(), "no token");
    }

    @Test
    void introspectionAnswersWithTheClaimsOrInactiveAndSeesRevocationAtOnce() {
        ResourceServerClient resourceServer = new ResourceServerClient(http);
        String token = http.registerAndLogin(Http.uniqueEmail(), PASSWORD);
        String userId = json(http.getWithBearer("/api/me", token)).getString("sub");

        HttpResponse<String> response = resourceServer.introspect(form(token), basic(CLIENT_ID, SECRET));
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""));
        JsonObject active = json(response);
        assertTrue(active.getBoolean("active"));
        assertEquals(userId, active.getString("sub"));
        assertEquals("latchkey", active.getString("aud"));
        assertEquals("Bearer", active.getString("token_type"));
        assertEquals(List.of("user"), active.getJsonArray("groups").getValuesAs(JsonString.class).stream()
                .map(JsonString::getString).toList());
        assertTrue(active.getJsonNumber("exp").longValue() > active.getJsonNumber("iat").longValue());

        // client_secret_post works the same way.
        HttpResponse<String> posted = resourceServer.introspect(form(token) + "&client_id=" + CLIENT_ID + "&client_secret=" + SECRET, null);
        assertTrue(json(posted).getBoolean("active"), posted.body());

        // Logout puts the token on the revocation list; introspection sees it at once.
        assertEquals(204, http.send(http.request("/auth/logout").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode());
        assertEquals(Set.of("active"), resourceServer.introspect(token).keySet());
        assertFalse(resourceServer.introspect(token).getBoolean("active"));

        for (String notOurs : new String[] {"garbage", token + "x", "a".repeat(9000)}) {
            assertFalse(resourceServer.introspect(notOurs).getBoolean("active"));
        }
        String expiresSoon = http.registerAndLogin(Http.uniqueEmail(), PASSWORD);
        assertTrue(resourceServer.introspect(expiresSoon).getBoolean("active"));
        http.advanceClock(900 + 61);
        assertFalse(resourceServer.introspect(expiresSoon).getBoolean("active"), "expired");
    }

    @Test
    void onlyRegisteredResourceServersMayIntrospect() {
        ResourceServerClient resourceServer = new ResourceServerClient(http);
        String token = http.registerAndLogin(Http.uniqueEmail(), PASSWORD);

        HttpResponse<String> wrongSecret = resourceServer.introspect(form(token), basic(CLIENT_ID, SECRET + "x"));
        HttpResponse<String> unknownClient = resourceServer.introspect(form(token), basic("unknown-api", SECRET));
        for (HttpResponse<String> refused : List.of(wrongSecret, unknownClient,
                resourceServer.introspect(form(token), null),
                resourceServer.introspect(form(token), "Bearer " + token),
                resourceServer.introspect(form(token), "Basic !!!not-base64"),
                resourceServer.introspect(form(token), "Basic " + Base64.getEncoder().encodeToString("no-colon".getBytes(StandardCharsets.UTF_8))),
                resourceServer.introspect(form(token) + "&client_id=" + CLIENT_ID, null),
                resourceServer.introspect(form(token) + "&client_id=" + CLIENT_ID + "&client_secret=wrong", null))) {
            assertProblem(refused, 401);
            assertTrue(refused.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
            assertFalse(refused.body().contains("active"));
        }
        assertEquals(wrongSecret.body(), unknownClient.body(), "an unknown client and a wrong secret look the same");

        assertProblem(resourceServer.introspect("token_type_hint=access_token", basic(CLIENT_ID, SECRET)), 400);
        assertProblem(resourceServer.introspect(form(token) + "&token=other", basic(CLIENT_ID, SECRET)), 400);
        assertProblem(resourceServer.introspect("token=%zz", basic(CLIENT_ID, SECRET)), 400);
        assertProblem(resourceServer.introspect(form(token) + "&client_id=" + CLIENT_ID + "&client_secret=" + SECRET,
                basic(CLIENT_ID, SECRET)), 400);
        assertProblem(http.send(http.request("/auth/introspect").header("Authorization", basic(CLIENT_ID, SECRET))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"x\"}"))), 415);
        assertProblem(http.send(http.request("/auth/introspect").GET()), 405);
        assertProblem(resourceServer.introspect("token=" + "a".repeat(20_000), basic(CLIENT_ID, SECRET)), 413);
    }

    @Test
    void discoveryClaimsOnlyWhatExists() {
        HttpResponse<String> response = http.get("/.well-known/openid-configuration");
        assertEquals(200, response.statusCode());
        JsonObject discovery = json(response);
        assertEquals(Set.of("issuer", "jwks_uri", "access_token_signing_alg_values_supported", "introspection_endpoint",
                "introspection_endpoint_auth_methods_supported", "claims_supported", "dpop_signing_alg_values_supported"),
                discovery.keySet());
        assertTrue(discovery.getString("jwks_uri").endsWith("/.well-known/jwks.json"));
        assertTrue(discovery.getString("introspection_endpoint").endsWith("/auth/introspect"));

        Set<String> publishedAlgorithms = json(http.get("/.well-known/jwks.json")).getJsonArray("keys")
                .getValuesAs(JsonObject.class).stream().map(key -> key.getString("alg")).collect(Collectors.toSet());
        assertEquals(publishedAlgorithms, discovery.getJsonArray("access_token_signing_alg_values_supported")
                .getValuesAs(JsonString.class).stream().map(JsonString::getString).collect(Collectors.toSet()));

        // Every endpoint it names answers at that path on this server.
        assertEquals(200, http.get(URI.create(discovery.getString("jwks_uri")).getPath()).statusCode());
        assertProblem(new ResourceServerClient(http).introspect(form("x"), null), 401);
        assertEquals("/auth/introspect", URI.create(discovery.getString("introspection_endpoint")).getPath());
    }
}

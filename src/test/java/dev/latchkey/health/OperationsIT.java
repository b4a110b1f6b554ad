package dev.latchkey.health;

import dev.latchkey.testsupport.client.Authenticator;
import dev.latchkey.testsupport.client.BrowserSession;
import dev.latchkey.testsupport.client.DeployedLatchkeyTest;
import dev.latchkey.testsupport.client.Eventually;
import dev.latchkey.testsupport.client.Http;
import dev.latchkey.testsupport.client.MetricsScrape;
import dev.latchkey.testsupport.client.OpenApiContract;
import dev.latchkey.testsupport.client.ResourceServerClient;
import dev.latchkey.testsupport.client.ServerUnderTest;
import dev.latchkey.testsupport.client.TestMailServer;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static dev.latchkey.testsupport.client.Http.assertProblem;
import static dev.latchkey.testsupport.client.Http.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What operators read on the deployed server: {@code /health/ready} and {@code /health/live}, each
 * readiness check by name and the failure modes one node can show alone (the database outage and
 * the lost quorum need nodes of their own: DatabaseOutageIT, ClusterRevocationIT), and the API
 * description at {@code /openapi.json}, and {@code /metrics}: one class, so one server start.
 */
class OperationsIT extends DeployedLatchkeyTest {

    private static final List<String> READINESS_CHECKS = List.of("cluster", "database", "mail", "revocations", "signing-keys");
    /** {@code latchkey.keys.max-staleness-seconds}' default, which the test server keeps. */
    private static final long MAX_STALENESS_SECONDS = 300;
    /** {@code latchkey.mail.stalled-after-seconds}' default, which the test server keeps. */
    private static final long MAIL_STALLED_AFTER_SECONDS = 900;
    /** The test server's {@code latchkey.admin.bootstrap-email} (src/test/resources/arquillian.xml). */
    private static final String ADMIN = "first-admin@example.test";

    @Test
    void readinessNamesEachCheckAndRevealsNothingAboutTheServer() {
        HttpResponse<String> ready = http.health("ready");
        assertEquals(200, ready.statusCode(), ready.body());
        Map<String, JsonObject> checks = checks(ready);
        // WildFly's health endpoint (on its management interface, for operators only) adds the
        // server's own checks beside Latchkey's; Payara's serves Latchkey's alone.
        Map<String, JsonObject> latchkeys = new TreeMap<>(checks);
        latchkeys.keySet().retainAll(READINESS_CHECKS);
        assertEquals(READINESS_CHECKS, List.copyOf(latchkeys.keySet()));
        if (ServerUnderTest.current() != ServerUnderTest.WILDFLY) {
            assertEquals(READINESS_CHECKS, List.copyOf(checks.keySet()));
        }
        latchkeys.forEach((name, check) -> assertEquals("UP", check.getString("status"), name));
        String ours = ServerUnderTest.current() == ServerUnderTest.WILDFLY ? latchkeys.toString() : ready.body();
        for (String revealing : List.of("127.0.0.1", "localhost", "jdbc", "h2", "postgres", "Payara", "WildFly", "6.2025", "8181")) {
            assertFalse(ours.toLowerCase().contains(revealing.toLowerCase()), "names " + revealing + ": " + ours);
        }

        HttpResponse<String> live = http.health("live");
        assertEquals(200, live.statusCode(), live.body());
        assertTrue(checks(live).containsKey("process"), live.body());
        if (ServerUnderTest.current() != ServerUnderTest.WILDFLY) {
            assertEquals(List.of("process"), List.copyOf(checks(live).keySet()));
        }
    }

    @Test
    void theApiDescriptionIsLatchkeysOwnDocumentAsWritten() {
        HttpResponse<String> served = http.get("/openapi.json");
        assertEquals(200, served.statusCode(), served.body());
        assertTrue(served.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertEquals(OpenApiContract.instance().document(), json(served), "the document the contract tests hold responses to");
    }

    @Test
    void aKeySetThatCannotBeReReadGoesStaleAndTakesTheNodeOutOfRotationUntilItIsReadAgain() {
        // A test that moved the clock forward and back can leave the last read in the future:
        // start from one at the present time.
        http.resetClock();
        Eventually.await("the key set read at the present time", Duration.ofSeconds(10), () -> {
            double age = MetricsScrape.of(http).value("latchkey_signing_keys_read_age_seconds");
            return age >= 0 && age < 5;
        });
        setSigningKeyTable(false);
        try {
            // Re-reads fail from now on; past the staleness limit the node may trust a revoked key.
            http.advanceClock(MAX_STALENESS_SECONDS + 1);
            Eventually.await("the key set reported stale", Duration.ofSeconds(10), () -> http.health("ready").statusCode() == 503);
            Map<String, JsonObject> checks = checks(http.health("ready"));
            assertEquals("DOWN", checks.get("signing-keys").getString("status"));
            assertEquals("UP", checks.get("database").getString("status"), "only the key set is the matter");
        } finally {
            setSigningKeyTable(true);
        }
        Eventually.await("ready again after one good re-read", Duration.ofSeconds(15), () -> http.health("ready").statusCode() == 200);
        http.resetClock();
    }

    @Test
    void mailThatCannotBeDeliveredIsAWarningThatKeepsTheNodeReady() throws Exception {
        // No SMTP server listens until the mail server below starts: the notice waits in the outbox.
        String email = Http.uniqueEmail();
        String accessToken = http.registerAndLogin(email, PASSWORD);
        assertEquals(200, http.changePassword(accessToken, PASSWORD, "a new and long enough passphrase").statusCode());
        try {
            http.advanceClock(MAIL_STALLED_AFTER_SECONDS + 1);
            // Ready (200) while stalled: a warning, not a reason to take the node out. (The key set
            // looks stale for the second until its next re-read after the clock moved.)
            Eventually.await("the outbox reported stalled on a ready node", Duration.ofSeconds(15), () -> {
                HttpResponse<String> ready = http.health("ready");
                return ready.statusCode() == 200 && mailStalled(ready);
            });
            assertEquals("UP", checks(http.health("ready")).get("mail").getString("status"));
            MetricsScrape waiting = MetricsScrape.of(http);
            assertTrue(waiting.value("latchkey_mail_outbox_queued") >= 1, "the notice waits in the outbox");
            assertTrue(waiting.value("latchkey_mail_outbox_oldest_age_seconds") > MAIL_STALLED_AFTER_SECONDS, "for as long as the clock moved");

            try (TestMailServer smtp = TestMailServer.forDeployedServer().start()) {
                smtp.awaitMessage(email, "Your Latchkey password was changed", Duration.ofSeconds(30));
                Eventually.await("no longer stalled once mail moves", Duration.ofSeconds(15),
                        () -> !mailStalled(http.health("ready")));
            }
        } finally {
            http.resetClock();
        }
    }

    private void setSigningKeyTable(boolean present) {
        assertEquals(204, http.send(http.request("/test-support/database/signing-key-table?present=" + present)
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode());
    }

    /** MicroProfile Health implementations write a boolean datum as a boolean or as a string. */
    private static boolean mailStalled(HttpResponse<String> readiness) {
        JsonValue stalled = checks(readiness).get("mail").getJsonObject("data").get("stalled");
        return stalled == JsonValue.TRUE || (stalled instanceof JsonString text && text.getString().equals("true"));
    }

    /** The checks of a health answer by name, sorted. */
    static Map<String, JsonObject> checks(HttpResponse<String> health) {
        return checks(json(health));
    }

    static Map<String, JsonObject> checks(JsonObject health) {
        Map<String, JsonObject> checks = new TreeMap<>();
        health.getJsonArray("checks").getValuesAs(JsonObject.class).forEach(check -> checks.put(check.getString("name"), check));
        assertTrue(health.getString("status").equals("UP") || health.getString("status").equals("DOWN"), health.toString());
        return checks;
    }


    // --- /metrics: who may read it, and each meter moving when its event happens over real HTTP.
    // Meters of events other tests drive more naturally are checked there: signing-key
    // revocations (KeyRotationIT), audit events not stored (AdminAuditIT), mail deliveries
    // (MailOutboxIT), the hash pool's refusals (PasswordHasherTest), the lost quorum
    // (ClusterRevocationIT).

    @Test
    void onlyTheRegisteredScraperOrATokenWithTheMetricsOrAdminRoleReadsThem() {
        assertUnauthorized(null);
        assertEquals("Basic realm=\"latchkey-metrics\"", assertUnauthorized(ResourceServerClient.basic(MetricsScrape.CLIENT_ID, "not-the-secret"))
                .headers().firstValue("WWW-Authenticate").orElse(""));
        assertUnauthorized(ResourceServerClient.basic(ResourceServerClient.CLIENT_ID, ResourceServerClient.SECRET));
        assertUnauthorized("Basic !!not base64!!");
        assertUnauthorized("Basic " + Base64.getEncoder().encodeToString("no-colon".getBytes(StandardCharsets.UTF_8)));
        assertUnauthorized("Bearer not.a.token");

        String email = registered();
        BrowserSession user = BrowserSession.loggedIn(http, email, PASSWORD);
        String userId = json(user.me()).getString("sub");
        assertProblem(http.getWithBearer("/metrics", user.accessToken()), 403, "a user without the role");

        http.register(ADMIN, PASSWORD);
        String admin = BrowserSession.loggedIn(http, ADMIN, PASSWORD).accessToken();
        assertEquals(200, http.getWithBearer("/metrics", admin).statusCode(), "an administrator");

        HttpResponse<String> role = http.send(http.request("/admin/roles/metrics").header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"description\":\"Reads /metrics\",\"permissions\":[\"metrics:read\"]}")));
        assertTrue(role.statusCode() == 201 || role.statusCode() == 200, role.body());
        HttpResponse<String> granted = http.send(http.request("/admin/users/" + userId + "/roles").header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"roles\":[\"user\",\"metrics\"]}")));
        assertEquals(204, granted.statusCode(), granted.body());
        HttpResponse<String> scraped = http.getWithBearer("/metrics", BrowserSession.loggedIn(http, email, PASSWORD).accessToken());
        assertEquals(200, scraped.statusCode(), scraped.body());
        String contentType = scraped.headers().firstValue("Content-Type").orElse("").replace(" ", "");
        assertTrue(contentType.startsWith("text/plain;") && contentType.contains("version=0.0.4"), contentType);
        assertTrue(scraped.headers().firstValue("Cache-Control").orElse("").contains("no-store"));
        assertTrue(scraped.body().contains("# TYPE latchkey_logins_total counter"), "the Prometheus text format");
        assertFalse(scraped.body().contains(userId) || scraped.body().contains(email), "no user in any tag");
        assertFalse(scraped.body().contains("127.0.0.1") || scraped.body().contains("::1"), "no address in any tag");
    }

    @Test
    void loginsRefreshesLogoutsAndRevocationsAreCountedByOutcome() {
        http.resetClock();
        MetricsScrape before = MetricsScrape.of(http);

        String email = registered();
        BrowserSession session = BrowserSession.loggedIn(http, email, PASSWORD);
        assertProblem(http.login(email, "not the password, but long enough"), 401);
        assertProblem(http.login(Http.uniqueEmail(), PASSWORD), 401);
        String guessedAt = registered();
        int failures = 0;
        while (http.login(guessedAt, "a wrong guess number " + failures).statusCode() != 429) {
            assertTrue(++failures < 50, "the account's failure budget never ran out");
        }
        http.register(ADMIN, PASSWORD);
        String admin = BrowserSession.loggedIn(http, ADMIN, PASSWORD).accessToken();
        String disabledEmail = registered();
        String disabledId = json(BrowserSession.loggedIn(http, disabledEmail, PASSWORD).me()).getString("sub");
        assertEquals(204, http.send(http.request("/admin/users/" + disabledId + "/disable").header("Authorization", "Bearer " + admin)
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode());
        assertProblem(http.login(disabledEmail, PASSWORD), 401);
        String enrolled = enrolledInTotp();
        String mfaToken = json(http.login(enrolled, PASSWORD)).getString("mfa_token");
        // The code of the Unix epoch's first step: never the current one.
        String wrongCode = Authenticator.fromBase32("JBSWY3DPEHPK3PXP").codeForStep(0);
        assertProblem(http.postJson("/auth/login/mfa", "{\"mfa_token\":\"" + mfaToken + "\",\"code\":\"" + wrongCode + "\"}"), 401);

        String first = session.refreshToken();
        assertEquals(200, session.refresh().statusCode());
        assertEquals(200, session.refreshWith(first).statusCode(), "the tab that lost the race, within the grace");
        assertEquals(200, session.refresh().statusCode());
        assertProblem(session.refreshWith(first), 401);
        assertProblem(session.refresh(), 401);
        assertProblem(http.send(http.request("/auth/refresh").header("Cookie", BrowserSession.REFRESH + "=forged")
                .POST(HttpRequest.BodyPublishers.noBody())), 401);
        BrowserSession forged = BrowserSession.loggedIn(http, email, PASSWORD);
        assertProblem(http.send(http.request("/auth/refresh").header("Cookie", forged.cookieHeader())
                .POST(HttpRequest.BodyPublishers.noBody())), 403);

        BrowserSession leaving = BrowserSession.loggedIn(http, email, PASSWORD);
        assertEquals(204, http.send(leaving.post("/auth/logout").header("Authorization", "Bearer " + leaving.accessToken())).statusCode());
        assertEquals(204, http.send(http.request("/auth/logout-all").header("Authorization", "Bearer " + forged.accessToken())
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode());

        MetricsScrape after = MetricsScrape.of(http);
        assertAtLeast(5, after.increaseSince(before, "latchkey_logins_total", "outcome", "success"), "logins succeeded");
        assertAtLeast(2 + failures, after.increaseSince(before, "latchkey_logins_total", "outcome", "bad_credentials"), "bad credentials");
        assertAtLeast(1, after.increaseSince(before, "latchkey_logins_total", "outcome", "throttled"), "throttled");
        assertAtLeast(1, after.increaseSince(before, "latchkey_logins_total", "outcome", "disabled"), "disabled");
        assertAtLeast(1, after.increaseSince(before, "latchkey_logins_total", "outcome", "mfa_required"), "second factor due");
        assertAtLeast(1, after.increaseSince(before, "latchkey_logins_total", "outcome", "mfa_failed"), "second factor wrong");
        assertAtLeast(1, after.increaseSince(before, "latchkey_rate_limit_rejections_total", "bucket", "login_account"), "the account's budget");
        assertAtLeast(2, after.increaseSince(before, "latchkey_refreshes_total", "outcome", "rotated"), "rotated");
        assertAtLeast(1, after.increaseSince(before, "latchkey_refreshes_total", "outcome", "grace_reused"), "grace");
        assertAtLeast(1, after.increaseSince(before, "latchkey_refreshes_total", "outcome", "reuse_detected"), "reuse");
        assertAtLeast(1, after.increaseSince(before, "latchkey_refreshes_total", "outcome", "expired"), "ended session");
        assertAtLeast(1, after.increaseSince(before, "latchkey_refreshes_total", "outcome", "invalid"), "unknown token");
        assertAtLeast(1, after.increaseSince(before, "latchkey_refreshes_total", "outcome", "csrf_failed"), "no CSRF header");
        assertAtLeast(1, after.increaseSince(before, "latchkey_logouts_total", "scope", "session"), "logout");
        assertAtLeast(1, after.increaseSince(before, "latchkey_logouts_total", "scope", "everywhere"), "logout everywhere");
        assertAtLeast(1, after.increaseSince(before, "latchkey_revocations_total", "kind", "jti"), "the access token at logout");
        assertAtLeast(2, after.increaseSince(before, "latchkey_revocations_total", "kind", "sid"), "sessions ended");
        assertAtLeast(1, after.increaseSince(before, "latchkey_revocations_total", "kind", "sub"), "every token of a user");
        assertTrue(after.value("latchkey_revocation_entries") >= 3, "live revocation entries");
    }

    @Test
    void requestsAreTimedPerRouteTemplateAndTheGaugesDescribeTheNode() {
        String token = http.registerAndLogin(Http.uniqueEmail(), PASSWORD);
        MetricsScrape before = MetricsScrape.of(http);
        for (int i = 0; i < 3; i++) {
            assertEquals(200, http.getWithBearer("/api/me", token).statusCode());
        }
        assertEquals(404, http.get("/no/such/path/" + Instant.now().toEpochMilli()).statusCode());
        String unknownSession = UUID.randomUUID().toString();
        assertProblem(http.send(http.request("/auth/sessions/" + unknownSession).header("Authorization", "Bearer " + token).DELETE()), 404);
        MetricsScrape after = MetricsScrape.of(http);

        assertAtLeast(3, after.increaseSince(before, "latchkey_http_server_requests_seconds_count",
                "method", "GET", "route", "/api/me", "status", "200"), "timed by route template");
        assertTrue(after.has("latchkey_http_server_requests_seconds_bucket", "route", "/api/me", "le", "+Inf"), "a histogram");
        assertAtLeast(1, after.increaseSince(before, "latchkey_http_server_requests_seconds_count",
                "method", "DELETE", "route", "/auth/sessions/{id}", "status", "404"), "a template, not the path");
        assertFalse(after.has("latchkey_http_server_requests_seconds_count", "route", "/auth/sessions/" + unknownSession));
        assertAtLeast(1, after.increaseSince(before, "latchkey_http_server_requests_seconds_count",
                "method", "GET", "route", "none", "status", "404"), "no route matched");
        assertAtLeast(2, after.increaseSince(before, "cache_gets_total", "cache", "verified-access-tokens", "result", "hit"),
                "the verifier's cache remembered the token");
        assertAtLeast(1, after.increaseSince(before, "cache_gets_total", "cache", "verified-access-tokens", "result", "miss"),
                "its first use was verified in full");

        assertEquals(1, after.value("latchkey_cluster_members"));
        assertEquals(0, after.value("latchkey_cluster_degraded"));
        assertTrue(after.value("latchkey_password_hashing_limit") >= 1);
        assertTrue(after.value("latchkey_password_hashing_active") >= 0 && after.value("latchkey_password_hashing_queued") >= 0);
        assertTrue(after.has("latchkey_password_hashing_rejected_total"));
        assertTrue(after.value("latchkey_signing_keys_trusted") >= 1);
        assertTrue(after.value("latchkey_signing_key_active_age_seconds") >= 0);
        double keySetAge = after.value("latchkey_signing_keys_read_age_seconds");
        assertTrue(keySetAge >= 0 && keySetAge < 30, "re-read every second in the tests: " + keySetAge);
        assertTrue(after.value("latchkey_mail_outbox_queued") >= 0 && after.value("latchkey_mail_outbox_oldest_age_seconds") >= 0);
        assertTrue(after.has("latchkey_audit_events_lost_total") && after.has("jvm_memory_used_bytes"));
    }

    private HttpResponse<String> assertUnauthorized(String authorization) {
        HttpRequest.Builder request = http.request("/metrics").GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response = http.send(request);
        assertProblem(response, 401, String.valueOf(authorization));
        return response;
    }

    /** A new account with an authenticator app enrolled and confirmed. @return its address */
    private String enrolledInTotp() {
        String email = registered();
        String token = json(http.login(email, PASSWORD)).getString("access_token");
        String secret = json(http.send(http.request("/auth/mfa/totp/enroll").header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"password\":\"" + PASSWORD + "\"}")))).getString("secret");
        HttpResponse<String> confirmed = http.send(http.request("/auth/mfa/totp/confirm").header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"" + Authenticator.fromBase32(secret).codeAt(Instant.now()) + "\"}")));
        assertEquals(200, confirmed.statusCode(), confirmed.body());
        return email;
    }

    private static void assertAtLeast(double expected, double actual, String what) {
        assertTrue(actual >= expected, what + ": expected an increase of at least " + expected + ", was " + actual);
    }
}

package dev.latchkey.session;

import dev.latchkey.testsupport.client.BrowserSession;
import dev.latchkey.testsupport.client.DeployedLatchkeyTest;
import dev.latchkey.testsupport.client.Eventually;
import dev.latchkey.testsupport.client.Http;
import dev.latchkey.testsupport.client.TestMailServer;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.latchkey.testsupport.client.Http.assertProblem;
import static dev.latchkey.testsupport.client.Http.json;
import static dev.latchkey.testsupport.client.Http.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Logout, logout-all, password change, sessions, admin revocation and CSRF, over real HTTP and cookies. */
class SessionLifecycleIT extends DeployedLatchkeyTest {

    private static final String ADMIN = "first-admin@example.test";
    private static final String VERIFY_MAIL = "Confirm your address for Latchkey";
    private static final String RESET_MAIL = "Choose a new Latchkey password";
    /** {@code latchkey.public-url} is not set for the test server, so links use its default. */
    private static final String VERIFY_PAGE = "http://localhost:8080/account/verify-email";
    private static final String RESET_PAGE = "http://localhost:8080/account/reset-password";

    @Test
    void logoutClearsTheCookiesAndKillsTheTokens() {
        BrowserSession session = BrowserSession.loggedIn(http, registered(), PASSWORD);
        String refresh = session.refreshToken();
        String access = session.accessToken();

        HttpResponse<String> logout = http.send(session.post("/auth/logout").header("Authorization", "Bearer " + access));
        assertEquals(204, logout.statusCode(), logout.body());
        List<String> cleared = BrowserSession.setCookies(logout);
        assertTrue(cleared.contains("__Secure-latchkey-refresh=; Max-Age=0; Path=/auth; Secure; HttpOnly; SameSite=Strict"), cleared.toString());
        assertTrue(cleared.contains("__Host-latchkey-csrf=; Max-Age=0; Path=/; Secure; SameSite=Strict"), cleared.toString());
        assertTrue(cleared.contains("__Host-latchkey-access=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Strict"), cleared.toString());

        assertProblem(http.getWithBearer("/api/me", access), 401);
        assertProblem(session.refreshWith(refresh), 401);

        // Idempotent: the same logout again, and a logout with nothing at all, are both fine.
        assertEquals(204, http.send(http.request("/auth/logout").POST(HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + access)).statusCode());
        assertEquals(204, http.send(http.request("/auth/logout").POST(HttpRequest.BodyPublishers.noBody())).statusCode());
    }

    @Test
    void aPlantedDuplicateRefreshCookieIsRefusedAsAmbiguousNeverALogoutThatEndsNothing() {
        BrowserSession session = BrowserSession.loggedIn(http, registered(), PASSWORD);
        String planted = BrowserSession.REFRESH + "=" + "A".repeat(43);
        String genuine = BrowserSession.REFRESH + "=" + session.refreshToken();
        String csrf = BrowserSession.CSRF + "=" + session.csrfToken();

        for (String cookies : List.of(planted + "; " + genuine + "; " + csrf, genuine + "; " + planted + "; " + csrf)) {
            for (String path : List.of("/auth/logout", "/auth/refresh")) {
                HttpResponse<String> refused = http.send(http.request(path).POST(HttpRequest.BodyPublishers.noBody())
                        .header("Cookie", cookies).header("X-CSRF-Token", session.csrfToken()));
                assertEquals("urn:latchkey:problem:ambiguous-credentials", assertProblem(refused, 400, path).getString("type"));
            }
        }
        // Nothing was ended and nothing rotated: the client was told, and its session is intact.
        assertEquals(200, session.refresh().statusCode());
        assertEquals(200, session.me().statusCode());
    }

    @Test
    void anAccessCookiePresentedTwiceOrBesideADifferentBearerTokenIsAmbiguous() {
        BrowserSession session = BrowserSession.loggedIn(http, registered(), PASSWORD);
        BrowserSession other = BrowserSession.loggedIn(http, registered(), PASSWORD);
        String access = "__Host-latchkey-access=";

        HttpResponse<String> twice = http.send(http.request("/api/me").header("Cookie",
                access + session.accessToken() + "; " + access + other.accessToken()).GET());
        assertEquals("urn:latchkey:problem:ambiguous-credentials", assertProblem(twice, 400).getString("type"));
        HttpResponse<String> conflicting = http.send(http.request("/auth/logout").POST(HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + other.accessToken())
                .header("Cookie", access + session.accessToken() + "; " + BrowserSession.CSRF + "=" + session.csrfToken())
                .header("X-CSRF-Token", session.csrfToken()));
        assertEquals("urn:latchkey:problem:ambiguous-credentials", assertProblem(conflicting, 400).getString("type"));

        assertEquals(200, session.me().statusCode());
        assertEquals(200, other.me().statusCode());
        // The same token in both places is one credential, not two.
        assertEquals(200, http.send(http.request("/api/me").header("Authorization", "Bearer " + session.accessToken())
                .header("Cookie", access + session.accessToken()).GET()).statusCode());
    }

    @Test
    void logoutWithOnlyTheBearerTokenEndsItsSession() {
        BrowserSession session = BrowserSession.loggedIn(http, registered(), PASSWORD);
        assertEquals(204, http.send(http.request("/auth/logout").POST(HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + session.accessToken())).statusCode());
        assertProblem(session.me(), 401);
        assertProblem(session.refresh(), 401);
    }

    @Test
    void logoutAllEndsEverySession() {
        String email = registered();
        BrowserSession laptop = BrowserSession.loggedIn(http, email, PASSWORD);
        BrowserSession phone = BrowserSession.loggedIn(http, email, PASSWORD);

        assertEquals(204, http.send(http.request("/auth/logout-all").POST(HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + laptop.accessToken())).statusCode());

        for (BrowserSession session : List.of(laptop, phone)) {
            assertProblem(session.me(), 401);
            assertProblem(session.refresh(), 401);
        }
        // A new login afterwards works.
        assertEquals(200, BrowserSession.loggedIn(http, email, PASSWORD).me().statusCode());
    }

    @Test
    void passwordChangeEndsOtherSessionsAndGivesTheCallerAFreshPair() {
        String email = registered();
        BrowserSession caller = BrowserSession.loggedIn(http, email, PASSWORD);
        BrowserSession other = BrowserSession.loggedIn(http, email, PASSWORD);
        String oldCallerAccess = caller.accessToken();
        String newPassword = "an entirely different passphrase";

        assertProblem(changePassword(caller, "wrong current password", newPassword), 403);
        assertProblem(changePassword(caller, PASSWORD, "short"), 400);

        HttpResponse<String> changed = caller.absorb(changePassword(caller, PASSWORD, newPassword));
        assertEquals(200, changed.statusCode(), changed.body());

        assertEquals(200, caller.me().statusCode(), "the fresh pair works");
        assertEquals(200, caller.refresh().statusCode());
        assertProblem(http.getWithBearer("/api/me", oldCallerAccess), 401);
        assertProblem(other.me(), 401);
        assertProblem(other.refresh(), 401);
        assertProblem(http.login(email, PASSWORD), 401);
        assertEquals(200, http.login(email, newPassword).statusCode());
    }

    @Test
    void aLoginThatVerifiedTheOldPasswordWhileItChangedGetsNoSession() throws Exception {
        String email = registered();
        BrowserSession caller = BrowserSession.loggedIn(http, email, PASSWORD);
        testSupport("arm", email);
        // The login checks the old password, then waits just before its session would start.
        CompletableFuture<HttpResponse<String>> racing = CompletableFuture.supplyAsync(() -> http.login(email, PASSWORD));
        try {
            assertEquals(204, testSupport("await", email).statusCode(), "the login reached the hold");
            assertEquals(200, changePassword(caller, PASSWORD, "an entirely different passphrase").statusCode());
        } finally {
            testSupport("release", email);
        }
        HttpResponse<String> login = racing.get(60, TimeUnit.SECONDS);

        // The same answer as a wrong password: the password it checked is no longer the password.
        assertEquals("urn:latchkey:problem:invalid-credentials", assertProblem(login, 401).getString("type"));
    }

    @Test
    void concurrentLoginsNeverExceedTheSessionLimit() throws Exception {
        String email = registered();
        BrowserSession first = BrowserSession.loggedIn(http, email, PASSWORD);
        for (int i = 1; i < 3; i++) {
            BrowserSession.loggedIn(http, email, PASSWORD);
        }
        int racing = 4;
        testSupport("arm", email);
        List<CompletableFuture<HttpResponse<String>>> logins = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < racing; i++) {
                logins.add(CompletableFuture.supplyAsync(() -> http.login(email, PASSWORD)));
            }
            // All four have checked the password; released together, they start their sessions at once.
            assertEquals(204, http.send(http.request("/test-support/login-hold/await?logins=" + racing + "&email="
                    + email).POST(HttpRequest.BodyPublishers.noBody())).statusCode());
        } finally {
            testSupport("release", email);
        }
        BrowserSession last = new BrowserSession(http);
        for (CompletableFuture<HttpResponse<String>> login : logins) {
            assertEquals(200, last.absorb(login.get(60, TimeUnit.SECONDS)).statusCode());
        }

        // 3 + 4 logins with max-per-user=5 (arquillian.xml): exactly five live sessions remain.
        assertEquals(5, json(http.getWithBearer("/auth/sessions", last.accessToken())).getJsonArray("sessions").size());
        assertProblem(first.refresh(), 401);
    }

    @Test
    void aLoginThatCannotGetTheAccountsLockInTimeIsToldToRetryNeverA500() throws Exception {
        String email = registered();
        // Something holds the account's lock far longer than any password change would.
        CompletableFuture<HttpResponse<String>> holder = CompletableFuture.supplyAsync(() -> http.send(
                http.request("/test-support/account-lock?seconds=8&email=" + email).POST(HttpRequest.BodyPublishers.noBody())));
        Thread.sleep(1000);

        HttpResponse<String> login = http.login(email, PASSWORD);

        assertEquals(204, holder.get(60, TimeUnit.SECONDS).statusCode());
        if (login.statusCode() != 200) {
            // The database gave up waiting: a retryable 503, not an unexplained 500.
            assertProblem(login, 503);
            assertTrue(login.headers().firstValue("Retry-After").isPresent(), "Retry-After");
        }
        assertEquals(200, http.login(email, PASSWORD).statusCode(), "once the lock is free");
    }

    private HttpResponse<String> testSupport(String action, String email) {
        return http.send(http.request("/test-support/login-hold/" + action + "?email=" + email)
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    private HttpResponse<String> changePassword(BrowserSession session, String current, String replacement) {
        String body = jakarta.json.Json.createObjectBuilder().add("current_password", current)
                .add("new_password", replacement).build().toString();
        return http.send(http.request("/auth/password/change").header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + session.accessToken())
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    @Test
    void sessionsAreListedAndCanBeEndedOnlyByTheirOwner() {
        String email = registered();
        BrowserSession laptop = BrowserSession.loggedIn(http, email, PASSWORD);
        BrowserSession phone = BrowserSession.loggedIn(http, email, PASSWORD);
        BrowserSession stranger = BrowserSession.loggedIn(http, registered(), PASSWORD);

        HttpResponse<String> listed = http.getWithBearer("/auth/sessions", laptop.accessToken());
        assertEquals(200, listed.statusCode(), listed.body());
        JsonArray sessions = json(listed).getJsonArray("sessions");
        assertEquals(2, sessions.size());
        JsonObject current = sessions.getValuesAs(JsonObject.class).stream().filter(s -> s.getBoolean("current")).findFirst().orElseThrow();
        JsonObject other = sessions.getValuesAs(JsonObject.class).stream().filter(s -> !s.getBoolean("current")).findFirst().orElseThrow();
        for (String field : new String[] {"id", "created", "last_used", "ip"}) {
            assertTrue(current.containsKey(field), field);
        }

        assertProblem(delete("/auth/sessions/" + other.getString("id"), stranger), 404);
        assertProblem(delete("/auth/sessions/not-a-session-id", laptop), 404);
        assertEquals(204, delete("/auth/sessions/" + other.getString("id"), laptop).statusCode());
        assertProblem(phone.me(), 401);
        assertProblem(phone.refresh(), 401);
        assertEquals(200, laptop.me().statusCode());
        assertEquals(1, json(http.getWithBearer("/auth/sessions", laptop.accessToken())).getJsonArray("sessions").size());
    }

    private HttpResponse<String> delete(String path, BrowserSession session) {
        return http.send(http.request(path).header("Authorization", "Bearer " + session.accessToken()).DELETE());
    }

    @Test
    void aSpoofedForwardingHeaderFromAnUntrustedPeerChangesNothing() throws java.net.UnknownHostException {
        String email = registered();
        HttpResponse<String> login = http.send(http.request("/auth/login").header("Content-Type", "application/json")
                .header("X-Forwarded-For", "203.0.113.9").header("Forwarded", "for=203.0.113.9")
                .POST(HttpRequest.BodyPublishers.ofString(Http.credentials(email, PASSWORD))));
        assertEquals(200, login.statusCode(), login.body());
        JsonObject session = json(http.getWithBearer("/auth/sessions", json(login).getString("access_token")))
                .getJsonArray("sessions").getJsonObject(0);
        // The test connects to the server's own host address, so that is the socket's peer too.
        assertEquals(java.net.InetAddress.getByName(base.getHost()).getHostAddress(), session.getString("ip"),
                "the socket's address, not the header's");
    }

    @Test
    void theOldestSessionEndsWhenTheLimitIsExceeded() {
        String email = registered();
        BrowserSession oldest = BrowserSession.loggedIn(http, email, PASSWORD);
        for (int i = 0; i < 5; i++) {
            BrowserSession.loggedIn(http, email, PASSWORD);
        }
        assertProblem(oldest.me(), 401);
        assertProblem(oldest.refresh(), 401);
    }

    @Test
    void adminsRevokeAndDisableAndUsersCannot() {
        http.register(ADMIN, PASSWORD);
        BrowserSession admin = BrowserSession.loggedIn(http, ADMIN, PASSWORD);
        String victimEmail = registered();
        BrowserSession victim = BrowserSession.loggedIn(http, victimEmail, PASSWORD);
        String victimId = json(victim.me()).getString("sub");

        assertProblem(adminPost("/admin/users/" + victimId + "/revoke-tokens", victim), 403);
        assertProblem(adminPost("/admin/users/no-such-user/revoke-tokens", admin), 404);

        assertEquals(204, adminPost("/admin/users/" + victimId + "/revoke-tokens", admin).statusCode());
        assertProblem(victim.me(), 401);
        assertProblem(victim.refresh(), 401);

        BrowserSession again = BrowserSession.loggedIn(http, victimEmail, PASSWORD);
        assertEquals(204, adminPost("/admin/users/" + victimId + "/disable", admin).statusCode());
        assertProblem(again.me(), 401);
        assertProblem(again.refresh(), 401);
        assertProblem(http.login(victimEmail, PASSWORD), 401);
    }

    private HttpResponse<String> adminPost(String path, BrowserSession session) {
        return http.send(http.request(path).header("Authorization", "Bearer " + session.accessToken())
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    @Test
    void csrfFailuresOnRefreshAreForbiddenAndChangeNothing() {
        BrowserSession session = BrowserSession.loggedIn(http, registered(), PASSWORD);
        BrowserSession otherSession = BrowserSession.loggedIn(http, registered(), PASSWORD);
        String cookies = session.cookieHeader();
        String refreshCookieOnly = BrowserSession.REFRESH + "=" + session.refreshToken();

        // Missing header.
        assertProblem(refresh(cookies, null, null), 403);
        // Wrong header.
        assertProblem(refresh(cookies, "wrong.value", null), 403);
        // Header and cookie from another session (a valid token, for the wrong session).
        assertProblem(refresh(refreshCookieOnly + "; " + BrowserSession.CSRF + "=" + otherSession.csrfToken(),
                otherSession.csrfToken(), null), 403);
        // Unsigned token planted as both cookie and header (double submit alone is not enough).
        String unsigned = "AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";
        assertProblem(refresh(refreshCookieOnly + "; " + BrowserSession.CSRF + "=" + unsigned, unsigned, null), 403);
        // Header that does not match the cookie.
        assertProblem(refresh(cookies, otherSession.csrfToken(), null), 403);
        // Hostile Origin, and hostile Referer when Origin is absent.
        assertProblem(refresh(cookies, session.csrfToken(), "https://evil.example"), 403);
        assertProblem(http.send(http.request("/auth/refresh").POST(HttpRequest.BodyPublishers.noBody())
                .header("Cookie", cookies).header("X-CSRF-Token", session.csrfToken())
                .header("Referer", "https://evil.example/page")), 403);
        // Logout is protected the same way.
        assertProblem(http.send(http.request("/auth/logout").POST(HttpRequest.BodyPublishers.noBody())
                .header("Cookie", cookies)), 403);

        // None of that changed anything: the untouched token still refreshes, from an allowed origin.
        HttpResponse<String> fine = refresh(cookies, session.csrfToken(), "http://localhost:8080");
        assertEquals(200, fine.statusCode(), fine.body());
    }

    private HttpResponse<String> refresh(String cookieHeader, String csrfHeader, String origin) {
        HttpRequest.Builder request = http.request("/auth/refresh").POST(HttpRequest.BodyPublishers.noBody())
                .header("Cookie", cookieHeader);
        if (csrfHeader != null) {
            request.header("X-CSRF-Token", csrfHeader);
        }
        if (origin != null) {
            request.header("Origin", origin);
        }
        return http.send(request);
    }

    @Test
    void accessCookieAuthenticatesReadsButStateChangesNeedTheCsrfToken() {
        String email = registered();
        BrowserSession browser = BrowserSession.loggedIn(http, email, PASSWORD);
        BrowserSession other = BrowserSession.loggedIn(http, email, PASSWORD);
        String otherId = json(http.getWithBearer("/auth/sessions", other.accessToken())).getJsonArray("sessions")
                .getValuesAs(JsonObject.class).stream().filter(s -> s.getBoolean("current")).findFirst().orElseThrow().getString("id");
        String cookies = browser.cookieHeader();

        assertEquals(200, http.send(http.request("/api/me").header("Cookie", cookies).GET()).statusCode(),
                "a read needs no CSRF token");
        assertProblem(http.send(http.request("/auth/sessions/" + otherId).header("Cookie", cookies).DELETE()), 403);
        assertProblem(http.send(http.request("/auth/sessions/" + otherId).header("Cookie", cookies)
                .header("X-CSRF-Token", other.csrfToken()).DELETE()), 403);
        assertEquals(200, other.me().statusCode(), "the refused requests changed nothing");
        assertEquals(204, http.send(http.request("/auth/sessions/" + otherId).header("Cookie", cookies)
                .header("X-CSRF-Token", browser.csrfToken()).DELETE()).statusCode());
        assertProblem(other.me(), 401);
    }

    @Test
    void bearerAuthenticatedStateChangesNeedNoCsrfToken() {
        BrowserSession session = BrowserSession.loggedIn(http, registered(), PASSWORD);
        HttpResponse<String> response = http.send(http.request("/auth/logout-all").POST(HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + session.accessToken()));
        assertEquals(204, response.statusCode());
        assertFalse(response.body().contains("csrf"));
    }

    /**
     * Issue 5, audit log: after a full flow (registration, a taken address, failed logins, login,
     * refresh, refresh-token reuse, password change, logout, logout-all), none of the secrets it
     * used appears in any log line the server wrote, from any logger (the test deployment copies
     * every record, see CapturedLog): no password, access token or signature, refresh token or its
     * stored hash, CSRF token, and no password hash of any kind.
     */
    @Test
    void noSecretEverReachesTheLog() throws Exception {
        String email = uniqueEmail();
        String password = "audit flow passphrase " + java.util.UUID.randomUUID();
        String newPassword = "audit flow replacement " + java.util.UUID.randomUUID();
        String wrongPassword = "audit flow wrong guess " + java.util.UUID.randomUUID();
        List<String> secrets = new java.util.ArrayList<>(List.of(password, newPassword, wrongPassword));

        assertEquals(202, http.register(email, password).statusCode());
        assertEquals(202, http.register(email, wrongPassword).statusCode());
        assertProblem(http.login(email, wrongPassword), 401);
        assertProblem(http.login(uniqueEmail(), wrongPassword), 401);
        BrowserSession session = BrowserSession.loggedIn(http, email, password);
        remember(secrets, session);
        String firstRefresh = session.refreshToken();
        assertEquals(200, session.refresh().statusCode());
        remember(secrets, session);
        http.advanceClock(60);
        assertProblem(session.refreshWith(firstRefresh), 401);

        BrowserSession second = BrowserSession.loggedIn(http, email, password);
        remember(secrets, second);
        assertProblem(changePassword(second, wrongPassword, newPassword), 403);
        HttpResponse<String> changed = second.absorb(changePassword(second, password, newPassword));
        assertEquals(200, changed.statusCode(), changed.body());
        remember(secrets, second);
        assertEquals(204, http.send(second.post("/auth/logout").header("Authorization", "Bearer " + second.accessToken()))
                .statusCode());
        BrowserSession third = BrowserSession.loggedIn(http, email, newPassword);
        remember(secrets, third);
        assertEquals(204, http.send(http.request("/auth/logout-all").POST(HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + third.accessToken())).statusCode());

        String log = http.get("/test-support/log").body();
        for (String event : new String[] {"\"event\":\"registration\",\"outcome\":\"success\"",
            "\"event\":\"registration\",\"outcome\":\"address_taken\"", "\"outcome\":\"failure_wrong_password\"",
            "\"outcome\":\"failure_unknown_account\"", "\"event\":\"refresh\",\"outcome\":\"success\"",
            "\"event\":\"refresh_reuse_detected\"", "\"event\":\"password_change\"", "\"event\":\"logout\"",
            "\"event\":\"logout_all\""}) {
            assertTrue(log.contains(event), "the captured log has the audit line " + event + " (so the capture works)");
        }
        for (String secret : secrets) {
            assertFalse(log.contains(secret), "a secret of the flow is in the log: " + secret.substring(0, 8) + "...");
        }
        for (String hashPrefix : new String[] {"$2a$", "$2b$", "$2y$", "$argon2"}) {
            assertFalse(log.contains(hashPrefix), "a password hash is in the log");
        }
    }

    /**
     * Issue 12, the same for the one-time tokens that mail carries: a verification link (queued
     * while no SMTP server listens, so the outbox's retry warning is in the capture too) and a
     * password-reset link are mailed, used, and used again. Neither token appears in any log line,
     * nor does its SHA-256 (what the database stores) in base64url, base64 or hex, nor either
     * password the reset link was used with.
     */
    @Test
    void noMailedTokenNorItsHashEverReachesTheLog() throws Exception {
        String email = uniqueEmail();
        // Unique, so that finding it means it was logged; one character under the policy's minimum.
        String refusedPassword = java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 11);
        String newPassword = "reset flow passphrase " + java.util.UUID.randomUUID();
        List<String> secrets = new java.util.ArrayList<>(List.of(refusedPassword, newPassword));
        List<String> hexSecrets = new java.util.ArrayList<>();

        assertEquals(202, http.register(email, PASSWORD).statusCode());
        // The outbox starts empty (DeployedLatchkeyTest); a timeout names what the outbox logged.
        try {
            Eventually.await("the outbox logs a failed attempt at a verification mail", Duration.ofSeconds(60),
                    () -> http.get("/test-support/log").body().contains("(verify-email) not delivered on attempt"));
        } catch (AssertionError e) {
            List<String> outboxLines = http.get("/test-support/log").body().lines()
                    .filter(line -> line.contains("dev.latchkey.mail")).toList();
            throw new AssertionError(e.getMessage() + "; the outbox's log lines (" + outboxLines.size() + "), the last 20: "
                    + outboxLines.subList(Math.max(0, outboxLines.size() - 20), outboxLines.size()), e);
        }
        try (TestMailServer smtp = TestMailServer.forDeployedServer().start()) {
            String verifyToken = TestMailServer.linkToken(smtp.awaitMessage(email, VERIFY_MAIL, Duration.ofSeconds(15)), VERIFY_PAGE);
            rememberOneTimeToken(secrets, hexSecrets, verifyToken);
            assertEquals(204, verifyEmail(verifyToken).statusCode());
            assertProblem(verifyEmail(verifyToken), 400);

            assertEquals(202, http.postJson("/auth/password/forgot", Json.createObjectBuilder().add("email", email).build().toString())
                    .statusCode());
            String resetToken = TestMailServer.linkToken(smtp.awaitMessage(email, RESET_MAIL, Duration.ofSeconds(15)), RESET_PAGE);
            rememberOneTimeToken(secrets, hexSecrets, resetToken);
            assertProblem(resetPassword(resetToken, refusedPassword), 400);
            assertEquals(204, resetPassword(resetToken, newPassword).statusCode());
            assertProblem(resetPassword(resetToken, newPassword), 400);
        }

        String log = http.get("/test-support/log").body();
        for (String line : new String[] {"(verify-email) not delivered on attempt", "\"event\":\"email_verified\",\"outcome\":\"success\"",
            "\"event\":\"password_reset_requested\",\"outcome\":\"mail_queued\"", "\"event\":\"password_reset\""}) {
            assertTrue(log.contains(line), "the captured log has the line " + line + " (so the capture works)");
        }
        for (String secret : secrets) {
            assertFalse(log.contains(secret), "a secret of the flow is in the log: " + secret.substring(0, 8) + "...");
        }
        String lowerCaseLog = log.toLowerCase(java.util.Locale.ROOT);
        for (String hex : hexSecrets) {
            assertFalse(lowerCaseLog.contains(hex), "a token's hash is in the log in hex (of either case): " + hex.substring(0, 8) + "...");
        }
    }

    /** The token, and its SHA-256 (what the database stores) in base64url, in padded base64 and in lower-case hex. */
    private static void rememberOneTimeToken(List<String> secrets, List<String> hexSecrets, String token) throws Exception {
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        secrets.add(token);
        secrets.add(java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
        secrets.add(java.util.Base64.getEncoder().encodeToString(digest));
        hexSecrets.add(java.util.HexFormat.of().formatHex(digest));
    }

    private HttpResponse<String> verifyEmail(String token) {
        return http.postJson("/auth/email/verify", Json.createObjectBuilder().add("token", token).build().toString());
    }

    private HttpResponse<String> resetPassword(String token, String newPassword) {
        return http.postJson("/auth/password/reset", Json.createObjectBuilder().add("token", token)
                .add("new_password", newPassword).build().toString());
    }

    /** The session's current tokens, the signature of its access token, and the stored hash of its refresh token. */
    private static void remember(List<String> secrets, BrowserSession session) throws Exception {
        secrets.add(session.accessToken());
        secrets.add(session.accessToken().substring(session.accessToken().lastIndexOf('.') + 1));
        secrets.add(session.refreshToken());
        secrets.add(java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(java.security.MessageDigest
                .getInstance("SHA-256").digest(session.refreshToken().getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
        secrets.add(session.csrfToken());
    }
}

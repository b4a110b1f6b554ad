package dev.latchkey.mfa;

import dev.latchkey.testsupport.client.Authenticator;
import dev.latchkey.testsupport.client.BrowserSession;
import dev.latchkey.testsupport.client.DeployedLatchkeyTest;
import dev.latchkey.testsupport.client.Http;
import dev.latchkey.testsupport.client.TestMailServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static dev.latchkey.testsupport.client.Http.assertProblem;
import static dev.latchkey.testsupport.client.Http.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TOTP end to end in a real Payara Micro: enrolment, the two-step login, codes computed by the
 * test's own {@link Authenticator}, recovery codes, step-up, turning it off and an administrator's
 * reset. The server's clock is moved, never waited for: {@link #atStartOfStep} puts it two seconds
 * into a 30-second step, so a test's codes cannot cross a step boundary by accident.
 */
class MfaIT extends DeployedLatchkeyTest {

    private static final String ADMIN = "first-admin@example.test";
    private static final Pattern BASE32_160_BITS = Pattern.compile("[A-Z2-7]{32}");
    private static final Pattern RECOVERY_CODE = Pattern.compile("[A-Z2-7]{4}(-[A-Z2-7]{4}){3}");

    /** How far the test moved the server's clock (DeployedLatchkeyTest puts it back after each test). */
    private long clockOffsetSeconds;

    @BeforeEach
    void clockFollowsSystemTime() {
        clockOffsetSeconds = 0;
    }

    private record Enrolled(String email, BrowserSession session, String secret, Authenticator app, List<String> recoveryCodes) {
    }

    @Test
    void enrolmentShowsTheSecretOnceAndTheFirstCodeTurnsItOn() throws Exception {
        try (TestMailServer smtp = TestMailServer.forDeployedServer().start()) {
            String email = registered();
            BrowserSession session = BrowserSession.loggedIn(http, email, PASSWORD);
            BrowserSession other = BrowserSession.loggedIn(http, email, PASSWORD);
            assertProblem(post(session, "/auth/mfa/totp/enroll", Json.createObjectBuilder().add("password", "not the password")), 403);

            HttpResponse<String> enroll = post(session, "/auth/mfa/totp/enroll", Json.createObjectBuilder().add("password", PASSWORD));
            assertEquals(200, enroll.statusCode(), enroll.body());
            assertTrue(enroll.headers().firstValue("Cache-Control").orElse("").contains("no-store"));
            JsonObject enrolment = json(enroll);
            String secret = enrolment.getString("secret");
            assertTrue(BASE32_160_BITS.matcher(secret).matches(), "160 bits, base32: " + secret.length());
            String uri = enrolment.getString("otpauth_uri");
            assertEquals("otpauth://totp/Latchkey:" + email.replace("@", "%40") + "?secret=" + secret
                    + "&issuer=Latchkey&algorithm=SHA1&digits=6&period=30", uri);
            assertTrue(enrolment.getString("qr_svg").startsWith("<svg ") && enrolment.getString("qr_svg").contains("<path d=\"M"));

            // A second enrolment replaces the pending one: the first secret's codes no longer confirm.
            String replaced = json(post(session, "/auth/mfa/totp/enroll", Json.createObjectBuilder().add("password", PASSWORD)))
                    .getString("secret");
            atStartOfStep();
            assertProblem(confirm(session, Authenticator.fromBase32(secret).codeAt(serverNow())), 403);
            Authenticator app = Authenticator.fromBase32(replaced);
            HttpResponse<String> confirmed = confirm(session, app.codeAt(serverNow()));
            assertEquals(200, confirmed.statusCode(), confirmed.body());
            List<String> codes = strings(json(confirmed), "recovery_codes");
            assertEquals(10, codes.size());
            assertEquals(10, codes.stream().distinct().count());
            codes.forEach(code -> assertTrue(RECOVERY_CODE.matcher(code).matches(), code));

            assertProblem(post(session, "/auth/mfa/totp/enroll", Json.createObjectBuilder().add("password", PASSWORD)), 409);
            assertEquals(200, session.me().statusCode(), "the enrolling session goes on");
            assertProblem(other.refresh(), 401);
            assertProblem(http.getWithBearer("/api/me", other.accessToken()), 401, "the other session's token died with it");
            String notice = TestMailServer.text(smtp.awaitMessage(email, "Two-step sign-in is now on for your Latchkey account",
                    Duration.ofSeconds(15)));
            assertFalse(notice.contains(replaced) || codes.stream().anyMatch(notice::contains), "no secret in the notice");
        }
    }

    @Test
    void aPasswordGivesAChallengeAndTheAppsCodeCompletesTheLoginWithAmr() {
        Enrolled user = enrolled();
        HttpResponse<String> first = http.login(user.email(), PASSWORD);
        assertEquals(200, first.statusCode(), first.body());
        JsonObject challenge = json(first);
        assertTrue(challenge.getBoolean("mfa_required"));
        assertEquals(300, challenge.getInt("expires_in"));
        assertFalse(challenge.containsKey("access_token"));
        assertTrue(first.headers().allValues("Set-Cookie").isEmpty(), "no cookie before the second factor");

        atStartOfStep();
        BrowserSession session = new BrowserSession(http);
        HttpResponse<String> second = session.absorb(completeWithCode(challenge.getString("mfa_token"), user.app().codeAt(serverNow())));
        assertEquals(200, second.statusCode(), second.body());
        assertNotNullCookie(session);
        JsonObject claims = Http.claims(session.accessToken());
        assertEquals(List.of("pwd", "otp"), strings(claims, "amr"));
        long authTime = claims.getJsonNumber("auth_time").longValue();
        JsonObject me = json(session.me());
        assertTrue(me.getBoolean("mfa_enabled"));
        assertEquals(List.of("pwd", "otp"), strings(me, "amr"));

        advance(120);
        assertEquals(200, session.refresh().statusCode());
        JsonObject refreshed = Http.claims(session.accessToken());
        assertEquals(List.of("pwd", "otp"), strings(refreshed, "amr"), "a refreshed token keeps the login's methods");
        assertEquals(authTime, refreshed.getJsonNumber("auth_time").longValue(), "and its time");
    }

    @Test
    void aCodeIsAcceptedOnceOneStepEarlyOrLateCountsAndTwoStepsDoNot() {
        Enrolled user = enrolled();
        atStartOfStep();
        long step = Math.floorDiv(serverNow().getEpochSecond(), 30);
        JsonObject refused = assertProblem(completeWithCode(challenge(user), user.app().codeForStep(step + 2)), 401);
        assertEquals(refused, assertProblem(completeWithCode(challenge(user), user.app().codeForStep(step - 2)), 401),
                "one identical problem");
        assertEquals(200, completeWithCode(challenge(user), user.app().codeForStep(step - 1)).statusCode(), "one step early");
        assertEquals(refused, assertProblem(completeWithCode(challenge(user), user.app().codeForStep(step - 1)), 401),
                "the same code again, on a fresh challenge");
        assertEquals(200, completeWithCode(challenge(user), user.app().codeForStep(step + 1)).statusCode(), "one step late");
        assertEquals(refused, assertProblem(completeWithCode(challenge(user), user.app().codeForStep(step)), 401),
                "a code of a step before the last accepted one is never accepted");
    }

    @Test
    void fiveWrongCodesKillTheChallenge() {
        Enrolled user = enrolled();
        String mfaToken = challenge(user);
        atStartOfStep();
        String right = user.app().codeAt(serverNow());
        for (int i = 0; i < 5; i++) {
            assertProblem(completeWithCode(mfaToken, wrong(right, i)), 401);
        }
        assertProblem(completeWithCode(mfaToken, right), 401, "the right code cannot revive a challenge that took five wrong ones");
    }

    /** Fresh challenges need the password, but the codes tried against them share the account's failure budget (5). */
    @Test
    void theAccountsBackOffEngagesAcrossFreshChallenges() {
        Enrolled user = enrolled();
        atStartOfStep();
        String right = user.app().codeAt(serverNow());
        String first = challenge(user);
        for (int i = 0; i < 3; i++) {
            assertProblem(completeWithCode(first, wrong(right, i)), 401);
        }
        String second = challenge(user);
        for (int i = 3; i < 5; i++) {
            assertProblem(completeWithCode(second, wrong(right, i)), 401);
        }
        assertProblem(completeWithCode(second, right), 429, "the account's budget is spent, though this challenge had attempts left");
        assertProblem(http.login(user.email(), PASSWORD), 429, "and so is its login");
    }

    @Test
    void aRecoveryCodeWorksOnceAndTheLoginSaysWhenFewAreLeft() {
        Enrolled user = enrolled();
        List<String> codes = user.recoveryCodes();
        HttpResponse<String> first = completeWithRecoveryCode(challenge(user), codes.get(0).toLowerCase().replace("-", " "));
        assertEquals(200, first.statusCode(), first.body());
        assertEquals(List.of("pwd", "mfa"), strings(Http.claims(json(first).getString("access_token")), "amr"));
        assertFalse(json(first).containsKey("recovery_codes_remaining"), "nine are left");
        assertProblem(completeWithRecoveryCode(challenge(user), codes.get(0)), 401, "used once");
        for (int i = 1; i < 7; i++) {
            assertEquals(200, completeWithRecoveryCode(challenge(user), codes.get(i)).statusCode());
        }
        HttpResponse<String> eighth = completeWithRecoveryCode(challenge(user), codes.get(7));
        assertEquals(2, json(eighth).getInt("recovery_codes_remaining"));
    }

    @Test
    void sensitiveActionsNeedASignInWithTheSecondFactor() {
        Enrolled user = enrolled();
        atStartOfStep();
        String code = user.app().codeAt(serverNow());
        JsonObject mfaRequired = assertProblem(changePassword(user.session()), 403);
        assertTrue(mfaRequired.getString("type").endsWith(":mfa-required"), mfaRequired.toString());
        assertProblem(post(user.session(), "/auth/mfa/totp/disable", Json.createObjectBuilder().add("password", PASSWORD)
                .add("code", code)), 403);
        assertProblem(post(user.session(), "/auth/mfa/recovery-codes", Json.createObjectBuilder().add("password", PASSWORD)
                .add("code", code)), 403);

        BrowserSession strong = signedInWithCode(user);
        HttpResponse<String> changed = strong.absorb(changePassword(strong));
        assertEquals(200, changed.statusCode(), changed.body());
        assertEquals(List.of("pwd", "otp"), strings(Http.claims(strong.accessToken()), "amr"),
                "the session a password change starts keeps the second factor");
    }

    @Test
    void newRecoveryCodesReplaceTheOldAndTurningItOffNeedsPasswordAndCode() throws Exception {
        try (TestMailServer smtp = TestMailServer.forDeployedServer().start()) {
            Enrolled user = enrolled();
            BrowserSession strong = signedInWithCode(user);
            advance(30);
            HttpResponse<String> replaced = post(strong, "/auth/mfa/recovery-codes", Json.createObjectBuilder()
                    .add("password", PASSWORD).add("code", user.app().codeAt(serverNow())));
            assertEquals(200, replaced.statusCode(), replaced.body());
            List<String> fresh = strings(json(replaced), "recovery_codes");
            assertProblem(completeWithRecoveryCode(challenge(user), user.recoveryCodes().get(0)), 401, "the old set died");

            assertProblem(post(strong, "/auth/mfa/totp/disable", Json.createObjectBuilder().add("password", PASSWORD)
                    .add("code", "000000")), 403);
            HttpResponse<String> disabled = post(strong, "/auth/mfa/totp/disable", Json.createObjectBuilder()
                    .add("password", PASSWORD).add("code", fresh.get(0)));
            assertEquals(204, disabled.statusCode(), disabled.body());
            HttpResponse<String> login = http.login(user.email(), PASSWORD);
            assertEquals(List.of("pwd"), strings(Http.claims(json(login).getString("access_token")), "amr"), "a password is enough again");
            assertFalse(json(strong.me()).getBoolean("mfa_enabled"));
            smtp.awaitMessage(user.email(), "Two-step sign-in is now off for your Latchkey account", Duration.ofSeconds(15));
        }
    }

    @Test
    void anAdministratorResetRemovesTheFactorAndEndsEverySession() {
        Enrolled user = enrolled();
        String userId = Http.claims(user.session().accessToken()).getString("sub");
        BrowserSession admin = BrowserSession.loggedIn(http, adminEmail(), PASSWORD);
        HttpResponse<String> reset = http.send(admin.post("/admin/users/" + userId + "/mfa/reset")
                .header("Authorization", "Bearer " + admin.accessToken()));
        assertEquals(204, reset.statusCode(), reset.body());
        assertProblem(user.session().refresh(), 401);
        HttpResponse<String> login = http.login(user.email(), PASSWORD);
        assertEquals(List.of("pwd"), strings(Http.claims(json(login).getString("access_token")), "amr"));
    }

    @Test
    void malformedSecondStepsAreBadRequestsThatChangeNothing() {
        Enrolled user = enrolled();
        String mfaToken = challenge(user);
        String[] bodies = {
            "{\"mfa_token\":\"" + mfaToken + "\",\"code\":\"12345\"}",
            "{\"mfa_token\":\"" + mfaToken + "\",\"code\":\"1234567\"}",
            "{\"mfa_token\":\"" + mfaToken + "\",\"code\":\"12345a\"}",
            "{\"mfa_token\":\"" + mfaToken + "\",\"code\":123456}",
            "{\"mfa_token\":\"" + mfaToken + "\",\"recovery_code\":\"not-a-code\"}",
            "{\"mfa_token\":\"" + mfaToken + "\",\"code\":\"123456\",\"recovery_code\":\"AAAA-AAAA-AAAA-AAAA\"}",
            "{\"mfa_token\":\"" + mfaToken + "\"}",
            "{\"mfa_token\":\"short\",\"code\":\"123456\"}",
            "{\"code\":\"123456\"}",
            "[]",
            "not json",
        };
        for (String body : bodies) {
            HttpResponse<String> response = http.postJson("/auth/login/mfa", body);
            assertEquals(400, response.statusCode(), body + " -> " + response.body());
            assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse(""));
        }
        atStartOfStep();
        assertEquals(200, completeWithCode(mfaToken, user.app().codeAt(serverNow())).statusCode(),
                "none of them counted as an attempt");
        assertEquals(400, post(user.session(), "/auth/mfa/totp/confirm", Json.createObjectBuilder().add("code", "12 456")).statusCode());
    }

    @Test
    void noSecretCodeOrChallengeReachesTheLog() {
        Enrolled user = enrolled();
        List<String> secrets = new ArrayList<>(user.recoveryCodes());
        secrets.add(user.secret());
        secrets.addAll(user.recoveryCodes().stream().map(code -> code.replace("-", "")).toList());
        String mfaToken = challenge(user);
        secrets.add(mfaToken);
        atStartOfStep();
        String code = user.app().codeAt(serverNow());
        secrets.add(code);
        assertProblem(completeWithCode(mfaToken, wrong(code, 0)), 401);
        assertEquals(200, completeWithCode(mfaToken, code).statusCode());
        assertEquals(200, completeWithRecoveryCode(challenge(user), user.recoveryCodes().get(0)).statusCode());

        String log = http.get("/test-support/log").body();
        assertTrue(log.contains("\"event\":\"login_second_factor\",\"outcome\":\"success\""), "the capture works");
        assertTrue(log.contains("\"event\":\"mfa_enabled\",\"outcome\":\"success\""));
        for (String secret : secrets) {
            assertFalse(log.contains(secret), "a secret of the flow is in the log: " + secret.substring(0, 3) + "...");
        }
    }

    // ---- helpers

    private Enrolled enrolled() {
        String email = registered();
        BrowserSession session = BrowserSession.loggedIn(http, email, PASSWORD);
        String secret = json(post(session, "/auth/mfa/totp/enroll", Json.createObjectBuilder().add("password", PASSWORD)))
                .getString("secret");
        Authenticator app = Authenticator.fromBase32(secret);
        atStartOfStep();
        HttpResponse<String> confirmed = confirm(session, app.codeAt(serverNow()));
        assertEquals(200, confirmed.statusCode(), confirmed.body());
        // The confirming code's step, and every one before it, is used up: two steps on, a code
        // one step early is still a fresh one.
        advance(60);
        return new Enrolled(email, session, secret, app, strings(json(confirmed), "recovery_codes"));
    }

    private BrowserSession signedInWithCode(Enrolled user) {
        advance(30);
        BrowserSession session = new BrowserSession(http);
        HttpResponse<String> second = session.absorb(completeWithCode(challenge(user), user.app().codeAt(serverNow())));
        assertEquals(200, second.statusCode(), second.body());
        return session;
    }

    private String challenge(Enrolled user) {
        HttpResponse<String> login = http.login(user.email(), PASSWORD);
        assertEquals(200, login.statusCode(), login.body());
        return json(login).getString("mfa_token");
    }

    private HttpResponse<String> completeWithCode(String mfaToken, String code) {
        return http.postJson("/auth/login/mfa", Json.createObjectBuilder().add("mfa_token", mfaToken).add("code", code).build().toString());
    }

    private HttpResponse<String> completeWithRecoveryCode(String mfaToken, String code) {
        return http.postJson("/auth/login/mfa", Json.createObjectBuilder().add("mfa_token", mfaToken).add("recovery_code", code)
                .build().toString());
    }

    private HttpResponse<String> confirm(BrowserSession session, String code) {
        return post(session, "/auth/mfa/totp/confirm", Json.createObjectBuilder().add("code", code));
    }

    private HttpResponse<String> changePassword(BrowserSession session) {
        return post(session, "/auth/password/change", Json.createObjectBuilder().add("current_password", PASSWORD)
                .add("new_password", "another fine passphrase " + java.util.UUID.randomUUID()));
    }

    private HttpResponse<String> post(BrowserSession session, String path, jakarta.json.JsonObjectBuilder body) {
        return http.send(http.request(path).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + session.accessToken())
                .POST(HttpRequest.BodyPublishers.ofString(body.build().toString())));
    }

    /** The bootstrap administrator, registered once (later registrations of the address change nothing). */
    private String adminEmail() {
        http.register(ADMIN, PASSWORD);
        return ADMIN;
    }

    private Instant serverNow() {
        return Instant.now().plusSeconds(clockOffsetSeconds);
    }

    private void advance(long seconds) {
        http.advanceClock(seconds);
        clockOffsetSeconds += seconds;
    }

    /** Moves the server's clock to two seconds into a 30-second step: ~28 s before the next. */
    private void atStartOfStep() {
        long into = Math.floorMod(serverNow().getEpochSecond(), 30);
        advance(Math.floorMod(2 - into, 30));
    }

    private static String wrong(String right, int variant) {
        return String.format("%06d", (Integer.parseInt(right) + 1 + variant * 7919) % 1_000_000);
    }

    private static void assertNotNullCookie(BrowserSession session) {
        assertTrue(session.refreshToken() != null && session.csrfToken() != null, "the session's cookies are set");
    }

    private static List<String> strings(JsonObject object, String name) {
        return object.getJsonArray(name).getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }
}

package dev.latchkey.session;

import dev.latchkey.testsupport.client.BrowserSession;
import dev.latchkey.testsupport.client.DeployedLatchkeyTest;
import dev.latchkey.testsupport.client.Http;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.latchkey.testsupport.client.Http.assertProblem;
import static dev.latchkey.testsupport.client.Http.json;
import static dev.latchkey.testsupport.client.Http.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Refresh-token rotation, reuse detection, the grace window, concurrency and expiry, over real HTTP and cookies. */
class RefreshRotationIT extends DeployedLatchkeyTest {

    private static final long GRACE_SECONDS = 10;
    private static final long DAY = 24 * 3600;

    private BrowserSession newSession() {
        String email = uniqueEmail();
        assertEquals(202, http.register(email, PASSWORD).statusCode());
        return BrowserSession.loggedIn(http, email, PASSWORD);
    }

    @Test
    void withoutRememberMeLoginSetsHardenedSessionCookiesExactly() {
        String email = uniqueEmail();
        http.register(email, PASSWORD);
        HttpResponse<String> login = http.login(email, PASSWORD);
        List<String> cookies = BrowserSession.setCookies(login);
        assertEquals(3, cookies.size(), "refresh, CSRF and (cookie mode is on in tests) access cookies, nothing else, no JSESSIONID: " + cookies);
        String refresh = cookie(cookies, "__Secure-latchkey-refresh=");
        String csrf = cookie(cookies, "__Host-latchkey-csrf=");

        // No Max-Age and no Expires: the browser drops them when it closes.
        assertTrue(refresh.matches("__Secure-latchkey-refresh=[A-Za-z0-9_-]{114}; Path=/auth; Secure; HttpOnly; SameSite=Strict"), refresh);
        assertTrue(csrf.matches("__Host-latchkey-csrf=[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+; Path=/; Secure; SameSite=Strict"), csrf);
        String access = cookie(cookies, "__Host-latchkey-access=");
        assertTrue(access.matches("__Host-latchkey-access=[A-Za-z0-9_.-]+; Max-Age=900; Path=/; Secure; HttpOnly; SameSite=Strict"), access);
        JsonObject listed = json(http.getWithBearer("/auth/sessions", json(login).getString("access_token")))
                .getJsonArray("sessions").getJsonObject(0);
        assertFalse(listed.getBoolean("remember_me"));
    }

    @Test
    void withRememberMeTheCookiesPersistUntilTheThirtyDayExpiryWhichRefreshesNeverMove() {
        String email = uniqueEmail();
        http.register(email, PASSWORD);
        BrowserSession session = new BrowserSession(http);
        HttpResponse<String> login = session.absorb(http.postJson("/auth/login", "{\"email\":\"" + email
                + "\",\"password\":\"" + PASSWORD + "\",\"remember_me\":true}"));
        assertEquals(200, login.statusCode(), login.body());
        long thirtyDays = 30 * DAY;
        assertMaxAge(BrowserSession.setCookies(login), thirtyDays);
        assertTrue(json(session.me()).getString("sub").length() > 0);
        JsonObject listed = json(http.getWithBearer("/auth/sessions", session.accessToken())).getJsonArray("sessions").getJsonObject(0);
        assertTrue(listed.getBoolean("remember_me"));

        // Past the 7 days of a browser session, refreshing within the idle timeout: still alive,
        // and each rotation's cookies count down to the same expiry.
        for (int day = 6; day <= 24; day += 6) {
            http.advanceClock(6 * DAY);
            HttpResponse<String> refreshed = session.refresh();
            assertEquals(200, refreshed.statusCode(), "day " + day + ": " + refreshed.body());
            assertMaxAge(BrowserSession.setCookies(refreshed), thirtyDays - day * DAY);
        }
        http.advanceClock(6 * DAY + 1);
        assertProblem(session.refresh(), 401);
    }

    @Test
    void rememberMeMustBeAJsonBoolean() {
        String email = uniqueEmail();
        http.register(email, PASSWORD);
        for (String value : new String[] {"\"true\"", "1", "null", "[true]"}) {
            assertProblem(http.postJson("/auth/login", "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD
                    + "\",\"remember_me\":" + value + "}"), 400);
        }
    }

    private static String cookie(List<String> cookies, String prefix) {
        return cookies.stream().filter(c -> c.startsWith(prefix)).findFirst().orElseThrow(() -> new AssertionError(prefix + " in " + cookies));
    }

    /** The refresh and CSRF cookies persist, with a Max-Age within a few seconds of {@code expected}. */
    private static void assertMaxAge(List<String> cookies, long expected) {
        for (String prefix : new String[] {"__Secure-latchkey-refresh=", "__Host-latchkey-csrf="}) {
            String cookie = cookie(cookies, prefix);
            assertTrue(cookie.matches(".*; Max-Age=\\d+; Path=.*"), cookie);
            long maxAge = Long.parseLong(cookie.replaceAll(".*Max-Age=(\\d+);.*", "$1"));
            assertTrue(maxAge <= expected && maxAge >= expected - 5, prefix + " Max-Age " + maxAge + ", expected about " + expected);
        }
    }

    @Test
    void refreshRotatesAndReuseOfAnOldTokenRevokesTheWholeFamily() {
        BrowserSession session = newSession();
        String firstAccess = session.accessToken();
        String first = session.refreshToken();

        HttpResponse<String> refreshed = session.refresh();
        assertEquals(200, refreshed.statusCode(), refreshed.body());
        assertEquals("no-store", refreshed.headers().firstValue("Cache-Control").orElse(""));
        String second = session.refreshToken();
        assertNotEquals(first, second);
        assertEquals(200, session.me().statusCode());

        http.advanceClock(GRACE_SECONDS + 1);
        assertProblem(session.refreshWith(first), 401);

        // The whole family is gone: the newest refresh token, and every access token of the family.
        assertProblem(session.refreshWith(second), 401);
        assertProblem(http.getWithBearer("/api/me", session.accessToken()), 401);
        assertProblem(http.getWithBearer("/api/me", firstAccess), 401);
    }

    @Test
    void immediatePredecessorWithinGraceGetsTheSameSuccessorAndOlderOnesAreTheft() {
        BrowserSession session = newSession();
        String first = session.refreshToken();
        assertEquals(200, session.refresh().statusCode());
        String second = session.refreshToken();

        HttpResponse<String> replay = session.refreshWith(first);
        assertEquals(200, replay.statusCode(), replay.body());
        assertEquals(second, refreshCookieValue(replay), "the same successor, not a second branch");

        assertEquals(200, session.refresh().statusCode());
        String third = session.refreshToken();
        // Still inside the window, but "first" is now two generations old: theft.
        assertProblem(session.refreshWith(first), 401);
        assertProblem(session.refreshWith(third), 401);
    }

    @Test
    void theGraceWindowSealIsGoneFromTheDatabaseOnceTheWindowHasPassed() {
        BrowserSession session = newSession();
        String family = sessionId(session.accessToken());
        assertEquals("empty", successorSealed(family), "nothing is sealed before the first rotation");
        assertEquals(200, session.refresh().statusCode());
        assertEquals("sealed", successorSealed(family), "the window is open: the previous token may come back");

        // Housekeeping within the window keeps it; after the window it clears it.
        assertEquals(204, housekeeping().statusCode());
        assertEquals("sealed", successorSealed(family));
        http.advanceClock(GRACE_SECONDS + 1);
        assertEquals(204, housekeeping().statusCode());
        assertEquals("empty", successorSealed(family), "a database copy plus the previous token must not yield the current one");
        assertEquals(200, session.refresh().statusCode(), "the current token still rotates");

        // A session that ends needs no seal either, window or not.
        assertEquals("sealed", successorSealed(family));
        assertEquals(204, http.send(session.post("/auth/logout")).statusCode());
        assertEquals("empty", successorSealed(family));
    }

    private static String sessionId(String accessToken) {
        String payload = new String(java.util.Base64.getUrlDecoder().decode(accessToken.split("\\.")[1]),
                java.nio.charset.StandardCharsets.UTF_8);
        return jakarta.json.Json.createReader(new java.io.StringReader(payload)).readObject().getString("sid");
    }

    private String successorSealed(String family) {
        HttpResponse<String> row = http.get("/test-support/token-family/" + family + "/successor-sealed");
        assertEquals(200, row.statusCode(), row.body());
        return row.body();
    }

    private HttpResponse<String> housekeeping() {
        return http.send(http.request("/test-support/token-family/housekeeping").POST(HttpRequest.BodyPublishers.noBody()));
    }

    /**
     * Issue 16's race between two tabs of one browser: tab A reads the CSRF cookie, tab B's refresh
     * then rotates the cookies they share, and tab A's request goes out with the cookies the browser
     * holds now and the header read before. With a CSRF token that rotated on every refresh, the
     * header no longer equalled the cookie and tab A got a 403.
     */
    @Test
    void aCsrfHeaderReadBeforeAnotherTabRefreshedStillPasses() {
        BrowserSession browser = newSession();
        String readByTabA = browser.csrfToken();
        HttpResponse<String> tabB = browser.refresh();
        assertEquals(200, tabB.statusCode(), tabB.body());
        assertEquals(readByTabA, browser.csrfToken(), "one CSRF token for the whole session");

        HttpResponse<String> tabA = browser.absorb(http.send(http.request("/auth/refresh").POST(HttpRequest.BodyPublishers.noBody())
                .header("Cookie", browser.cookieHeader())
                .header("X-CSRF-Token", readByTabA)));
        assertEquals(200, tabA.statusCode(), tabA.body());

        BrowserSession otherSession = newSession();
        assertNotEquals(readByTabA, otherSession.csrfToken(), "a new session, a new CSRF token");
        assertProblem(http.send(http.request("/auth/refresh").POST(HttpRequest.BodyPublishers.noBody())
                .header("Cookie", BrowserSession.REFRESH + "=" + otherSession.refreshToken() + "; " + BrowserSession.CSRF + "=" + readByTabA)
                .header("X-CSRF-Token", readByTabA)), 403);
    }

    @Test
    void twentyParallelRefreshesWithOneTokenYieldExactlyOneSuccessor() throws Exception {
        BrowserSession session = newSession();
        int parallel = 20;
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < parallel; i++) {
            futures.add(pool.submit(() -> {
                start.await();
                return http.send(session.post("/auth/refresh"));
            }));
        }
        start.countDown();
        Set<String> successors = new HashSet<>();
        int ok = 0;
        for (Future<HttpResponse<String>> future : futures) {
            HttpResponse<String> response = future.get();
            assertTrue(response.statusCode() == 200 || response.statusCode() == 401, response.statusCode() + " " + response.body());
            if (response.statusCode() == 200) {
                ok++;
                successors.add(refreshCookieValue(response));
            }
        }
        pool.shutdown();
        assertEquals(parallel, ok, "every request arrived within the grace window, so every one gets the successor");
        assertEquals(1, successors.size(), "exactly one successor: " + successors);

        // The family is consistent: the one successor goes on working.
        session.setCookie(BrowserSession.REFRESH, successors.iterator().next());
        assertEquals(200, session.refresh().statusCode());
        assertEquals(200, session.me().statusCode());
    }

    /**
     * Issue 20's budget for a refresh: one transaction of two statements (resolve the session the
     * token names, use the token up with a conditional UPDATE), as the database sees it, and no
     * row written per token.
     */
    @Test
    void aRefreshIsOneTransactionOfTwoStatementsAndStoresNothingPerToken() {
        BrowserSession session = newSession();
        assertEquals(204, http.send(http.request("/test-support/sql").POST(HttpRequest.BodyPublishers.noBody())).statusCode());
        HttpResponse<String> refreshed = session.refresh();
        assertEquals(204, http.send(http.request("/test-support/sql").DELETE()).statusCode());
        assertEquals(200, refreshed.statusCode());

        JsonObject recorded = Http.json(http.get("/test-support/sql"));
        List<String> statements = recorded.getJsonArray("statements").getValuesAs(JsonString::getString);
        assertEquals(1, recorded.getInt("transactions"), statements.toString());
        assertEquals(2, statements.size(), statements.toString());
        assertTrue(statements.get(0).toUpperCase().startsWith("1 SELECT"), statements.toString());
        assertTrue(statements.get(1).toUpperCase().startsWith("1 UPDATE TOKEN_FAMILY"), statements.toString());

        String historyBefore = historyRows();
        for (int i = 0; i < 5; i++) {
            assertEquals(200, session.refresh().statusCode());
        }
        assertEquals(historyBefore, historyRows(), "no table grows per refresh");
    }

    private String historyRows() {
        HttpResponse<String> rows = http.get("/test-support/token-family/history-rows");
        assertEquals(200, rows.statusCode(), rows.body());
        return rows.body();
    }

    @Test
    void aCopyOfTheDatabaseYieldsNoUsableRefreshToken() {
        BrowserSession session = newSession();
        String family = sessionId(session.accessToken());
        assertEquals(200, session.refresh().statusCode());
        String current = session.refreshToken();

        HttpResponse<String> stored = http.get("/test-support/token-family/" + family + "/stored-values");
        assertEquals(200, stored.statusCode(), stored.body());
        List<String> values = List.of(stored.body().split("\n"));
        assertEquals(3, values.size(), "the current and previous hashes and the seal: " + values.size());
        for (String value : values) {
            assertFalse(value.contains(current) || current.contains(value), "the token itself is stored");
            assertProblem(session.refreshWith(value), 401);
        }
        // Nor is it anywhere else: every text column of every table is searched.
        HttpResponse<String> naming = http.get("/test-support/database/rows-naming?value=" + current);
        assertEquals(200, naming.statusCode(), naming.body());
        assertEquals(1, naming.body().strip().lines().count(), naming.body());

        assertEquals(200, session.refresh().statusCode(), "none of that counted as a second use");
        assertEquals(200, session.me().statusCode());
    }

    @Test
    void aTokenForgedForARealSessionIsRefusedAndEndsNothing() {
        BrowserSession session = newSession();
        String family = sessionId(session.accessToken());
        assertEquals(200, session.refresh().statusCode());
        assertEquals(200, session.refresh().statusCode());
        http.advanceClock(GRACE_SECONDS + 1);

        // The session id is public (sid); an older generation, genuine, would end the session.
        for (int generation = 0; generation <= 3; generation++) {
            assertProblem(session.refreshWith(forgedToken(family, generation)), 401);
        }
        String genuine = session.refreshToken();
        byte[] tampered = java.util.Base64.getUrlDecoder().decode(genuine);
        tampered[20] ^= 1;
        assertProblem(session.refreshWith(java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(tampered)), 401);

        assertEquals(200, session.refresh().statusCode(), "the owner's session goes on");
        assertEquals(200, session.me().statusCode());
    }

    /** Version, session, generation and random bytes as Latchkey lays them out, with a MAC made without its secret. */
    private static String forgedToken(String family, int generation) {
        java.util.UUID id = java.util.UUID.fromString(family);
        java.nio.ByteBuffer token = java.nio.ByteBuffer.allocate(85).put((byte) 2)
                .putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).putInt(generation);
        byte[] rest = new byte[64];
        new java.security.SecureRandom().nextBytes(rest);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(token.put(rest).array());
    }

    @Test
    void aSessionStartedBeforeSelfIdentifyingTokensGoesOnAndItsOldTokenIsStillReuse() {
        BrowserSession session = newSession();
        String family = sessionId(session.accessToken());
        HttpResponse<String> made = http.send(http.request("/test-support/token-family/" + family + "/as-legacy")
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, made.statusCode(), made.body());
        String legacy = made.body();

        HttpResponse<String> migrated = session.refreshWith(legacy);
        assertEquals(200, migrated.statusCode(), migrated.body());
        assertEquals(114, refreshCookieValue(migrated).length(), "rotated into a self-identifying token");
        session.setCookie(BrowserSession.REFRESH, refreshCookieValue(migrated));
        assertEquals(200, session.refresh().statusCode());
        assertEquals(sessionId(session.accessToken()), family, "the same session");

        http.advanceClock(GRACE_SECONDS + 1);
        assertProblem(session.refreshWith(legacy), 401);
        assertProblem(session.refresh(), 401, "the legacy token came back: the whole session ended");

        // Its history goes with the session at its absolute expiry (ON DELETE CASCADE).
        assertTrue(http.get("/test-support/token-family/" + family + "/stored-values").body().lines().count() >= 2,
                "the session's hashes and its legacy token's history row");
        http.advanceClock(7 * DAY + 1);
        assertEquals(204, housekeeping().statusCode());
        HttpResponse<String> left = http.get("/test-support/token-family/" + family + "/stored-values");
        assertEquals("", left.body(), "neither the session's row nor its history rows are left");
    }

    @Test
    void absoluteExpiryHoldsDespiteRotationAndEveryRefreshSaysWhenItComes() {
        BrowserSession session = newSession();
        http.advanceClock(3 * DAY);
        HttpResponse<String> first = session.refresh();
        assertEquals(200, first.statusCode());
        long sessionEnd = json(first).getJsonNumber("session_expires_at").longValue();
        long issuedAt = Http.claims(session.accessToken()).getJsonNumber("iat").longValue();
        assertTrue(Math.abs(sessionEnd - issuedAt - 4 * DAY) <= 5, "four of the seven days left: " + (sessionEnd - issuedAt));
        // The idle timeout is as long as the session here, so the absolute end comes first.
        assertEquals(sessionEnd, json(first).getJsonNumber("session_idle_expires_at").longValue());
        http.advanceClock(3 * DAY);
        HttpResponse<String> second = session.refresh();
        assertEquals(200, second.statusCode());
        assertEquals(sessionEnd, json(second).getJsonNumber("session_expires_at").longValue(), "no refresh moves the end");
        http.advanceClock(DAY + 1);
        assertProblem(session.refresh(), 401);
    }

    @Test
    void refreshAndAccessTokensCannotStandInForEachOther() {
        BrowserSession session = newSession();
        assertProblem(http.getWithBearer("/api/me", session.refreshToken()), 401);
        assertProblem(session.refreshWith(session.accessToken()), 401);
    }

    @Test
    void refreshWithoutACookieIsUnauthorized() {
        assertProblem(http.send(http.request("/auth/refresh").POST(HttpRequest.BodyPublishers.noBody())), 401);
        assertProblem(http.send(http.request("/auth/refresh").POST(HttpRequest.BodyPublishers.noBody())
                .header("Cookie", BrowserSession.REFRESH + "=not-a-token")), 401);
    }

    static String refreshCookieValue(HttpResponse<String> response) {
        String cookie = BrowserSession.setCookies(response).stream()
                .filter(c -> c.startsWith(BrowserSession.REFRESH + "=")).findFirst().orElse(null);
        assertNotNull(cookie, "a refresh cookie");
        return cookie.split(";", 2)[0].split("=", 2)[1];
    }
}

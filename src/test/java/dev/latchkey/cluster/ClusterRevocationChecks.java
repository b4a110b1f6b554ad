package dev.latchkey.cluster;

import dev.latchkey.testsupport.client.BrowserSession;
import dev.latchkey.testsupport.client.Eventually;
import dev.latchkey.testsupport.client.Http;
import dev.latchkey.testsupport.client.LatchkeyCluster;
import dev.latchkey.testsupport.client.MetricsScrape;
import dev.latchkey.testsupport.client.SigningKeyControl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static dev.latchkey.testsupport.client.Http.assertProblem;
import static dev.latchkey.testsupport.client.Http.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Revocation across a cluster of real nodes, on whichever server they run: a node's logout, reuse
 * detection and key revocation hold on every other node at once, a node that was down learns of
 * them on its first request, and a whole cluster restarted keeps them. {@link ClusterRevocationIT}
 * runs these on three Payara Micro nodes, {@link TwoNodeRevocationIT} on two WildFly nodes
 * (-Pwildfly). The class gives the cluster, started and joined, with nodes {@link #A} and
 * {@link #B} at least; "the other nodes" are every node but A.
 */
interface ClusterRevocationChecks {

    String PASSWORD = "correct horse battery staple";
    String ADMIN = "first-admin@example.test";
    int A = 0;
    int B = 1;
    long GRACE_SECONDS = 10;
    Duration REJOIN_TIMEOUT = Duration.ofSeconds(60);

    LatchkeyCluster cluster();

    @BeforeEach
    default void wholeCluster() {
        restoreWholeCluster();
    }

    @AfterEach
    default void resetClocks() {
        for (int node = 0; node < cluster().size(); node++) {
            try {
                cluster().http(node).resetClock();
            } catch (AssertionError | RuntimeException stopped) {
                // A node a test left stopped has no clock to reset.
            }
        }
    }

    /**
     * Starts whichever nodes are down (the first of them alone when all are, as at class start)
     * and waits until every node counts all members again. Does nothing when all nodes run.
     */
    default void restoreWholeCluster() {
        LatchkeyCluster cluster = cluster();
        List<Integer> down = new ArrayList<>();
        for (int node = 0; node < cluster.size(); node++) {
            if (!cluster.isRunning(node)) {
                down.add(node);
            }
        }
        if (down.isEmpty()) {
            return;
        }
        if (down.size() == cluster.size()) {
            cluster.start(down.remove(0));
        }
        if (!down.isEmpty()) {
            cluster.start(down.stream().mapToInt(Integer::intValue).toArray());
        }
        for (int node = 0; node < cluster.size(); node++) {
            int each = node;
            Eventually.await("node " + node + " counts " + cluster.size() + " members", REJOIN_TIMEOUT,
                    () -> countsAllMembers(cluster.readiness(each)));
        }
    }

    default boolean countsAllMembers(String readiness) {
        int members = cluster().size();
        return readiness.contains("\"members\":\"" + members + "\"") || readiness.contains("\"members\":" + members);
    }

    /** Every node but A. */
    default int[] otherNodes() {
        return IntStream.range(0, cluster().size()).filter(node -> node != A).toArray();
    }

    default BrowserSession loginOn(int node) {
        Http http = cluster().http(node);
        String email = uniqueEmail();
        assertEquals(202, http.register(email, PASSWORD).statusCode());
        return BrowserSession.loggedIn(http, email, PASSWORD);
    }

    default HttpResponse<String> me(int node, String accessToken) {
        return cluster().http(node).getWithBearer("/api/me", accessToken);
    }

    default HttpResponse<String> logout(int node, String accessToken) {
        Http http = cluster().http(node);
        return http.send(http.request("/auth/logout").POST(HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + accessToken));
    }

    default HttpResponse<String> logoutAll(int node, String accessToken) {
        Http http = cluster().http(node);
        return http.send(http.request("/auth/logout-all").POST(HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + accessToken));
    }

    default void advanceClocks(long seconds) {
        for (int node = 0; node < cluster().size(); node++) {
            cluster().http(node).advanceClock(seconds);
        }
    }

    @Test
    default void everyNodeJoinedOneCluster() {
        for (int node = 0; node < cluster().size(); node++) {
            String readiness = cluster().readiness(node);
            assertTrue(countsAllMembers(readiness), readiness);
        }
    }

    @Test
    default void logoutOnOneNodeKillsTheTokenOnEveryOtherNodeAtOnce() {
        BrowserSession session = loginOn(A);
        String token = session.accessToken();
        for (int node : otherNodes()) {
            assertEquals(200, me(node, token).statusCode(), "a token from A is good on node " + node);
        }

        assertEquals(204, logout(A, token).statusCode());

        // The very next request on the other nodes, with no pause in between.
        for (int node : otherNodes()) {
            assertProblem(me(node, token), 401);
        }
    }

    @Test
    default void replayOfARotatedRefreshTokenOnOneNodeRevokesTheFamilyEverywhere() {
        BrowserSession session = loginOn(A);
        String rotated = session.refreshToken();
        assertEquals(200, session.refresh().statusCode());
        String familyAccessToken = session.accessToken();
        assertEquals(200, me(B, familyAccessToken).statusCode());

        advanceClocks(GRACE_SECONDS + 1);
        BrowserSession onB = new BrowserSession(cluster().http(B));
        onB.setCookie(BrowserSession.CSRF, session.csrfToken());
        assertProblem(onB.refreshWith(rotated), 401);

        for (int node = 0; node < cluster().size(); node++) {
            assertProblem(me(node, familyAccessToken), 401);
        }
        assertProblem(session.refreshWith(session.refreshToken()), 401, "the newest token of the family, on A");
    }

    @Test
    default void concurrentRefreshesOfOneTokenOnTwoNodesYieldExactlyOneSuccessor() throws Exception {
        BrowserSession session = loginOn(A);
        String cookies = session.cookieHeader();
        String csrf = session.csrfToken();
        int perNode = 5;
        ExecutorService pool = Executors.newFixedThreadPool(2 * perNode);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < 2 * perNode; i++) {
            Http http = cluster().http(i % 2 == 0 ? A : B);
            futures.add(pool.submit(() -> {
                start.await();
                return http.send(http.request("/auth/refresh").POST(HttpRequest.BodyPublishers.noBody())
                        .header("Cookie", cookies).header("X-CSRF-Token", csrf));
            }));
        }
        start.countDown();
        Set<String> successors = new HashSet<>();
        for (Future<HttpResponse<String>> future : futures) {
            HttpResponse<String> response = future.get();
            assertEquals(200, response.statusCode(), response.body());
            // The cookie's value only: its Max-Age is the session's remaining lifetime, counted
            // from when each request was answered, which may differ by a second or two.
            successors.add(BrowserSession.setCookies(response).stream()
                    .filter(c -> c.startsWith(BrowserSession.REFRESH + "=")).findFirst().orElseThrow().split(";", 2)[0]);
        }
        pool.shutdown();
        assertEquals(1, successors.size(), "one successor for all requests on both nodes: " + successors);
    }

    @Test
    default void aSigningKeyRevokedThroughOneNodeIsRefusedAtOnceByEveryNode() {
        Http onA = cluster().http(A);
        SigningKeyControl keysOnA = new SigningKeyControl(onA);
        // On PostgreSQL the key table is the one the other integration tests used: start from
        // the default key set (no next key pending), which this test leaves behind too.
        String current = keysOnA.resetToDefault();
        String replacement = keysOnA.generate("RS256");
        // A key must be published as next for 15 minutes before it may sign.
        advanceClocks(15 * 60);
        String signedByCurrent = loginOn(A).accessToken();
        assertEquals(204, keysOnA.promote(replacement).statusCode());
        for (int node = 0; node < cluster().size(); node++) {
            SigningKeyControl keys = new SigningKeyControl(cluster().http(node));
            Eventually.await("node " + node + " signs with the promoted key", REJOIN_TIMEOUT,
                    () -> replacement.equals(keys.active()));
        }
        onA.register(ADMIN, PASSWORD);
        String adminToken = Http.json(onA.login(ADMIN, PASSWORD)).getString("access_token");
        for (int node : otherNodes()) {
            assertEquals(200, me(node, signedByCurrent).statusCode());
        }

        assertEquals(204, onA.send(onA.request("/admin/signing-keys/" + current + "/revoke")
                .header("Authorization", "Bearer " + adminToken).POST(HttpRequest.BodyPublishers.noBody())).statusCode());

        // The very next request on the other nodes: no waiting for their re-read of the key set.
        for (int node : otherNodes()) {
            assertProblem(me(node, signedByCurrent), 401);
        }
        assertEquals(200, me(B, adminToken).statusCode(), "tokens of the new key are unaffected");
    }

    @Test
    default void aNodeThatWasDownRejectsTokensRevokedMeanwhileOnItsFirstRequest() {
        BrowserSession session = loginOn(A);
        String token = session.accessToken();
        assertEquals(200, me(B, token).statusCode());

        try {
            cluster().stop(B);
            assertEquals(204, logoutAll(A, token).statusCode());
            cluster().start(B);

            assertProblem(me(B, token), 401);
        } finally {
            restoreWholeCluster();
        }
    }

    @Test
    default void revocationsSurviveARestartOfTheWholeCluster() {
        LatchkeyCluster cluster = cluster();
        int last = cluster.size() - 1;
        // One token killed by each kind of revocation-list entry: jti and sid (logout), sid alone
        // (reuse detection), sub and sid (logout everywhere).
        List<String> revokedAccessTokens = new ArrayList<>();
        String loggedOut = loginOn(A).accessToken();
        assertEquals(204, logout(A, loggedOut).statusCode());
        revokedAccessTokens.add(loggedOut);
        revokedAccessTokens.add(accessTokenOfAFamilyRevokedForReuse());
        String loggedOutEverywhere = loginOn(B).accessToken();
        assertEquals(204, logoutAll(B, loggedOutEverywhere).statusCode());
        revokedAccessTokens.add(loggedOutEverywhere);
        String liveAccessToken = loginOn(last).accessToken();

        try {
            cluster.stop(IntStream.range(0, cluster.size()).toArray());
            cluster.start(last);

            for (String token : revokedAccessTokens) {
                assertProblem(me(last, token), 401);
            }
            assertEquals(200, me(last, liveAccessToken).statusCode(), "an unrevoked token still works: the keys survived too");
        } finally {
            restoreWholeCluster();
        }
        MetricsScrape restarted = MetricsScrape.of(cluster.http(last));
        assertEquals(0, restarted.value("latchkey_cluster_degraded"));
        assertEquals(cluster.size(), restarted.value("latchkey_cluster_members"));
    }

    /** A session's access token, after the session ended because a rotated refresh token came back past the grace. */
    private String accessTokenOfAFamilyRevokedForReuse() {
        BrowserSession session = loginOn(A);
        String rotated = session.refreshToken();
        assertEquals(200, session.refresh().statusCode());
        advanceClocks(GRACE_SECONDS + 1);
        BrowserSession onB = new BrowserSession(cluster().http(B));
        onB.setCookie(BrowserSession.CSRF, session.csrfToken());
        assertProblem(onB.refreshWith(rotated), 401);
        resetClocks();
        return session.accessToken();
    }
}

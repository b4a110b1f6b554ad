package dev.latchkey.cluster;

import dev.latchkey.testsupport.client.BrowserSession;
import dev.latchkey.testsupport.client.Eventually;
import dev.latchkey.testsupport.client.Http;
import dev.latchkey.testsupport.client.LatchkeyCluster;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.latchkey.testsupport.client.Http.assertProblem;
import static dev.latchkey.testsupport.client.Http.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clustered revocation with real nodes: three Payara Micro processes running the same WAR, joined
 * by a real JGroups TCP stack (TCPPING) on loopback, sharing one database. The nodes start once for
 * the whole class; the last tests restart some and then all of them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterRevocationIT {

    private static final String PASSWORD = "correct horse battery staple";
    private static final String ADMIN = "first-admin@example.test";
    private static final int A = 0;
    private static final int B = 1;
    private static final int C = 2;
    private static final long GRACE_SECONDS = 10;

    private static LatchkeyCluster cluster;
    private static Server h2Server;

    /** Tokens revoked by earlier tests, which must stay dead through restarts. */
    private static final List<String> revokedAccessTokens = new ArrayList<>();
    private static String liveAccessToken;

    @BeforeAll
    static void startCluster() throws SQLException {
        cluster = new LatchkeyCluster(3, sharedDatabase());
        // The first node migrates the schema and generates the shared development key; the
        // others then join it together.
        cluster.start(A);
        cluster.start(B, C);
    }

    /**
     * The database every node shares: the integration-test database of this build, served over
     * TCP by an H2 server that this test owns when the build runs on in-memory H2.
     */
    private static Map<String, String> sharedDatabase() throws SQLException {
        String url = System.getProperty("latchkey.it.datasource.url", "jdbc:h2:mem:latchkey-it");
        if (url.startsWith("jdbc:h2:mem:")) {
            h2Server = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
            url = "jdbc:h2:tcp://127.0.0.1:" + h2Server.getPort() + "/mem:latchkey-cluster;DB_CLOSE_DELAY=-1";
        }
        return Map.of(
                "class-name", System.getProperty("latchkey.it.datasource.class-name", "org.h2.jdbcx.JdbcDataSource"),
                "url", url,
                "user", System.getProperty("latchkey.it.datasource.user", "sa"),
                "password", System.getProperty("latchkey.it.datasource.password", ""));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
        if (h2Server != null) {
            h2Server.stop();
        }
    }

    @AfterEach
    void resetClocks() {
        for (int node = 0; node < cluster.size(); node++) {
            try {
                cluster.http(node).resetClock();
            } catch (AssertionError | RuntimeException stopped) {
                // A node a test left stopped has no clock to reset.
            }
        }
    }

    private BrowserSession loginOn(int node) {
        Http http = cluster.http(node);
        String email = uniqueEmail();
        assertEquals(202, http.register(email, PASSWORD).statusCode());
        return BrowserSession.loggedIn(http, email, PASSWORD);
    }

    private static HttpResponse<String> me(int node, String accessToken) {
        return cluster.http(node).getWithBearer("/api/me", accessToken);
    }

    @Test
    @Order(1)
    void everyNodeJoinedOneCluster() {
        for (int node = 0; node < cluster.size(); node++) {
            String readiness = cluster.readiness(node);
            assertTrue(readiness.contains("\"members\":\"3\"") || readiness.contains("\"members\":3"), readiness);
        }
    }

    @Test
    @Order(2)
    void logoutOnOneNodeKillsTheTokenOnEveryOtherNodeAtOnce() {
        BrowserSession session = loginOn(A);
        String token = session.accessToken();
        assertEquals(200, me(B, token).statusCode(), "a token from A is good on B");
        assertEquals(200, me(C, token).statusCode(), "and on C");

        HttpResponse<String> logout = cluster.http(A).send(cluster.http(A).request("/auth/logout")
                .POST(HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + token));
        assertEquals(204, logout.statusCode());

        // The very next request on the other nodes, with no pause in between.
        assertProblem(me(B, token), 401);
        assertProblem(me(C, token), 401);
        revokedAccessTokens.add(token);
    }

    @Test
    @Order(3)
    void replayOfARotatedRefreshTokenOnOneNodeRevokesTheFamilyEverywhere() {
        BrowserSession session = loginOn(A);
        String rotated = session.refreshToken();
        assertEquals(200, session.refresh().statusCode());
        String familyAccessToken = session.accessToken();
        assertEquals(200, me(B, familyAccessToken).statusCode());

        for (int node = 0; node < cluster.size(); node++) {
            cluster.http(node).advanceClock(GRACE_SECONDS + 1);
        }
        BrowserSession onB = new BrowserSession(cluster.http(B));
        onB.setCookie(BrowserSession.CSRF, session.csrfToken());
        assertProblem(onB.refreshWith(rotated), 401);

        assertProblem(me(A, familyAccessToken), 401);
        assertProblem(me(C, familyAccessToken), 401);
        assertProblem(session.refreshWith(session.refreshToken()), 401, "the newest token of the family, on A");
        revokedAccessTokens.add(familyAccessToken);
    }

    @Test
    @Order(4)
    void concurrentRefreshesOfOneTokenOnTwoNodesYieldExactlyOneSuccessor() throws Exception {
        BrowserSession session = loginOn(A);
        String cookies = session.cookieHeader();
        String csrf = session.csrfToken();
        int perNode = 5;
        ExecutorService pool = Executors.newFixedThreadPool(2 * perNode);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < 2 * perNode; i++) {
            Http http = cluster.http(i % 2 == 0 ? A : B);
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
            successors.add(BrowserSession.setCookies(response).stream()
                    .filter(c -> c.startsWith(BrowserSession.REFRESH + "=")).findFirst().orElseThrow());
        }
        pool.shutdown();
        assertEquals(1, successors.size(), "one successor for all requests on both nodes: " + successors);
    }

    @Test
    @Order(5)
    void aSigningKeyRevokedThroughOneNodeIsRefusedAtOnceByEveryNode() throws Exception {
        Http onA = cluster.http(A);
        String current = onA.send(onA.request("/test-support/signing-keys/active").GET()).body();
        HttpResponse<String> generated = onA.send(onA.request("/test-support/signing-keys/generate?alg=RS256")
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, generated.statusCode(), generated.body());
        String replacement = generated.body();
        // A key must be published as next for 15 minutes before it may sign.
        for (int node = 0; node < cluster.size(); node++) {
            cluster.http(node).advanceClock(15 * 60);
        }
        String signedByCurrent = loginOn(A).accessToken();
        assertEquals(204, onA.send(onA.request("/test-support/signing-keys/" + replacement + "/promote")
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode());
        for (int node = 0; node < cluster.size(); node++) {
            Http http = cluster.http(node);
            Eventually.await("node " + node + " signs with the promoted key", Duration.ofSeconds(60),
                    () -> replacement.equals(http.send(http.request("/test-support/signing-keys/active").GET()).body()));
        }
        onA.register(ADMIN, PASSWORD);
        String adminToken = Http.json(onA.login(ADMIN, PASSWORD)).getString("access_token");
        assertEquals(200, me(B, signedByCurrent).statusCode());
        assertEquals(200, me(C, signedByCurrent).statusCode());

        assertEquals(204, onA.send(onA.request("/admin/signing-keys/" + current + "/revoke")
                .header("Authorization", "Bearer " + adminToken).POST(HttpRequest.BodyPublishers.noBody())).statusCode());

        // The very next request on the other nodes: no waiting for their re-read of the key set.
        assertProblem(me(B, signedByCurrent), 401);
        assertProblem(me(C, signedByCurrent), 401);
        assertEquals(200, me(B, adminToken).statusCode(), "tokens of the new key are unaffected");
    }

    @Test
    @Order(6)
    void aNodeThatWasDownRejectsTokensRevokedMeanwhileOnItsFirstRequest() {
        BrowserSession session = loginOn(A);
        String token = session.accessToken();
        assertEquals(200, me(B, token).statusCode());

        cluster.stop(B);
        assertEquals(204, cluster.http(A).send(cluster.http(A).request("/auth/logout-all")
                .POST(HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + token)).statusCode());
        cluster.start(B);

        assertProblem(me(B, token), 401);
        revokedAccessTokens.add(token);
        liveAccessToken = loginOn(C).accessToken();
    }

    @Test
    @Order(7)
    void revocationsSurviveARestartOfTheWholeCluster() {
        cluster.stop(A, B, C);
        cluster.start(C);

        for (String token : revokedAccessTokens) {
            assertProblem(me(C, token), 401);
        }
        assertEquals(200, me(C, liveAccessToken).statusCode(), "an unrevoked token still works: the keys survived too");
    }
}

package dev.latchkey.cluster;

import dev.latchkey.testsupport.client.BrowserSession;
import dev.latchkey.testsupport.client.Http;
import dev.latchkey.testsupport.client.LatchkeyCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import static dev.latchkey.testsupport.client.Http.assertProblem;
import static dev.latchkey.testsupport.client.Http.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The cluster channel's defences, between real Payara Micro processes discovering each other with
 * JDBC_PING2 (jgroups-jdbc-ping.xml) in a PostgreSQL database of this test's own
 * ({@value #DATABASE}, dropped and created again per run, so it never meets the {@code latchkey_it}
 * schema of {@code -Ppostgresql}): two members with the cluster secret, and a third node that has
 * the database, the keys and the configuration but another secret. Skipped, by assumption, only
 * when no PostgreSQL answers at 127.0.0.1:5432.
 */
class ClusterHardeningIT {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    private static final String DATABASE = "latchkey_cluster_it";
    private static final String USER = "postgres";
    private static final String PASSWORD = "correct horse battery staple";
    /** PostgreSQL trusts local connections, so it ignores this; it is here to be looked for. */
    private static final String JDBC_PING_PASSWORD = "jdbc-ping-password-" + System.nanoTime();
    private static final int A = 0;
    private static final int B = 1;
    private static final int STRANGER = 2;

    private static LatchkeyCluster cluster;
    private static String secret;

    @BeforeAll
    static void startNodes() throws SQLException {
        assumeTrue(postgresqlAnswers(), "no PostgreSQL at " + SERVER);
        try (Connection connection = DriverManager.getConnection(SERVER + "test", USER, "");
             Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
            statement.execute("CREATE DATABASE " + DATABASE);
        }
        String url = SERVER + DATABASE;
        cluster = new LatchkeyCluster(3, Map.of("class-name", "org.postgresql.ds.PGSimpleDataSource",
                "url", url, "user", USER, "password", ""))
                .property("latchkey.cluster.jgroups-stack", "infinispan/jgroups-jdbc-ping.xml")
                .property("latchkey.cluster.jdbc-ping.url", url)
                .property("latchkey.cluster.jdbc-ping.user", USER)
                .environment("LATCHKEY_CLUSTER_JDBC_PING_PASSWORD", JDBC_PING_PASSWORD);
        secret = LatchkeyCluster.randomSecret();
        cluster.environment("LATCHKEY_CLUSTER_SECRET", secret);
        cluster.environment(STRANGER, "LATCHKEY_CLUSTER_SECRET", LatchkeyCluster.randomSecret());
        // The first node migrates the schema; the second then finds it through the database table.
        cluster.start(A);
        cluster.start(B);
        cluster.start(STRANGER);
    }

    private static boolean postgresqlAnswers() {
        DriverManager.setLoginTimeout(3);
        try (Connection ignored = DriverManager.getConnection(SERVER + "test", USER, "")) {
            return true;
        } catch (SQLException unreachable) {
            return false;
        }
    }

    @AfterAll
    static void stopNodes() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static boolean counts(int node, int members) {
        String readiness = cluster.readiness(node);
        return readiness.contains("\"members\":\"" + members + "\"") || readiness.contains("\"members\":" + members);
    }

    private static String revokedToken(int node) {
        Http http = cluster.http(node);
        String email = uniqueEmail();
        assertEquals(202, http.register(email, PASSWORD).statusCode());
        String token = BrowserSession.loggedIn(http, email, PASSWORD).accessToken();
        assertEquals(204, http.send(http.request("/auth/logout").POST(HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + token)).statusCode());
        return token;
    }

    private static HttpResponse<String> clearCachesOn(int node) {
        Http http = cluster.http(node);
        return http.send(http.request("/test-support/cluster/clear-caches").POST(HttpRequest.BodyPublishers.noBody()));
    }

    private static String systemPropertiesContaining(int node, String text) {
        Http http = cluster.http(node);
        return http.send(http.request("/test-support/cluster/system-properties-containing")
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(text))).body();
    }

    @Test
    void membersFindEachOtherThroughTheDatabaseAndTheStrangerIsLeftAlone() {
        assertTrue(counts(A, 2), cluster.readiness(A));
        assertTrue(counts(B, 2), cluster.readiness(B));
        assertTrue(counts(STRANGER, 1), cluster.readiness(STRANGER));
    }

    @Test
    void aNodeWithAWrongSecretCannotChangeAnyEntryAndTheMembersKeepServing() {
        String revoked = revokedToken(A);
        assertProblem(cluster.http(B).getWithBearer("/api/me", revoked), 401);

        // What a hostile node could do to a cluster it had joined: empty the replicated caches.
        assertEquals(204, clearCachesOn(STRANGER).statusCode());

        assertProblem(cluster.http(A).getWithBearer("/api/me", revoked), 401, "still revoked on A");
        assertProblem(cluster.http(B).getWithBearer("/api/me", revoked), 401, "still revoked on B");
        assertEquals(200, cluster.readinessStatus(A), cluster.readiness(A));
        assertEquals(200, cluster.readinessStatus(B), cluster.readiness(B));
        assertTrue(counts(A, 2) && counts(B, 2), "the members still count only each other");

        // Control: the same call on a member does reach the others, so the stranger failed for want of
        // the secret, not because the call cannot work.
        assertEquals(204, clearCachesOn(B).statusCode());
        assertEquals(200, cluster.http(A).getWithBearer("/api/me", revoked).statusCode(),
                "a member clearing the replicated list revives the token on A: what the seal keeps strangers from doing");
    }

    @Test
    void neitherTheClusterSecretNorTheDatabasePasswordIsInSystemProperties() {
        for (int node : new int[] {A, B}) {
            assertEquals("[]", systemPropertiesContaining(node, secret), "node " + node);
            assertEquals("[]", systemPropertiesContaining(node, JDBC_PING_PASSWORD), "node " + node);
            // Control: the probe does find a value that is passed as a system property.
            assertTrue(systemPropertiesContaining(node, "jgroups-jdbc-ping.xml").contains("latchkey.cluster.jgroups-stack"));
        }
    }

    @Test
    void noNodeLogsTheSecretOrThePassword() throws IOException {
        for (int node : new int[] {A, B, STRANGER}) {
            String log = Files.readString(cluster.log(node));
            assertFalse(log.contains(secret), "node " + node + " logged the cluster secret");
            assertFalse(log.contains(JDBC_PING_PASSWORD), "node " + node + " logged the JDBC_PING2 password");
        }
        // The stranger's messages were seen and refused, and said so.
        assertTrue(Files.readString(cluster.log(A)).contains("not sealed with this cluster's secret"));
    }
}

package dev.latchkey.health;

import dev.latchkey.testsupport.client.Eventually;
import dev.latchkey.testsupport.client.Http;
import dev.latchkey.testsupport.client.LatchkeyCluster;
import dev.latchkey.testsupport.client.SharedDatabase;
import dev.latchkey.testsupport.client.TcpProxy;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;

import static dev.latchkey.testsupport.client.Http.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node whose database becomes unreachable: one Payara Micro process on this build's database
 * (PostgreSQL on the PostgreSQL run), reached through a TCP proxy the test owns, so that the
 * outage is real for the node (connections reset, new ones refused) without stopping a database
 * that other tests share. The H2 run leaves it out (pom.xml): the outage to show is PostgreSQL's.
 */
class DatabaseOutageIT {

    private static final String PASSWORD = "correct horse battery staple";

    private static SharedDatabase database;
    private static TcpProxy proxy;
    private static LatchkeyCluster node;

    @BeforeAll
    static void startNode() throws SQLException {
        database = SharedDatabase.forCluster("latchkey-outage");
        proxy = database.proxy();
        node = new LatchkeyCluster(1, database.settingsThrough(proxy)).property("latchkey.cluster.enabled", "false");
        node.start(0);
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void readinessGoesDownWithinItsBoundWhileTheDatabaseIsUnreachableAndUpWhenItIsBackWithoutARestart() {
        Http http = node.http(0);
        String email = uniqueEmail();
        http.registerAndLogin(email, PASSWORD);
        assertEquals(200, node.readinessStatus(0));

        proxy.cut();
        try {
            Eventually.await("the node reports the database down", Duration.ofSeconds(20), () -> node.readinessStatus(0) == 503);
            long started = System.nanoTime();
            JsonObject readiness = parse(node.readiness(0));
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(tookMillis < 5_000, "a probe answers within its bound, not the pool's wait: " + tookMillis + " ms");
            Map<String, JsonObject> checks = OperationsIT.checks(readiness);
            assertEquals("DOWN", checks.get("database").getString("status"), readiness.toString());
            assertEquals("UP", checks.get("revocations").getString("status"), "the other checks stand alone");
            assertEquals(200, http.get("/health/live").statusCode(), "the process is fine: no restart wanted");
        } finally {
            proxy.restore();
        }
        Eventually.await("ready again without a restart", Duration.ofSeconds(60), () -> node.readinessStatus(0) == 200);
        Eventually.await("serving logins again", Duration.ofSeconds(30), () -> http.login(email, PASSWORD).statusCode() == 200);
    }

    private static JsonObject parse(String body) {
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            return reader.readObject();
        }
    }
}

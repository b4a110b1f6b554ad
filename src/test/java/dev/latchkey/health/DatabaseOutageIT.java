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

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

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
        String accessToken = http.registerAndLogin(email, PASSWORD);
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
            requestsThatNeedTheDatabaseAreRefusedWith503AndRetryAfter(http, email, accessToken);
        } finally {
            proxy.restore();
        }
        Eventually.await("ready again without a restart", Duration.ofSeconds(60), () -> node.readinessStatus(0) == 200);
        Eventually.await("serving logins again", Duration.ofSeconds(30), () -> http.login(email, PASSWORD).statusCode() == 200);
    }

    /**
     * Issue 19: an unreachable database is not a fault of Latchkey's. A sign-in, a read of the
     * account and a registration each answer a problem 503 with {@code Retry-After} within the
     * pool's bound, never a 500, and the log gains no stack trace for them.
     */
    private static void requestsThatNeedTheDatabaseAreRefusedWith503AndRetryAfter(Http http, String email, String accessToken) {
        long logBefore = logLines().size();
        Map<String, Supplier<HttpResponse<String>>> requests = new LinkedHashMap<>();
        requests.put("sign-in", () -> http.login(email, PASSWORD));
        requests.put("the account", () -> http.getWithBearer("/api/me", accessToken));
        requests.put("registration", () -> http.register(uniqueEmail(), PASSWORD));
        for (Map.Entry<String, Supplier<HttpResponse<String>>> request : requests.entrySet()) {
            long started = System.nanoTime();
            HttpResponse<String> answer = request.getValue().get();
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            Http.assertProblem(answer, 503, request.getKey());
            assertEquals("5", answer.headers().firstValue("Retry-After").orElse(null), request.getKey());
            assertTrue(tookMillis < 12_000, request.getKey() + " answered within the pool's 10 s wait: " + tookMillis + " ms");
        }
        List<String> added = logLines().subList((int) logBefore, logLines().size());
        assertTrue(added.stream().noneMatch(line -> line.contains("SEVERE") || line.startsWith("\tat ")),
                "no SEVERE line and no stack trace for an outage:\n" + String.join("\n", added));
        assertTrue(added.stream().anyMatch(line -> line.contains("Requests answered 503") && line.contains("the database")),
                "the outage is counted in one line:\n" + String.join("\n", added));
    }

    private static List<String> logLines() {
        try {
            return Files.readAllLines(node.log(0), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonObject parse(String body) {
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            return reader.readObject();
        }
    }
}

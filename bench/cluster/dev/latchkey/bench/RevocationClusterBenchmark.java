package dev.latchkey.bench;

import dev.latchkey.testsupport.client.BrowserSession;
import dev.latchkey.testsupport.client.Http;
import dev.latchkey.testsupport.client.LatchkeyCluster;
import org.h2.tools.Server;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 4's cluster measurements on a 3-node loopback cluster (real Payara Micro processes, real
 * JGroups TCP, one H2 database served over TCP):
 * <ol>
 *   <li>revocation propagation: for each of N revocations, the time from the logout response on
 *       node A to the 401 of the next request with that token on node B or C, beside the same
 *       request with a token revoked a round earlier;</li>
 *   <li>heap per live revoked entry, from 100,000 revocations loaded at a node's start;</li>
 *   <li>GET /api/me throughput on one node with about 0 and with 100,000 live revocations.</li>
 * </ol>
 * Run with {@code mvn -Pbench-cluster -DskipTests package exec:java@revocation-cluster}
 * ({@code -Dbench.revocations=1000 -Dbench.entries=100000 -Dbench.seconds=20}).
 */
public final class RevocationClusterBenchmark {

    private static final String PASSWORD = "correct horse battery staple";
    private static final int A = 0;
    private static final int B = 1;
    private static final int C = 2;

    private RevocationClusterBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int revocations = Integer.getInteger("bench.revocations", 1000);
        int entries = Integer.getInteger("bench.entries", 100_000);
        int seconds = Integer.getInteger("bench.seconds", 20);
        Server h2 = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
        String url = "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/mem:latchkey-bench;DB_CLOSE_DELAY=-1";
        try (LatchkeyCluster cluster = new LatchkeyCluster(3, Map.of("class-name", "org.h2.jdbcx.JdbcDataSource",
                "url", url, "user", "sa", "password", ""))) {
            long started = System.nanoTime();
            cluster.start(A);
            cluster.start(B, C);
            report("cluster of 3 ready (s)", (System.nanoTime() - started) / 1e9);

            String email = "bench-" + System.nanoTime() + "@example.test";
            cluster.http(A).register(email, PASSWORD);
            String steadyToken = BrowserSession.loggedIn(cluster.http(C), email, PASSWORD).accessToken();

            Memory baseline = memory(cluster.http(C));
            double baselineThroughput = throughput(cluster.http(C), steadyToken, seconds);

            propagation(cluster, email, revocations);

            insertRevocations(url, entries);
            cluster.stop(C);
            cluster.start(C);
            Memory loaded = memory(cluster.http(C));
            steadyToken = BrowserSession.loggedIn(cluster.http(C), email, PASSWORD).accessToken();
            double loadedThroughput = throughput(cluster.http(C), steadyToken, seconds);

            long addedEntries = loaded.entries - baseline.entries;
            report("revocation entries before / after", baseline.entries + " / " + loaded.entries);
            report("heap used before / after (MiB)", String.format("%.1f / %.1f", baseline.bytes / 1048576.0, loaded.bytes / 1048576.0));
            report("heap per live revoked entry (bytes)", (double) (loaded.bytes - baseline.bytes) / addedEntries);
            report("/api/me req/s with ~" + baseline.entries + " entries", baselineThroughput);
            report("/api/me req/s with " + loaded.entries + " entries", loadedThroughput);
            report("throughput ratio (loaded / baseline)", loadedThroughput / baselineThroughput);
        } finally {
            h2.stop();
        }
    }

    /**
     * Besides the propagation figure, the same request on the same node as a control: the token of
     * the revocation before, long since replicated, sent just before this one's logout. Both are a
     * {@code 401} for a revoked token, so the difference between the two distributions is what
     * waiting for the revocation adds, and what they share is the round trip on these cores.
     */
    private static void propagation(LatchkeyCluster cluster, String email, int revocations) {
        Http onA = cluster.http(A);
        List<Double> latenciesMillis = new ArrayList<>();
        List<Double> controlMillis = new ArrayList<>();
        int notImmediate = 0;
        String revokedBefore = null;
        for (int i = 0; i < revocations; i++) {
            String token = BrowserSession.loggedIn(onA, email, PASSWORD).accessToken();
            Http other = cluster.http(i % 2 == 0 ? B : C);
            if (other.getWithBearer("/api/me", token).statusCode() != 200) {
                throw new IllegalStateException("token not accepted on the other node before logout");
            }
            if (revokedBefore != null) {
                long controlStarted = System.nanoTime();
                if (other.getWithBearer("/api/me", revokedBefore).statusCode() != 401) {
                    throw new IllegalStateException("a token revoked one round earlier was accepted");
                }
                controlMillis.add((System.nanoTime() - controlStarted) / 1e6);
            }
            HttpResponse<String> logout = onA.send(onA.request("/auth/logout").POST(HttpRequest.BodyPublishers.noBody())
                    .header("Authorization", "Bearer " + token));
            long afterLogout = System.nanoTime();
            if (logout.statusCode() != 204) {
                throw new IllegalStateException("logout failed: " + logout.statusCode());
            }
            int status = other.getWithBearer("/api/me", token).statusCode();
            while (status != 401) {
                notImmediate++;
                status = other.getWithBearer("/api/me", token).statusCode();
            }
            latenciesMillis.add((System.nanoTime() - afterLogout) / 1e6);
            revokedBefore = token;
        }
        Collections.sort(latenciesMillis);
        Collections.sort(controlMillis);
        report("revocations measured", revocations);
        report("propagation p50 (ms)", percentile(latenciesMillis, 0.50));
        report("propagation p99 (ms)", percentile(latenciesMillis, 0.99));
        report("propagation max (ms)", latenciesMillis.get(latenciesMillis.size() - 1));
        report("requests that still got 200 after the logout response", notImmediate);
        report("control, a token revoked a round earlier: p50 (ms)", percentile(controlMillis, 0.50));
        report("control, a token revoked a round earlier: p99 (ms)", percentile(controlMillis, 0.99));
        report("control, a token revoked a round earlier: max (ms)", controlMillis.get(controlMillis.size() - 1));
    }

    /** Rows as the application writes them; a node loads every live row into its replica at start. */
    private static void insertRevocations(String url, int count) throws Exception {
        long expires = Instant.now().plusSeconds(3600).toEpochMilli();
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO revocation (revocation_key, not_before, expires_at) VALUES (?, ?, ?)")) {
            connection.setAutoCommit(false);
            for (int i = 0; i < count; i++) {
                insert.setString(1, "jti:bench-" + i + "-" + java.util.UUID.randomUUID());
                insert.setLong(2, Long.MAX_VALUE);
                insert.setLong(3, expires);
                insert.addBatch();
                if (i % 1000 == 999) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
            connection.commit();
        }
    }

    /**
     * Closed loop: 8 client threads as fast as the node answers. The node has just started in both
     * phases, so each gets a discarded warm-up as long as the measurement: JIT compilation (and, in
     * the first phase, the other nodes' own start-up) would otherwise count against it.
     */
    private static double throughput(Http http, String token, int seconds) throws InterruptedException {
        int threads = 8;
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong completed = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            pool.submit(() -> {
                while (running.get()) {
                    int status = http.getWithBearer("/api/me", token).statusCode();
                    if (measuring.get()) {
                        completed.incrementAndGet();
                        if (status != 200) {
                            errors.incrementAndGet();
                        }
                    }
                }
            });
        }
        Thread.sleep(seconds * 1000L);
        measuring.set(true);
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        measuring.set(false);
        double elapsed = (System.nanoTime() - start) / 1e9;
        running.set(false);
        pool.shutdown();
        pool.awaitTermination(30, TimeUnit.SECONDS);
        if (errors.get() > 0) {
            throw new IllegalStateException(errors.get() + " errors during the throughput run");
        }
        return completed.get() / elapsed;
    }

    private record Memory(long bytes, long entries) {
    }

    private static Memory memory(Http http) {
        var json = Http.json(http.get("/test-support/memory"));
        return new Memory(json.getJsonNumber("usedHeapBytes").longValue(), json.getJsonNumber("revocationEntries").longValue());
    }

    private static double percentile(List<Double> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    private static void report(String what, Object value) {
        System.out.println("| " + what + " | " + (value instanceof Double d ? String.format("%.2f", d) : value) + " |");
    }
}

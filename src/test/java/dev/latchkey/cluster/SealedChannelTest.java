package dev.latchkey.cluster;

import dev.latchkey.config.SettingsSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real cache containers in this JVM, on the bundled stack (TCP and TCPPING on loopback) with the
 * seal and AUTH that {@link CacheContainer} adds: members with the same secret form one cluster
 * and replicate; a node with another secret forms its own and changes nothing of theirs; and no
 * secret or password reaches the system properties. The same thing, between Payara processes and
 * with JDBC_PING2, is {@code ClusterHardeningIT}.
 */
class SealedChannelTest {

    private static final String SECRET = Base64.getEncoder().encodeToString("the right cluster secret, 32 byt".getBytes());
    private static final String WRONG = Base64.getEncoder().encodeToString("a wrong cluster secret, 32 bytes".getBytes());
    private static final String JDBC_PING_PASSWORD = "never-in-system-properties-" + System.nanoTime();

    private final List<CacheContainer> started = new ArrayList<>();

    @AfterEach
    void stopAll() {
        started.forEach(CacheContainer::stop);
    }

    private CacheContainer start(String secret, int port, String initialHosts) {
        Map<String, String> values = new HashMap<>(Map.of(
                ClusterSettings.ENABLED, "true",
                ClusterSettings.SECRET, secret,
                "latchkey.cluster.name", "sealed-channel-test-" + initialHosts.hashCode(),
                "latchkey.cluster.bind-address", "127.0.0.1",
                "latchkey.cluster.bind-port", String.valueOf(port),
                "latchkey.cluster.initial-hosts", initialHosts,
                "latchkey.cluster.failure-detection-port-offset", "1",
                "latchkey.cluster.jdbc-ping.password", JDBC_PING_PASSWORD));
        CacheContainer container = new CacheContainer();
        container.settings = ClusterSettings.from(SettingsSource.of(values));
        container.clock = Clock.systemUTC();
        container.start();
        started.add(container);
        return container;
    }

    @Test
    void membersWithTheSecretReplicateAndAStrangerCanNeitherJoinNorChangeAnything() {
        int[] ports = {freePort(), freePort(), freePort()};
        String hosts = "127.0.0.1[" + ports[0] + "],127.0.0.1[" + ports[1] + "],127.0.0.1[" + ports[2] + "]";
        CacheContainer a = start(SECRET, ports[0], hosts);
        CacheContainer b = start(SECRET, ports[1], hosts);
        assertEquals(2, a.memberCount());
        a.<String, String>cache(CacheContainer.REVOCATIONS).put("jti:revoked", "1");
        assertEquals("1", b.<String, String>cache(CacheContainer.REVOCATIONS).get("jti:revoked"), "replicated between members");

        CacheContainer stranger = start(WRONG, ports[2], hosts);

        assertEquals(1, stranger.memberCount(), "the stranger is alone");
        assertEquals(2, a.memberCount());
        assertEquals(2, b.memberCount());
        assertNull(stranger.<String, String>cache(CacheContainer.REVOCATIONS).get("jti:revoked"), "it sees none of the members' entries");
        stranger.cache(CacheContainer.REVOCATIONS).clear();
        stranger.<String, String>cache(CacheContainer.RATE_LIMITS).put("login-ip:attacker", "reset");
        assertEquals("1", a.<String, String>cache(CacheContainer.REVOCATIONS).get("jti:revoked"));
        assertEquals("1", b.<String, String>cache(CacheContainer.REVOCATIONS).get("jti:revoked"));
        assertNull(a.<String, String>cache(CacheContainer.RATE_LIMITS).get("login-ip:attacker"));
        assertTrue(a.isHealthy() && b.isHealthy());
    }

    @Test
    void neitherTheSecretNorTheDatabasePasswordGoesIntoSystemProperties() {
        int port = freePort();
        start(SECRET, port, "127.0.0.1[" + port + "]");
        System.getProperties().forEach((key, value) -> {
            String text = String.valueOf(value);
            assertTrue(!text.contains(JDBC_PING_PASSWORD) && !text.contains(SECRET), "system property " + key);
        });
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.latchkey.cluster;

import org.infinispan.Cache;
import org.infinispan.configuration.cache.Configuration;
import org.infinispan.configuration.parsing.ConfigurationBuilderHolder;
import org.infinispan.configuration.parsing.ParserRegistry;
import org.infinispan.eviction.EvictionStrategy;
import org.infinispan.manager.DefaultCacheManager;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bundled cache configurations (server-config/infinispan/), parsed as {@link CacheContainer}
 * parses them: the rate-limit buckets are bounded, so no flood of new clients or addresses can
 * exhaust a node's memory; the revocation list is never bounded, since an evicted revocation would
 * bring a revoked token back to life.
 */
class CacheConfigurationTest {

    /** The bound documented in docs/security.md ("Rate limits and brute force"). */
    private static final long RATE_LIMIT_BUCKETS = 250_000;

    private static final List<String> BUNDLED = List.of("infinispan-local.xml", "infinispan.xml");

    @Test
    void rateLimitBucketsAreBoundedOnEveryNode() throws Exception {
        for (String file : BUNDLED) {
            Configuration rateLimits = cache(file, CacheContainer.RATE_LIMITS);
            assertEquals(RATE_LIMIT_BUCKETS, rateLimits.memory().maxCount(), file);
            assertEquals(EvictionStrategy.REMOVE, rateLimits.memory().whenFull(), file);
            assertTrue(rateLimits.memory().isEvictionEnabled(), file);
        }
    }

    /**
     * What the bound means under a flood, on a real cache built from the bundled file: the number
     * of buckets never exceeds it, and on a node that is busy (more than half full, when
     * Infinispan's W-TinyLFU eviction starts counting how often each entry is used) a bucket used
     * again and again, the one of an account under attack, is not pushed out by a flood of one-off
     * buckets more than the bound itself. (On a quiet node a flood can push it out: see
     * docs/security.md for what that costs an attacker.)
     */
    @Test
    void aFloodStaysWithinTheBoundAndOnABusyNodeDoesNotFlushABucketInUse() throws Exception {
        ParserRegistry parser = new ParserRegistry(CacheConfigurationTest.class.getClassLoader(), false, new Properties());
        try (DefaultCacheManager manager = new DefaultCacheManager(parser.parse(Path.of("server-config/infinispan/infinispan-local.xml")), true)) {
            Cache<String, byte[]> buckets = manager.getCache(CacheContainer.RATE_LIMITS);
            byte[] state = new byte[16];
            for (int i = 0; i < RATE_LIMIT_BUCKETS * 4 / 5; i++) {
                buckets.put("login-ip:client-" + i, state);
            }
            buckets.put("login-account:under-attack", state);
            for (int guess = 0; guess < 10; guess++) {
                buckets.put("login-account:under-attack", buckets.get("login-account:under-attack"));
            }
            for (int i = 0; i < RATE_LIMIT_BUCKETS + 50_000; i++) {
                buckets.put("login-account:made-up-" + i, state);
            }
            assertTrue(buckets.size() <= RATE_LIMIT_BUCKETS, "buckets: " + buckets.size());
            assertTrue(buckets.containsKey("login-account:under-attack"), "the bucket in use was flushed");
        }
    }

    @Test
    void revocationsAreNeverEvicted() throws Exception {
        for (String file : BUNDLED) {
            Configuration revocations = cache(file, CacheContainer.REVOCATIONS);
            assertEquals(-1, revocations.memory().maxCount(), file);
            assertFalse(revocations.memory().isEvictionEnabled(), file);
        }
    }

    private static Configuration cache(String file, String name) throws Exception {
        ParserRegistry parser = new ParserRegistry(CacheConfigurationTest.class.getClassLoader(), false, new Properties());
        ConfigurationBuilderHolder holder = parser.parse(Path.of("server-config/infinispan", file));
        return holder.getNamedConfigurationBuilders().get(name).build();
    }
}

package dev.latchkey.revocation;

import dev.latchkey.cluster.CacheContainer;
import dev.latchkey.cluster.ClusterCalls;
import dev.latchkey.cluster.ClusterSettings;
import dev.latchkey.crypto.RandomTokens;
import dev.latchkey.token.TokenSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The revocation list for the JMH benchmarks (bench/jmh), over the real Infinispan-backed cache.
 * It has no {@link RevocationRepository}: the request path ({@link RevocationList#isRevoked} and
 * {@link RevocationList#isSignedWithRevokedKey}) reads the cache only; the database is written on
 * revocation and read once at boot, neither of which a benchmark here measures.
 */
public final class RevocationBenchWiring {

    /** Long enough that no entry expires during a run (in production an entry lives 16 minutes). */
    private static final Duration ENTRY_LIFESPAN = Duration.ofHours(2);

    private RevocationBenchWiring() {
    }

    public static RevocationList list(CacheContainer container, TokenSettings tokenSettings, Clock clock) {
        InfinispanRevocationCache cache = new InfinispanRevocationCache();
        cache.container = container;
        cache.clock = clock;
        cache.cluster = new ClusterCalls(ClusterSettings.defaults());
        cache.init();
        RevocationList list = new RevocationList();
        list.cache = cache;
        list.tokenSettings = tokenSettings;
        list.clock = clock;
        return list;
    }

    /**
     * Loads {@code count} live entries into the cache the way a node's boot does ({@link RevocationCache#putAll}),
     * spread over the kinds a running service accumulates (one token, one session, one user's tokens
     * before a moment), each for a fresh random id, so that none matches a token the benchmark presents.
     */
    public static void loadNonMatching(RevocationList list, int count) {
        Instant now = list.clock.instant();
        Instant expiresAt = now.plus(ENTRY_LIFESPAN);
        Map<String, Revocation> entries = new HashMap<>();
        for (int i = 0; i < count; i++) {
            switch (i % 3) {
                case 0 -> entries.put(RevocationList.tokenKey(RandomTokens.base64Url(16)), new Revocation(Revocation.ALWAYS, expiresAt));
                case 1 -> entries.put(RevocationList.sessionKey(UUID.randomUUID().toString()), new Revocation(Revocation.ALWAYS, expiresAt));
                default -> entries.put(RevocationList.userKey(UUID.randomUUID().toString()), new Revocation(now, expiresAt));
            }
        }
        list.cache.putAll(entries);
    }

    /** Revokes one session in the cache only, for a benchmark's set-up to prove that lookups really happen. */
    public static void revokeSessionInCache(RevocationList list, String familyId) {
        list.cache.put(RevocationList.sessionKey(familyId),
                new Revocation(Revocation.ALWAYS, list.clock.instant().plus(ENTRY_LIFESPAN)));
    }

    public static int cacheSize(RevocationList list) {
        return list.cache.size();
    }
}

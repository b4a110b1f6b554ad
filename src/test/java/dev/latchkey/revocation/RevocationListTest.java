package dev.latchkey.revocation;

import dev.latchkey.cluster.ClusterCalls;
import dev.latchkey.cluster.ClusterSettings;
import dev.latchkey.cluster.CacheContainer;
import dev.latchkey.config.SettingsSource;
import dev.latchkey.testsupport.server.MovableClock;
import dev.latchkey.token.TokenSettings;
import dev.latchkey.token.VerifiedAccessToken;
import org.infinispan.Cache;
import org.infinispan.configuration.cache.ConfigurationBuilder;
import org.infinispan.manager.DefaultCacheManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The revocation list on the real Infinispan revocation cache (a local cache, as a single node
 * runs it) over a revocation table in a map, with time moved by {@link MovableClock}. Tokens are
 * the facts a verified access token carries; each test asks whether the list refuses them.
 */
class RevocationListTest {

    private static final Instant NOW = Instant.parse("2026-03-01T09:00:00.700Z");
    private static final long TTL = 900;
    private static final long SKEW = 60;

    private final MovableClock clock = MovableClock.at(NOW);
    private final TokenSettings tokenSettings = TokenSettings.from(SettingsSource.of(Map.of(
            TokenSettings.ACCESS_TTL_SECONDS, Long.toString(TTL),
            TokenSettings.CLOCK_SKEW_SECONDS, Long.toString(SKEW))));
    private final InMemoryRevocationRepository repository = new InMemoryRevocationRepository();
    private static DefaultCacheManager manager;
    private RevocationList list;

    @BeforeAll
    static void startInfinispan() {
        manager = newCacheManager();
    }

    @AfterAll
    static void stopInfinispan() {
        manager.stop();
    }

    @BeforeEach
    void list() {
        manager.getCache(CacheContainer.REVOCATIONS).clear();
        list = RevocationLists.loaded(repository, infinispanCache(manager), tokenSettings, clock);
    }

    private static DefaultCacheManager newCacheManager() {
        DefaultCacheManager cacheManager = new DefaultCacheManager();
        cacheManager.defineConfiguration(CacheContainer.REVOCATIONS, new ConfigurationBuilder().build());
        return cacheManager;
    }

    /** An InfinispanRevocationCache over the revocations cache of this cache manager. */
    private InfinispanRevocationCache infinispanCache(DefaultCacheManager cacheManager) {
        InfinispanRevocationCache cache = new InfinispanRevocationCache();
        cache.container = new CacheContainer() {
            @Override
            public <K, V> Cache<K, V> cache(String name) {
                return cacheManager.getCache(name);
            }
        };
        cache.clock = clock;
        cache.cluster = new ClusterCalls(ClusterSettings.defaults());
        cache.init();
        return cache;
    }

    private static VerifiedAccessToken token(String subject, String jti, String sid, Instant issuedAt) {
        return new VerifiedAccessToken(subject, jti, sid, Set.of("user"), issuedAt, issuedAt.plusSeconds(TTL), "kid-1");
    }

    private static VerifiedAccessToken token(String subject, String jti, String sid) {
        return token(subject, jti, sid, NOW.minusSeconds(30));
    }

    private void advance(Duration by) {
        clock.advance(by);
    }

    // The kinds of entry

    @Test
    void aJtiEntryRefusesThatTokenOnly() {
        VerifiedAccessToken revoked = token("alice", "jti-1", "sid-1");
        list.revokeAccessToken("jti-1", revoked.expiresAt());

        assertTrue(list.isRevoked(revoked));
        assertFalse(list.isRevoked(token("alice", "jti-2", "sid-1")), "another token of the same session");
        assertFalse(list.isRevoked(token("bob", "jti-3", "sid-2")));
        assertTrue(list.isRevoked(token("alice", "jti-1", "sid-1", NOW.plusSeconds(10))),
                "whenever it says it was issued: a jti names one token");
    }

    @Test
    void aSidEntryRefusesEveryTokenOfTheSessionWheneverIssued() {
        list.revokeSession("sid-1");

        assertTrue(list.isRevoked(token("alice", "jti-1", "sid-1", NOW.minusSeconds(300))));
        assertTrue(list.isRevoked(token("alice", "jti-2", "sid-1", NOW.plusSeconds(5))));
        assertFalse(list.isRevoked(token("alice", "jti-3", "sid-2")));
        assertFalse(list.isRevoked(token("alice", "jti-4", null)), "a token without a session");
    }

    @Test
    void aSubEntryRefusesTheUsersTokensIssuedBeforeTheMomentInWholeSeconds() {
        // NOW is 09:00:00.700; iat has whole seconds, so the entry counts from 09:00:00.
        list.revokeUserTokensIssuedBefore("alice", NOW);
        Instant sameSecond = NOW.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

        assertTrue(list.isRevoked(token("alice", "jti-1", "sid-1", sameSecond.minusSeconds(1))));
        assertFalse(list.isRevoked(token("alice", "jti-2", "sid-1", sameSecond)),
                "issued in the same second: survives this entry (the flows revoke the sid as well)");
        assertFalse(list.isRevoked(token("alice", "jti-3", "sid-2", sameSecond.plusSeconds(1))));
        assertFalse(list.isRevoked(token("bob", "jti-4", "sid-3", sameSecond.minusSeconds(1))));
        assertEquals(new Revocation(sameSecond, NOW.plusSeconds(TTL + SKEW)), repository.rows().get("sub:alice"));
    }

    @Test
    void aKidEntryRefusesTokensSignedWithThatKeyOnly() {
        Instant until = NOW.plusSeconds(TTL + SKEW);
        list.revokeSigningKey("kid-1", until);
        VerifiedAccessToken signedWithIt = token("alice", "jti-1", "sid-1");
        VerifiedAccessToken signedWithAnother = new VerifiedAccessToken("alice", "jti-2", "sid-1", Set.of(),
                NOW, NOW.plusSeconds(TTL), "kid-2");

        assertTrue(list.isSignedWithRevokedKey(signedWithIt));
        assertFalse(list.isSignedWithRevokedKey(signedWithAnother));
        assertFalse(list.isSignedWithRevokedKey(new VerifiedAccessToken("alice", "jti-3", "sid-1", Set.of(),
                NOW, NOW.plusSeconds(TTL), null)), "HS256 tokens carry no kid");
        assertFalse(list.isRevoked(signedWithIt), "a key entry is not a token entry");

        advance(Duration.between(NOW, until));
        assertFalse(list.isSignedWithRevokedKey(signedWithIt), "forgotten once every token of the key has expired");
    }

    // Revocation never shrinks

    @Test
    void aNarrowerRevocationOfTheSameKeyDoesNotShrinkAWiderOne() {
        VerifiedAccessToken issuedEarlier = token("alice", "jti-1", "sid-1", NOW.minusSeconds(120));
        list.revokeUserTokensIssuedBefore("alice", NOW);
        list.revokeUserTokensIssuedBefore("alice", NOW.minusSeconds(600));
        assertTrue(list.isRevoked(issuedEarlier), "the later not-before stands");

        VerifiedAccessToken longLived = token("bob", "jti-2", "sid-2");
        list.revokeAccessToken("jti-2", NOW.plusSeconds(600));
        list.revokeAccessToken("jti-2", NOW.plusSeconds(60));
        advance(Duration.ofSeconds(300));
        assertTrue(list.isRevoked(longLived), "the later expiry stands");

        Revocation durable = repository.rows().get("jti:jti-2");
        assertEquals(NOW.plusSeconds(600 + SKEW), durable.expiresAt(), "in the table as in the cache");
    }

    @Test
    void aWiderRevocationWidensAnEntry() {
        VerifiedAccessToken issuedJustBefore = token("alice", "jti-1", "sid-1", NOW.minusSeconds(1));
        list.revokeUserTokensIssuedBefore("alice", NOW.minusSeconds(600));
        assertFalse(list.isRevoked(issuedJustBefore));

        list.revokeUserTokensIssuedBefore("alice", NOW);
        assertTrue(list.isRevoked(issuedJustBefore));
    }

    // Expiry, judged by the clock

    @Test
    void aJtiEntryLastsUntilTheTokensExpiryPlusTheSkew() {
        VerifiedAccessToken revoked = token("alice", "jti-1", "sid-1");
        list.revokeAccessToken("jti-1", revoked.expiresAt());

        advance(Duration.between(NOW, revoked.expiresAt().plusSeconds(SKEW)).minusMillis(1));
        assertTrue(list.isRevoked(revoked), "a verifier whose clock is behind may still accept it");
        advance(Duration.ofMillis(1));
        assertFalse(list.isRevoked(revoked), "no verifier accepts it any more: the entry is spent");
    }

    @Test
    void sessionAndUserEntriesLastAsLongAsATokenIssuedNowCouldBeAccepted() {
        list.revokeSession("sid-1");
        list.revokeUserTokensIssuedBefore("alice", NOW);
        VerifiedAccessToken ofTheSession = token("bob", "jti-1", "sid-1");
        VerifiedAccessToken ofTheUser = token("alice", "jti-2", "sid-2");

        advance(Duration.ofSeconds(TTL + SKEW).minusMillis(1));
        assertTrue(list.isRevoked(ofTheSession));
        assertTrue(list.isRevoked(ofTheUser));
        advance(Duration.ofMillis(1));
        assertFalse(list.isRevoked(ofTheSession));
        assertFalse(list.isRevoked(ofTheUser));
    }

    // The durable record, boot and pruning

    @Test
    void everyRevocationIsWrittenToTheTableAndANodeLoadsItAtBoot() {
        list.revokeAccessToken("jti-1", NOW.plusSeconds(TTL));
        list.revokeSession("sid-1");
        list.revokeUserTokensIssuedBefore("alice", NOW);
        list.revokeSigningKey("kid-9", NOW.plusSeconds(TTL));
        assertEquals(Set.of("jti:jti-1", "sid:sid-1", "sub:alice", "kid:kid-9"), repository.rows().keySet());

        // A node that starts later, with an empty cache of its own, over the same table.
        DefaultCacheManager otherNode = newCacheManager();
        try {
            RevocationList restarted = RevocationLists.unloaded(repository, infinispanCache(otherNode), tokenSettings, clock);
            VerifiedAccessToken byJti = token("carol", "jti-1", "sid-7");
            VerifiedAccessToken bySid = token("dave", "jti-2", "sid-1");
            VerifiedAccessToken bySub = token("alice", "jti-3", "sid-8");
            assertFalse(restarted.isLoaded());
            assertFalse(restarted.isRevoked(byJti), "nothing known before the load: why the node is not ready until then");

            restarted.loadAtBoot(null);

            assertTrue(restarted.isLoaded());
            assertTrue(restarted.isRevoked(byJti));
            assertTrue(restarted.isRevoked(bySid));
            assertTrue(restarted.isRevoked(bySub));
            assertTrue(restarted.isSignedWithRevokedKey(new VerifiedAccessToken("erin", "jti-4", null, Set.of(),
                    NOW, NOW.plusSeconds(TTL), "kid-9")));
            assertFalse(restarted.isRevoked(token("erin", "jti-5", "sid-9")));
        } finally {
            otherNode.stop();
        }
    }

    @Test
    void aNodeStartingLaterLoadsOnlyTheEntriesStillLive() {
        list.revokeAccessToken("jti-short", NOW.plusSeconds(60));
        list.revokeAccessToken("jti-long", NOW.plusSeconds(TTL));
        advance(Duration.ofSeconds(60 + SKEW));

        InMemoryRevocationCache cache = new InMemoryRevocationCache();
        RevocationLists.loaded(repository, cache, tokenSettings, clock);

        assertEquals(1, cache.size());
        assertTrue(cache.get("jti:jti-long").isPresent());
    }

    @Test
    void pruneDeletesTheRowsNoTokenCanMatchAnyMoreByTheListsClock() {
        list.revokeAccessToken("jti-short", NOW.plusSeconds(60));
        list.revokeAccessToken("jti-long", NOW.plusSeconds(TTL));
        list.revokeSession("sid-1");

        list.prune();
        assertEquals(3, repository.rows().size(), "nothing is spent yet");

        advance(Duration.ofSeconds(60 + SKEW));
        list.prune();
        assertEquals(Set.of("jti:jti-long", "sid:sid-1"), repository.rows().keySet());

        advance(Duration.ofSeconds(TTL));
        list.prune();
        assertEquals(Set.of(), repository.rows().keySet());
    }
}

package dev.latchkey.revocation;

import dev.latchkey.cluster.CacheContainer;
import dev.latchkey.cluster.ClusterCalls;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.infinispan.Cache;
import org.infinispan.context.Flag;
import org.infinispan.partitionhandling.AvailabilityException;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The revocation cache on Infinispan: a local cache on a single node, a synchronously replicated
 * one in a cluster. Reads hit the local replica only. Each entry lives exactly as long as the
 * tokens it could match (its lifespan is set per entry), so the cache never holds more than the
 * live revocations.
 *
 * <p>Values are plain strings ({@code notBeforeMillis/expiresAtMillis}), which every Infinispan
 * marshaller handles, so no application class needs to be registered for clustering.
 */
@ApplicationScoped
public class InfinispanRevocationCache implements RevocationCache {

    private static final int MAX_ATTEMPTS = 32;

    @Inject
    CacheContainer container;

    @Inject
    Clock clock;

    /** Every call waits for the cluster through it, so that a request's wait is bounded. */
    @Inject
    ClusterCalls cluster;

    private Cache<String, String> cache;

    @PostConstruct
    void init() {
        cache = container.cache(CacheContainer.REVOCATIONS);
    }

    @Override
    public Optional<Revocation> get(String key) {
        try {
            return Optional.ofNullable(cluster.call(() -> cache.getAsync(key))).map(InfinispanRevocationCache::decode);
        } catch (AvailabilityException e) {
            throw new RevocationStateUnavailableException(e);
        }
    }

    /**
     * Widening is a compare-and-set loop (putIfAbsent, then replace of the exact old value):
     * conditional operations run atomically on the entry's primary owner, and unlike a merge
     * function they need no marshalling of application code.
     */
    @Override
    public void put(String key, Revocation revocation) {
        try {
            record(key, revocation);
            // A member excluded a moment ago did not receive it and may still answer from its own
            // replica: the revocation is not in force everywhere until that member's lease ran out.
            cluster.awaitExcludedMembersOut();
        } catch (AvailabilityException e) {
            throw new RevocationStateUnavailableException(e);
        }
    }

    private void record(String key, Revocation revocation) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            String existing = cluster.call(() -> cache.putIfAbsentAsync(key, encode(revocation), lifespanMillis(revocation), TimeUnit.MILLISECONDS));
            if (existing == null) {
                return;
            }
            Revocation widened = decode(existing).widenedBy(revocation);
            String encoded = encode(widened);
            if (encoded.equals(existing)
                    || cluster.call(() -> cache.replaceAsync(key, existing, encoded, lifespanMillis(widened), TimeUnit.MILLISECONDS))) {
                return;
            }
        }
        throw new IllegalStateException("Could not record revocation " + key + " under contention");
    }

    /** Into this node's replica only: every node loads the same rows, there is nothing to send. */
    @Override
    public void putAll(Map<String, Revocation> entries) {
        Cache<String, String> local = cache.getAdvancedCache().withFlags(Flag.CACHE_MODE_LOCAL);
        entries.forEach((key, revocation) -> {
            long lifespan = lifespanMillis(revocation);
            if (lifespan > 0) {
                local.put(key, encode(revocation), lifespan, TimeUnit.MILLISECONDS);
            }
        });
    }

    @Override
    public void remove(String key) {
        try {
            cluster.call(() -> cache.removeAsync(key));
        } catch (AvailabilityException e) {
            throw new RevocationStateUnavailableException(e);
        }
    }

    /** This node's copy: the cache is replicated, so every member holds every entry, and counting locally asks no one. */
    @Override
    public int size() {
        return cache.getAdvancedCache().withFlags(Flag.CACHE_MODE_LOCAL).size();
    }

    private long lifespanMillis(Revocation revocation) {
        return Math.max(1, revocation.expiresAt().toEpochMilli() - clock.millis());
    }

    static String encode(Revocation revocation) {
        return revocation.notBefore().toEpochMilli() + "/" + revocation.expiresAt().toEpochMilli();
    }

    static Revocation decode(String value) {
        int slash = value.indexOf('/');
        return new Revocation(Instant.ofEpochMilli(Long.parseLong(value.substring(0, slash))),
                Instant.ofEpochMilli(Long.parseLong(value.substring(slash + 1))));
    }
}

package dev.latchkey.revocation;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The revocation table in a map, for unit tests: saving widens an existing row as
 * {@code RevocationRecord.widenTo} does, and rows are live until their {@code expiresAt}.
 */
public final class InMemoryRevocationRepository extends RevocationRepository {

    private final Map<String, Revocation> rows = new ConcurrentHashMap<>();

    @Override
    public void save(String key, Revocation revocation) {
        rows.merge(key, revocation, Revocation::widenedBy);
    }

    @Override
    public Map<String, Revocation> findLive(Instant now) {
        Map<String, Revocation> live = new TreeMap<>();
        rows.forEach((key, revocation) -> {
            if (revocation.expiresAt().isAfter(now)) {
                live.put(key, revocation);
            }
        });
        return live;
    }

    @Override
    public int deleteExpired(Instant now) {
        int before = rows.size();
        rows.values().removeIf(revocation -> !revocation.expiresAt().isAfter(now));
        return before - rows.size();
    }

    /** Every row, expired or not. */
    public Map<String, Revocation> rows() {
        return Map.copyOf(rows);
    }
}

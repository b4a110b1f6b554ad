package dev.latchkey.revocation;

import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A single node's revocation cache: a concurrent map, filled from the database at boot. */
@ApplicationScoped
public class LocalRevocationCache implements RevocationCache {

    private final Map<String, Revocation> entries = new ConcurrentHashMap<>();

    @Override
    public Optional<Revocation> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    @Override
    public void put(String key, Revocation revocation) {
        entries.merge(key, revocation, Revocation::widenedBy);
    }

    @Override
    public void putAll(Map<String, Revocation> all) {
        all.forEach(this::put);
    }

    @Override
    public void evictExpired(Instant now) {
        entries.values().removeIf(revocation -> !now.isBefore(revocation.expiresAt()));
    }

    @Override
    public int size() {
        return entries.size();
    }
}

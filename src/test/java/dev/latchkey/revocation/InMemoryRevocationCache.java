package dev.latchkey.revocation;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A revocation cache in a map, for unit tests of the revocation list's users. Like the Infinispan
 * one it widens an entry already held; unlike it, it never forgets one (the list judges expiry by
 * its clock either way).
 */
public final class InMemoryRevocationCache implements RevocationCache {

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
        entries.putAll(all);
    }

    @Override
    public void remove(String key) {
        entries.remove(key);
    }

    @Override
    public int size() {
        return entries.size();
    }
}

package dev.latchkey.revocation;

import java.util.Map;
import java.util.Optional;

/**
 * The in-memory side of the revocation list (entries expire by their own lifespan), read on every authenticated request. Implementations
 * must answer from local memory: no network or database round trip on the request path.
 */
public interface RevocationCache {

    Optional<Revocation> get(String key);

    /** Stores the entry, widening any entry already held for the key. */
    void put(String key, Revocation revocation);

    void putAll(Map<String, Revocation> entries);

    /** Forgets the entry on every node (an erased account's {@code sub:} entry, whose sessions are revoked by {@code sid:} instead). */
    void remove(String key);

    int size();
}

package dev.latchkey.keys;

import java.time.Instant;

/**
 * One row of the {@code signing_key} table (liquibase/changes/003-signing-key.xml). The private
 * key is only ever held here sealed under the key-encryption key.
 */
public record StoredSigningKey(String kid, String algorithm, KeyState state, String sealedPrivateJwk,
                               Instant createdAt, Instant activatedAt, Instant retiredAt, Instant revokedAt) {

    @Override
    public String toString() {
        // Never print the sealed key, even though it is encrypted.
        return "StoredSigningKey[kid=" + kid + ", algorithm=" + algorithm + ", state=" + state + "]";
    }
}

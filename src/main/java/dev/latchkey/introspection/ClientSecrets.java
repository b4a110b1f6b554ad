package dev.latchkey.introspection;

import dev.latchkey.crypto.RandomTokens;
import dev.latchkey.crypto.TokenDigests;

/**
 * Secrets of resource-server clients: 256 random bits, generated (never chosen by a person), and
 * known to Latchkey only as their SHA-256 hash. A fast hash is enough, and right, for a secret
 * with 256 bits of entropy: nobody can guess one from its hash, and introspection stays cheap.
 */
public final class ClientSecrets {

    static final int SECRET_BYTES = 32;

    private ClientSecrets() {
    }

    public static String generate() {
        return RandomTokens.base64Url(SECRET_BYTES);
    }

    /** @return base64url of SHA-256 over the secret's UTF-8 bytes */
    public static String hash(String secret) {
        return TokenDigests.sha256(secret);
    }
}

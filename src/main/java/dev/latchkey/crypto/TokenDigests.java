package dev.latchkey.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The one way a secret becomes something safe to keep or to look up by: SHA-256 over its UTF-8
 * bytes, base64url without padding. Refresh tokens and client secrets are stored only like this,
 * and rate-limit and verified-token cache keys are made like this, so no secret is ever a key.
 * A fast hash is right here: every input is either 256 random bits or a signed token, so there
 * is nothing to brute-force that a slow hash would protect.
 */
public final class TokenDigests {

    private TokenDigests() {
    }

    public static String sha256(String secret) {
        return Base64Values.url(sha256(secret.getBytes(StandardCharsets.UTF_8)));
    }

    public static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }
}

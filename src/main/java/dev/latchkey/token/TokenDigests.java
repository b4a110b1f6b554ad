package dev.latchkey.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The one way a secret becomes something safe to keep or to look up by: SHA-256 over its UTF-8
 * bytes, base64url without padding. Refresh tokens and client secrets are stored only like this,
 * and rate-limit and verified-token cache keys are made like this, so no secret is ever a key.
 * A fast hash is right here: every input is either 256 random bits or a signed token, so there
 * is nothing to brute-force that a slow hash would protect.
 */
public final class TokenDigests {

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private TokenDigests() {
    }

    public static String sha256(String secret) {
        try {
            return ENCODER.encodeToString(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }
}

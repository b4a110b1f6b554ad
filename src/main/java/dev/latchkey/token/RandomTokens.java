package dev.latchkey.token;

import java.security.SecureRandom;
import java.util.Base64;

/** Unguessable identifiers and secrets, always from {@link SecureRandom}. */
public final class RandomTokens {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private RandomTokens() {
    }

    /** @return {@code bytes} random bytes, base64url-encoded without padding */
    public static String base64Url(int bytes) {
        byte[] buffer = new byte[bytes];
        RANDOM.nextBytes(buffer);
        return ENCODER.encodeToString(buffer);
    }
}

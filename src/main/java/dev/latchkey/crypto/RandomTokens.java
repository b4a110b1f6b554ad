package dev.latchkey.crypto;

import java.security.SecureRandom;

/** Unguessable identifiers, secrets and IVs, always from {@link SecureRandom}. */
public final class RandomTokens {

    private static final SecureRandom RANDOM = new SecureRandom();

    private RandomTokens() {
    }

    public static byte[] bytes(int count) {
        byte[] buffer = new byte[count];
        RANDOM.nextBytes(buffer);
        return buffer;
    }

    /** @return {@code bytes} random bytes, base64url-encoded without padding */
    public static String base64Url(int bytes) {
        return Base64Values.url(bytes(bytes));
    }
}

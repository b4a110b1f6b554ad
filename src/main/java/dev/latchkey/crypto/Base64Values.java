package dev.latchkey.crypto;

import java.util.Base64;
import java.util.Optional;

/** Base64 as Latchkey reads and writes keys and secrets. */
public final class Base64Values {

    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private Base64Values() {
    }

    /** base64url without padding: what Latchkey writes (tokens, hashes, sealed values). */
    public static String url(byte[] bytes) {
        return URL.encodeToString(bytes);
    }

    /** @throws IllegalArgumentException when it is not base64url */
    public static byte[] fromUrl(String text) {
        return Base64.getUrlDecoder().decode(text);
    }

    /**
     * An operator's secret, as {@code openssl rand -base64 32} prints it or base64url: either
     * alphabet, padded or not. Empty when it is neither, so that no caller ever handles a
     * decoder message, which would quote the secret's characters.
     */
    public static Optional<byte[]> lenient(String text) {
        String value = text.strip();
        try {
            return Optional.of(Base64.getDecoder().decode(value));
        } catch (IllegalArgumentException notStandard) {
            try {
                return Optional.of(Base64.getUrlDecoder().decode(value));
            } catch (IllegalArgumentException notBase64) {
                return Optional.empty();
            }
        }
    }
}

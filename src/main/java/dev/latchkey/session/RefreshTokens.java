package dev.latchkey.session;

import dev.latchkey.crypto.AesGcm;
import dev.latchkey.crypto.Base64Values;
import dev.latchkey.crypto.Hmac;
import dev.latchkey.crypto.RandomTokens;
import dev.latchkey.crypto.TokenDigests;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Refresh tokens: 256 random bits, opaque (not JWTs, so one can never pass as an access token,
 * nor the reverse: an access token has dots and is far longer than 43 characters), stored only
 * as SHA-256 hashes.
 *
 * <p><b>The grace window.</b> A browser with several tabs may present the same refresh token
 * twice within a moment; the second request must get the successor the first one already got,
 * not a second branch of the family. The successor is therefore kept on the family row sealed
 * with AES-256-GCM under a key derived from the <em>previous</em> token. Only someone presenting
 * that previous token can unseal it, and the server never stores that token (only its hash), so
 * a copy of the database reveals no usable refresh token.
 */
final class RefreshTokens {

    static final int TOKEN_BYTES = 32;
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final byte[] SEAL_LABEL = "latchkey/successor-seal/v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NO_ASSOCIATED_DATA = new byte[0];

    private RefreshTokens() {
    }

    static String generate() {
        return RandomTokens.base64Url(TOKEN_BYTES);
    }

    /** Cheap refusal of anything that cannot be one of our tokens, before it costs a query. */
    static boolean hasValidShape(String token) {
        return token != null && SHAPE.matcher(token).matches();
    }

    static String hash(String token) {
        return TokenDigests.sha256(token);
    }

    static String seal(String successor, String previousToken) {
        return Base64Values.url(sealingKey(previousToken).seal(successor.getBytes(StandardCharsets.US_ASCII), NO_ASSOCIATED_DATA));
    }

    /** @return the successor, or empty when the seal does not open with this token */
    static Optional<String> unseal(String sealed, String previousToken) {
        if (sealed == null) {
            return Optional.empty();
        }
        try {
            return sealingKey(previousToken).open(Base64Values.fromUrl(sealed), NO_ASSOCIATED_DATA)
                    .map(successor -> new String(successor, StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
    }

    /** HMAC-SHA256 keyed by the token over a fixed label: independent of the stored SHA-256 hash. */
    private static AesGcm sealingKey(String token) {
        return AesGcm.withKey(Hmac.sha256(token.getBytes(StandardCharsets.US_ASCII), SEAL_LABEL));
    }
}

package dev.latchkey.session;

import dev.latchkey.token.TokenDigests;
import dev.latchkey.token.RandomTokens;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
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
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

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
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, sealingKey(previousToken), new GCMParameterSpec(TAG_BITS, iv));
            byte[] sealed = cipher.doFinal(successor.getBytes(StandardCharsets.US_ASCII));
            return ENCODER.encodeToString(ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /** @return the successor, or empty when the seal does not open with this token */
    static Optional<String> unseal(String sealed, String previousToken) {
        if (sealed == null) {
            return Optional.empty();
        }
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(sealed);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, sealingKey(previousToken), new GCMParameterSpec(TAG_BITS, bytes, 0, IV_BYTES));
            return Optional.of(new String(cipher.doFinal(bytes, IV_BYTES, bytes.length - IV_BYTES), StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** HMAC-SHA256 keyed by the token over a fixed label: independent of the stored SHA-256 hash. */
    private static SecretKeySpec sealingKey(String token) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
        return new SecretKeySpec(mac.doFinal(SEAL_LABEL), "AES");
    }
}

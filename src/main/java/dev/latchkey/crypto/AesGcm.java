package dev.latchkey.crypto;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Optional;

/**
 * The one authenticated encryption Latchkey uses: AES-256-GCM with a fresh random 96-bit IV per
 * message and a 128-bit tag. A sealed value is {@code IV || ciphertext || tag}; it opens only with
 * the same key and the same associated data, so a value moved to another row (whose associated
 * data differs) or altered in any bit does not open at all.
 */
public final class AesGcm {

    public static final int KEY_BYTES = 32;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";

    private final SecretKeySpec key;

    private AesGcm(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("AES-256-GCM needs a " + KEY_BYTES * 8 + "-bit key");
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    public static AesGcm withKey(byte[] key) {
        return new AesGcm(key.clone());
    }

    public byte[] seal(byte[] plaintext, byte[] associatedData) {
        try {
            byte[] iv = RandomTokens.bytes(IV_BYTES);
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(associatedData);
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(IV_BYTES + sealed.length).put(iv).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /** @return the plaintext, or empty when the value was sealed under another key or data, or altered */
    public Optional<byte[]> open(byte[] sealed, byte[] associatedData) {
        if (sealed == null || sealed.length <= IV_BYTES) {
            return Optional.empty();
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, IV_BYTES));
            cipher.updateAAD(associatedData);
            return Optional.of(cipher.doFinal(sealed, IV_BYTES, sealed.length - IV_BYTES));
        } catch (AEADBadTagException e) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "AesGcm[key hidden]";
    }
}

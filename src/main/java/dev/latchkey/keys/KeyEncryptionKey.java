package dev.latchkey.keys;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The key-encryption key (KEK): seals private signing keys for the database with AES-256-GCM and
 * opens them again. It never touches the database itself; every node, and the key tool, takes it
 * from the environment ({@code LATCHKEY_KEYS_KEK}, base64 of exactly 32 random bytes) or from a
 * secret file ({@code LATCHKEY_KEYS_KEK_FILE}).
 *
 * <p>The key's {@code kid} and algorithm are the cipher's associated data: a sealed key copied
 * onto another row, or a row whose algorithm was edited, no longer opens, so nobody with write
 * access to the table alone can make a node sign or verify with a key under a false name.
 */
public final class KeyEncryptionKey {

    static final int KEY_BYTES = 32;
    private static final String VERSION = "v1.";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private KeyEncryptionKey(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new IllegalStateException("The key-encryption key must be exactly " + KEY_BYTES * 8 + " bits");
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    public static KeyEncryptionKey of(byte[] key) {
        return new KeyEncryptionKey(key.clone());
    }

    /** @param base64 standard or URL-safe base64, as {@code openssl rand -base64 32} prints it */
    public static KeyEncryptionKey parse(String base64) {
        String value = base64.strip();
        try {
            return new KeyEncryptionKey(Base64.getDecoder().decode(value));
        } catch (IllegalArgumentException notStandard) {
            try {
                return new KeyEncryptionKey(Base64.getUrlDecoder().decode(value));
            } catch (IllegalArgumentException notBase64) {
                // The message would quote the offending characters of a secret: leave it out.
                throw new IllegalStateException("The key-encryption key is not valid base64");
            }
        }
    }

    public static KeyEncryptionKey readFile(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the key-encryption key file " + file, e);
        }
    }

    /**
     * The configured KEK: {@code latchkey.keys.kek} (base64) or {@code latchkey.keys.kek-file} (a
     * path to a file holding it). Empty when neither is set, which means development mode.
     */
    public static Optional<KeyEncryptionKey> fromConfiguration(Optional<String> base64, Optional<String> file) {
        Optional<String> value = base64.filter(v -> !v.isBlank());
        Optional<String> path = file.filter(v -> !v.isBlank());
        if (value.isPresent() && path.isPresent()) {
            throw new IllegalStateException("Set latchkey.keys.kek or latchkey.keys.kek-file, not both");
        }
        return value.map(KeyEncryptionKey::parse).or(() -> path.map(p -> readFile(Path.of(p))));
    }

    String seal(String kid, String algorithm, String privateJwk) {
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(associatedData(kid, algorithm));
            byte[] sealed = cipher.doFinal(privateJwk.getBytes(StandardCharsets.UTF_8));
            return VERSION + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(ByteBuffer.allocate(IV_BYTES + sealed.length).put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /**
     * @throws KeyUnsealingException when the value was sealed under another KEK, for another key,
     *                               or has been altered
     */
    String open(String kid, String algorithm, String sealed) throws KeyUnsealingException {
        if (sealed == null || !sealed.startsWith(VERSION)) {
            throw new KeyUnsealingException(kid);
        }
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(sealed.substring(VERSION.length()));
            if (bytes.length <= IV_BYTES) {
                throw new KeyUnsealingException(kid);
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, IV_BYTES));
            cipher.updateAAD(associatedData(kid, algorithm));
            return new String(cipher.doFinal(bytes, IV_BYTES, bytes.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException | IllegalArgumentException e) {
            throw new KeyUnsealingException(kid);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    private static byte[] associatedData(String kid, String algorithm) {
        return ("latchkey/signing-key/v1|" + kid + "|" + algorithm).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "KeyEncryptionKey[hidden]";
    }

    /** A sealed key did not open: wrong KEK, or the row was tampered with. */
    public static final class KeyUnsealingException extends Exception {
        private static final long serialVersionUID = 1L;

        KeyUnsealingException(String kid) {
            super("Signing key " + kid + " does not open with this key-encryption key"
                    + " (wrong LATCHKEY_KEYS_KEK, or the row was altered)", null, false, false);
        }
    }
}

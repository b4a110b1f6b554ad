package dev.latchkey.keys;

import dev.latchkey.crypto.AesGcm;
import dev.latchkey.crypto.Base64Values;
import dev.latchkey.crypto.Hmac;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    static final int KEY_BYTES = AesGcm.KEY_BYTES;
    private static final String VERSION = "v1.";

    private final AesGcm cipher;

    /** A key of its own for pseudonyms, derived from the KEK, so that no output of one use helps against the other. */
    private final byte[] pseudonymKey;

    private KeyEncryptionKey(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new IllegalStateException("The key-encryption key must be exactly " + KEY_BYTES * 8 + " bits");
        }
        this.cipher = AesGcm.withKey(key);
        this.pseudonymKey = Hmac.sha256(key, "latchkey/pseudonym/v1".getBytes(StandardCharsets.UTF_8));
    }

    public static KeyEncryptionKey of(byte[] key) {
        return new KeyEncryptionKey(key.clone());
    }

    /** @param base64 standard or URL-safe base64, as {@code openssl rand -base64 32} prints it */
    public static KeyEncryptionKey parse(String base64) {
        return new KeyEncryptionKey(Base64Values.lenient(base64)
                // The decoder's message would quote the offending characters of a secret: leave it out.
                .orElseThrow(() -> new IllegalStateException("The key-encryption key is not valid base64")));
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
        return VERSION + Base64Values.url(cipher.seal(privateJwk.getBytes(StandardCharsets.UTF_8), associatedData(kid, algorithm)));
    }

    /**
     * @throws KeyUnsealingException when the value was sealed under another KEK, for another key,
     *                               or has been altered
     */
    String open(String kid, String algorithm, String sealed) throws KeyUnsealingException {
        if (sealed == null || !sealed.startsWith(VERSION)) {
            throw new KeyUnsealingException(kid);
        }
        byte[] bytes;
        try {
            bytes = Base64Values.fromUrl(sealed.substring(VERSION.length()));
        } catch (IllegalArgumentException e) {
            throw new KeyUnsealingException(kid);
        }
        return new String(cipher.open(bytes, associatedData(kid, algorithm)).orElseThrow(() -> new KeyUnsealingException(kid)),
                StandardCharsets.UTF_8);
    }

    /**
     * Seals a value that is not a signing key (a queued mail body, a TOTP secret) for one column of
     * one row. The associated data names the purpose and the row, in a namespace of its own, so a
     * sealed value moved to another row or another column, or offered as a signing key, does not
     * open.
     */
    String sealRecord(String purpose, String rowId, byte[] plaintext) {
        return VERSION + Base64Values.url(cipher.seal(plaintext, recordAssociatedData(purpose, rowId)));
    }

    /** @return empty when the value was sealed under another KEK, for another row or purpose, or altered */
    Optional<byte[]> openRecord(String purpose, String rowId, String sealed) {
        if (sealed == null || !sealed.startsWith(VERSION)) {
            return Optional.empty();
        }
        try {
            return cipher.open(Base64Values.fromUrl(sealed.substring(VERSION.length())), recordAssociatedData(purpose, rowId));
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
    }

    /** HMAC-SHA-256 of the value under the pseudonym key, base64url: stable per KEK, not reversible without it. */
    String pseudonym(String purpose, String value) {
        return Base64Values.url(Hmac.sha256(pseudonymKey, (purpose + "|" + value).getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] recordAssociatedData(String purpose, String rowId) {
        return ("latchkey/record/v1|" + purpose + "|" + rowId).getBytes(StandardCharsets.UTF_8);
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

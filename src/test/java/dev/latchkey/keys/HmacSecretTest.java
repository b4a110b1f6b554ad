package dev.latchkey.keys;

import dev.latchkey.crypto.ManagedKey;
import com.nimbusds.jose.JWSAlgorithm;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HmacSecretTest {

    private static final byte[] CSRF_KEY = random(32);

    private static byte[] random(int bytes) {
        byte[] value = new byte[bytes];
        new SecureRandom().nextBytes(value);
        return value;
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Test
    void aRandom256BitSecretMakesAnUnpublishedHs256Key() {
        byte[] secret = random(32);
        ManagedKey key = accepted(b64(secret));
        assertEquals(JWSAlgorithm.HS256, key.algorithm());
        assertNull(key.publicJwk(), "a shared secret is never published");
        assertTrue(key.kid().startsWith("hs256-"));
        assertEquals(key.kid(), accepted(Base64.getUrlEncoder().encodeToString(secret)).kid());
        assertFalse(key.kid().contains(b64(secret).substring(0, 8)));
    }

    @Test
    void weakDefaultOrReusedSecretsStopTheServer() {
        String[] refused = {
            b64(random(31)),                                                     // under 256 bits
            b64("my-very-secret-signing-key-for-hs256!!".getBytes(StandardCharsets.US_ASCII)), // text
            b64(new byte[32]),                                                   // all zeros
            b64(repeated(new byte[] {1, 2, 3, 4}, 32)),                          // a pattern
            "your-256-bit-secret",                                               // jwt.io's placeholder
            "not base64 at all!",
            b64(CSRF_KEY),                                                       // the CSRF key
        };
        for (String secret : refused) {
            IllegalStateException refusal = assertThrows(IllegalStateException.class,
                    () -> accepted(secret), secret);
            assertFalse(refusal.getMessage().contains(secret), "the message never quotes the secret");
        }
    }

    /** The checks a configured HS256 secret meets at boot: its own, and being no other server secret. */
    private static ManagedKey accepted(String secret) {
        ManagedKey key = HmacSecret.toManagedKey(secret);
        HmacSecret.refuseIfSameAs(secret, CSRF_KEY);
        return key;
    }

    private static byte[] repeated(byte[] pattern, int length) {
        byte[] result = new byte[length];
        for (int i = 0; i < length; i++) {
            result[i] = pattern[i % pattern.length];
        }
        return Arrays.copyOf(result, length);
    }
}

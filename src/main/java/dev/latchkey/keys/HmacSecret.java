package dev.latchkey.keys;

import dev.latchkey.crypto.Base64Values;
import dev.latchkey.crypto.ConstantTime;
import dev.latchkey.crypto.ManagedKey;
import dev.latchkey.crypto.TokenDigests;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;

import java.nio.charset.StandardCharsets;

/**
 * The HS256 mode: one shared secret that both signs and verifies. It exists for shops whose
 * consumers cannot fetch a JWKS, and it is off unless {@code latchkey.token.algorithm=HS256}.
 *
 * <p>Asymmetric keys are the default because every holder of an HMAC secret can mint tokens: each
 * consumer that verifies HS256 tokens can forge them for every other consumer, the secret cannot
 * be published, and rotating it means a coordinated change everywhere at once. So a secret is
 * accepted only if it is plausibly random and at least 256 bits: anything shorter, anything that
 * decodes to printable text (a password someone base64-encoded), anything with few distinct byte
 * values (a repeated pattern, a placeholder), or the CSRF secret itself stops the deployment.
 */
public final class HmacSecret {

    static final int MIN_BYTES = 32;

    /** 32 random bytes have about 30 distinct values; fewer than 16 is a pattern, not a secret. */
    private static final int MIN_DISTINCT_BYTES = 16;

    private HmacSecret() {
    }

    static ManagedKey toManagedKey(String configured) {
        byte[] secret = decode(configured);
        if (secret.length < MIN_BYTES) {
            throw refused("shorter than " + MIN_BYTES * 8 + " bits");
        }
        if (isPrintableText(secret)) {
            throw refused("text, not random bytes (generate it with: openssl rand -base64 32)");
        }
        if (distinctValues(secret) < MIN_DISTINCT_BYTES) {
            throw refused("a repeated pattern, not random bytes");
        }
        try {
            return new ManagedKey(keyId(secret), JWSAlgorithm.HS256, null, new MACSigner(secret), new MACVerifier(secret));
        } catch (JOSEException e) {
            throw refused("unusable");
        }
    }

    /**
     * Refuses an HS256 secret that is also another server secret (the CSRF key): each purpose
     * needs its own key, or a token of one kind could be forged from the other. The owner of the
     * other secret calls this, since it loads after the key ring.
     */
    public static void refuseIfSameAs(String configured, byte[] otherSecret) {
        if (ConstantTime.equal(decode(configured), otherSecret)) {
            throw refused("the same as the CSRF secret; each purpose needs its own key");
        }
    }

    /** A stable, public name for the secret that reveals nothing usable about it. */
    private static String keyId(byte[] secret) {
        byte[] label = "latchkey/hs256-kid/v1|".getBytes(StandardCharsets.US_ASCII);
        byte[] labelled = new byte[label.length + secret.length];
        System.arraycopy(label, 0, labelled, 0, label.length);
        System.arraycopy(secret, 0, labelled, label.length, secret.length);
        return "hs256-" + Base64Values.url(TokenDigests.sha256(labelled)).substring(0, 16);
    }

    private static byte[] decode(String configured) {
        return Base64Values.lenient(configured).orElseThrow(() -> refused("not base64"));
    }

    private static boolean isPrintableText(byte[] secret) {
        for (byte b : secret) {
            if (b < 0x20 || b > 0x7e) {
                return false;
            }
        }
        return true;
    }

    private static int distinctValues(byte[] secret) {
        boolean[] seen = new boolean[256];
        int distinct = 0;
        for (byte b : secret) {
            if (!seen[b & 0xff]) {
                seen[b & 0xff] = true;
                distinct++;
            }
        }
        return distinct;
    }

    /** The message says what is wrong with the secret, never any part of it. */
    private static IllegalStateException refused(String why) {
        return new IllegalStateException("latchkey.token.hs256-secret is refused: it is " + why);
    }
}

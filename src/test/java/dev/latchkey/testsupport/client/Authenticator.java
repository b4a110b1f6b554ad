package dev.latchkey.testsupport.client;

import org.bouncycastle.util.encoders.Base32;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * The test's own authenticator app: RFC 6238 over RFC 4226 written out here with javax.crypto,
 * independent of the java-otp library the server uses, so a test that signs in with its codes
 * proves the server makes the codes every app makes.
 */
public final class Authenticator {

    private final byte[] secret;

    private Authenticator(byte[] secret) {
        this.secret = secret;
    }

    /** From the {@code secret} of an enrolment (base32, as in the otpauth URI). */
    public static Authenticator fromBase32(String base32) {
        return new Authenticator(Base32.decode(base32));
    }

    /** The six-digit code an app shows at this instant. */
    public String codeAt(Instant instant) {
        return codeForStep(Math.floorDiv(instant.getEpochSecond(), 30));
    }

    public String codeForStep(long step) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA1");
            hmac.init(new SecretKeySpec(secret, "HmacSHA1"));
            byte[] digest = hmac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int offset = digest[digest.length - 1] & 0x0f;
            int binary = ((digest[offset] & 0x7f) << 24) | ((digest[offset + 1] & 0xff) << 16)
                    | ((digest[offset + 2] & 0xff) << 8) | (digest[offset + 3] & 0xff);
            return String.format("%06d", binary % 1_000_000);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.latchkey.crypto;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;

import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * TOTP codes (RFC 6238) as every authenticator app makes them: HMAC-SHA1, 6 digits, 30-second
 * steps. The codes come from java-otp; this class decides which steps count (the current one and
 * one on either side, for clocks and typing) and compares in constant time.
 */
public final class TotpCodes {

    public static final Duration STEP = Duration.ofSeconds(30);
    public static final int DIGITS = 6;
    public static final String ALGORITHM = TimeBasedOneTimePasswordGenerator.TOTP_ALGORITHM_HMAC_SHA1;
    /** Steps accepted before and after the current one. */
    static final int WINDOW = 1;
    private static final Pattern CODE_SHAPE = Pattern.compile("[0-9]{" + DIGITS + "}");

    private final TimeBasedOneTimePasswordGenerator generator;
    private final int digits;

    TotpCodes(int digits, String algorithm) {
        this.generator = new TimeBasedOneTimePasswordGenerator(STEP, digits, algorithm);
        this.digits = digits;
    }

    /** The codes users type. */
    public static TotpCodes standard() {
        return new TotpCodes(DIGITS, ALGORITHM);
    }

    /** Whether the text can be a code at all: anything else is bad input, not a wrong guess. */
    public static boolean hasValidShape(String code) {
        return code != null && CODE_SHAPE.matcher(code).matches();
    }

    public static long stepAt(Instant instant) {
        return Math.floorDiv(instant.getEpochSecond(), STEP.toSeconds());
    }

    String codeAt(byte[] secret, long step) {
        try {
            return generator.generateOneTimePasswordString(new SecretKeySpec(secret, "RAW"),
                    Instant.ofEpochSecond(step * STEP.toSeconds()), Locale.ROOT);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("A TOTP secret is not an HMAC key", e);
        }
    }

    /**
     * @return the step whose code this is, among the current step and {@link #WINDOW} on either
     *         side; empty when none. Every candidate is computed and compared, so the time taken
     *         does not say which step, if any, matched.
     */
    public OptionalLong matchingStep(byte[] secret, String code, Instant now) {
        if (code == null || code.length() != digits) {
            return OptionalLong.empty();
        }
        byte[] presented = code.getBytes(StandardCharsets.US_ASCII);
        long current = stepAt(now);
        long matched = -1;
        for (long step = current - WINDOW; step <= current + WINDOW; step++) {
            boolean equal = ConstantTime.equal(codeAt(secret, step).getBytes(StandardCharsets.US_ASCII), presented);
            matched = equal && matched < 0 ? step : matched;
        }
        return matched < 0 ? OptionalLong.empty() : OptionalLong.of(matched);
    }
}

package dev.latchkey.crypto;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TotpCodesTest {

    /** RFC 6238 Appendix B: the SHA-1 seed, "12345678901234567890" in ASCII. */
    private static final byte[] RFC_SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    /** RFC 6238 Appendix B, the SHA-1 column (8 digits): time in seconds, then the code. */
    @Test
    void theRfc6238TestVectors() {
        TotpCodes eightDigits = new TotpCodes(8, TotpCodes.ALGORITHM);
        long[][] vectors = {
            {59L, 94287082L}, {1111111109L, 7081804L}, {1111111111L, 14050471L},
            {1234567890L, 89005924L}, {2000000000L, 69279037L}, {20000000000L, 65353130L},
        };
        for (long[] vector : vectors) {
            long step = TotpCodes.stepAt(Instant.ofEpochSecond(vector[0]));
            assertEquals(String.format("%08d", vector[1]), eightDigits.codeAt(RFC_SEED, step), "T = " + vector[0]);
        }
    }

    /** The six-digit code is the eight-digit one's last six digits (RFC 4226's truncation, mod 10^6). */
    @Test
    void sixDigitCodesAreTheRfcCodesModuloAMillion() {
        assertEquals("287082", TotpCodes.standard().codeAt(RFC_SEED, TotpCodes.stepAt(Instant.ofEpochSecond(59))));
        assertEquals("081804", TotpCodes.standard().codeAt(RFC_SEED, TotpCodes.stepAt(Instant.ofEpochSecond(1111111109))),
                "leading zeros are kept");
    }

    @Test
    void oneStepEarlyOrLateMatchesItsStepAndTwoStepsDoNot() {
        TotpCodes codes = TotpCodes.standard();
        Instant now = Instant.ofEpochSecond(1_700_000_015L);
        long current = TotpCodes.stepAt(now);
        for (long offset = -1; offset <= 1; offset++) {
            assertEquals(OptionalLong.of(current + offset), codes.matchingStep(RFC_SEED, codes.codeAt(RFC_SEED, current + offset), now));
        }
        assertFalse(codes.matchingStep(RFC_SEED, codes.codeAt(RFC_SEED, current - 2), now).isPresent());
        assertFalse(codes.matchingStep(RFC_SEED, codes.codeAt(RFC_SEED, current + 2), now).isPresent());
    }

    @Test
    void anotherSecretOrAMalformedCodeMatchesNothing() {
        TotpCodes codes = TotpCodes.standard();
        Instant now = Instant.ofEpochSecond(1_700_000_015L);
        String code = codes.codeAt(RFC_SEED, TotpCodes.stepAt(now));
        assertFalse(codes.matchingStep("another secret of twenty".getBytes(StandardCharsets.US_ASCII), code, now).isPresent());
        assertFalse(codes.matchingStep(RFC_SEED, code.substring(1), now).isPresent());
        assertFalse(codes.matchingStep(RFC_SEED, null, now).isPresent());
        assertTrue(TotpCodes.hasValidShape("012345"));
        for (String malformed : new String[] {"12345", "1234567", "12345a", " 12345", "١٢٣٤٥٦", ""}) {
            assertFalse(TotpCodes.hasValidShape(malformed), malformed);
        }
    }
}

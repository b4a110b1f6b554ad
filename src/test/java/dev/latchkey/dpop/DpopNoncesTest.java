package dev.latchkey.dpop;

import dev.latchkey.config.InvalidSettingException;
import dev.latchkey.config.SettingsSource;
import dev.latchkey.keys.KeySettings;
import dev.latchkey.testsupport.server.MovableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DpopNoncesTest {

    private static final String SECRET = Base64.getEncoder().encodeToString(new byte[] {
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
    private static final String OTHER_SECRET = Base64.getEncoder().encodeToString(new byte[32]);

    private final MovableClock clock = MovableClock.at(Instant.parse("2026-12-02T10:00:00Z"));

    private DpopNonces nonces(String secret) {
        DpopNonces nonces = new DpopNonces();
        nonces.settings = DpopSettings.from(SettingsSource.of(Map.of(DpopSettings.NONCES, "true",
                DpopSettings.NONCE_LIFETIME_SECONDS, "60", DpopSettings.NONCE_SECRET, secret)));
        nonces.keySettings = KeySettings.defaults();
        nonces.clock = clock;
        nonces.init();
        return nonces;
    }

    @Test
    void aNonceIsGoodInItsWindowAndTheNextOnlyOnEveryNodeWithTheSecret() {
        DpopNonces issuer = nonces(SECRET);
        DpopNonces otherNode = nonces(SECRET);
        String nonce = issuer.current();
        assertEquals(43, nonce.length());
        assertTrue(otherNode.isValid(nonce), "derived, not stored: any node checks it");

        clock.advance(Duration.ofSeconds(59));
        assertTrue(otherNode.isValid(nonce));
        assertEquals(nonce, issuer.current(), "one nonce per window");
        clock.advance(Duration.ofSeconds(1));
        assertTrue(otherNode.isValid(nonce), "the next window still takes it");
        assertNotEquals(nonce, issuer.current());
        clock.advance(Duration.ofSeconds(60));
        assertFalse(otherNode.isValid(nonce), "two windows on, it is stale");
    }

    @Test
    void aNonceUnderAnotherSecretOrMadeUpIsRefused() {
        assertFalse(nonces(OTHER_SECRET).isValid(nonces(SECRET).current()));
        assertFalse(nonces(SECRET).isValid("made-up"));
        assertFalse(nonces(SECRET).isValid(""));
    }

    @Test
    void settingsThatCannotWorkStopTheStart() {
        assertThrows(InvalidSettingException.class, () -> DpopSettings.from(SettingsSource.of(Map.of(
                DpopSettings.PROOF_MAX_AGE_SECONDS, "5", DpopSettings.CLOCK_SKEW_SECONDS, "10"))));
        assertThrows(InvalidSettingException.class, () -> DpopSettings.from(SettingsSource.of(Map.of(
                DpopSettings.NONCE_SECRET, Base64.getEncoder().encodeToString(new byte[16])))));
        InvalidSettingException notBase64 = assertThrows(InvalidSettingException.class, () -> DpopSettings.from(
                SettingsSource.of(Map.of(DpopSettings.NONCE_SECRET, "not base64 %%% secret-value"))));
        assertFalse(notBase64.getMessage().contains("secret-value"), "the message never quotes the secret");
    }
}

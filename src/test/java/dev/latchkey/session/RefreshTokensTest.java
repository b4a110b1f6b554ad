package dev.latchkey.session;

import dev.latchkey.config.InvalidSettingException;
import dev.latchkey.config.SettingsSource;
import dev.latchkey.crypto.RandomTokens;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Self-identifying refresh tokens: what they name, and that nothing but the secret's own HMAC opens them. */
class RefreshTokensTest {

    private static final byte[] SECRET = RandomTokens.bytes(32);
    private static final RefreshTokens TOKENS = RefreshTokens.with(SessionSettings.defaults(), SECRET);
    private static final String FAMILY = UUID.randomUUID().toString();

    @Test
    void aTokenNamesItsSessionAndGenerationAndIsDifferentEveryTime() {
        String token = TOKENS.mint(FAMILY, 7);
        assertEquals(114, token.length());
        assertEquals(Optional.of(new RefreshTokens.Identity(FAMILY, 7)), TOKENS.identify(token));
        assertNotEquals(token, TOKENS.mint(FAMILY, 7), "256 random bits in each");
        assertEquals(Optional.of(new RefreshTokens.Identity(FAMILY, Integer.MAX_VALUE)),
                TOKENS.identify(TOKENS.mint(FAMILY, Integer.MAX_VALUE)));
    }

    @Test
    void everySingleBitChangedIsRefused() {
        byte[] token = Base64.getUrlDecoder().decode(TOKENS.mint(FAMILY, 3));
        for (int bit = 0; bit < token.length * 8; bit++) {
            byte[] changed = token.clone();
            changed[bit / 8] ^= (byte) (1 << (bit % 8));
            assertEquals(Optional.empty(), TOKENS.identify(Base64.getUrlEncoder().withoutPadding().encodeToString(changed)),
                    "bit " + bit);
        }
    }

    @Test
    void aSecondSpellingOfTheSameBytesIsRefused() {
        String token = TOKENS.mint(FAMILY, 1);
        // 114 characters carry 684 bits for 680: the last character's two low bits are unused.
        char last = token.charAt(113);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        String respelled = token.substring(0, 113) + alphabet.charAt(alphabet.indexOf(last) ^ 1);
        assertTrue(Base64.getUrlDecoder().decode(respelled).length == 85);
        assertEquals(Optional.empty(), TOKENS.identify(respelled));
    }

    @Test
    void anotherSecretsTokensAndOtherShapesAreRefused() {
        RefreshTokens other = RefreshTokens.with(SessionSettings.defaults(), RandomTokens.bytes(32));
        assertEquals(Optional.empty(), TOKENS.identify(other.mint(FAMILY, 0)));
        String token = TOKENS.mint(FAMILY, 0);
        for (String notOne : new String[] {null, "", token.substring(1), token + "A", token.replace('A', '.'),
                RandomTokens.base64Url(32), "A".repeat(114)}) {
            assertEquals(Optional.empty(), TOKENS.identify(notOne), String.valueOf(notOne));
        }
        assertTrue(RefreshTokens.isLegacy(RandomTokens.base64Url(RefreshTokens.LEGACY_TOKEN_BYTES)));
        assertTrue(!RefreshTokens.isLegacy(token) && !RefreshTokens.isLegacy(null));
    }

    @Test
    void thePreviousSecretOnlyVerifies() {
        byte[] previous = RandomTokens.bytes(32);
        SessionSettings rotating = SessionSettings.from(SettingsSource.of(Map.of(
                SessionSettings.REFRESH_TOKEN_SECRET, Base64.getEncoder().encodeToString(SECRET),
                SessionSettings.PREVIOUS_REFRESH_TOKEN_SECRET, Base64.getEncoder().encodeToString(previous))));
        RefreshTokens during = RefreshTokens.with(rotating, SECRET);
        String signedBefore = RefreshTokens.with(SessionSettings.defaults(), previous).mint(FAMILY, 4);

        assertEquals(Optional.of(new RefreshTokens.Identity(FAMILY, 4)), during.identify(signedBefore));
        assertEquals(Optional.empty(), TOKENS.identify(signedBefore), "once the previous secret is gone");
        assertTrue(TOKENS.identify(during.mint(FAMILY, 5)).isPresent(), "new tokens are signed with the current secret");
    }

    @Test
    void secretsAreCheckedAtBoot() {
        assertThrows(InvalidSettingException.class, () -> SessionSettings.from(SettingsSource.of(Map.of(
                SessionSettings.REFRESH_TOKEN_SECRET, Base64.getEncoder().encodeToString(new byte[16])))));
        assertThrows(InvalidSettingException.class, () -> SessionSettings.from(SettingsSource.of(Map.of(
                SessionSettings.PREVIOUS_REFRESH_TOKEN_SECRET, Base64.getEncoder().encodeToString(SECRET)))),
                "a previous secret without a current one");
        assertThrows(InvalidSettingException.class, () -> SessionSettings.from(SettingsSource.of(Map.of(
                SessionSettings.REFRESH_TOKEN_FORMAT, "random"))));
    }

    @Test
    void legacyFormatIssuesRandomTokens() {
        RefreshTokens legacy = RefreshTokens.with(SessionSettings.from(SettingsSource.of(Map.of(
                SessionSettings.REFRESH_TOKEN_FORMAT, "legacy"))), SECRET);
        String token = legacy.mint(FAMILY, 0);
        assertTrue(RefreshTokens.isLegacy(token));
        assertEquals(Optional.empty(), legacy.identify(token));
    }
}

package dev.latchkey.keys;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyEncryptionKeyTest {

    private static final String PRIVATE_JWK = "{\"kty\":\"OKP\",\"d\":\"secret-part\"}";

    static KeyEncryptionKey randomKek() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return KeyEncryptionKey.of(bytes);
    }

    @Test
    void sealedKeysOpenOnlyUnderTheSameKekForTheSameKidAndAlgorithm() throws Exception {
        KeyEncryptionKey kek = randomKek();
        String sealed = kek.seal("kid-1", "EdDSA", PRIVATE_JWK);
        assertFalse(sealed.contains("secret-part"));
        assertTrue(sealed.startsWith("v1."));
        assertEquals(PRIVATE_JWK, kek.open("kid-1", "EdDSA", sealed));

        assertThrows(KeyEncryptionKey.KeyUnsealingException.class, () -> randomKek().open("kid-1", "EdDSA", sealed));
        // The kid and algorithm are bound to the ciphertext: a sealed key moved to another row does not open.
        assertThrows(KeyEncryptionKey.KeyUnsealingException.class, () -> kek.open("kid-2", "EdDSA", sealed));
        assertThrows(KeyEncryptionKey.KeyUnsealingException.class, () -> kek.open("kid-1", "RS256", sealed));
        char last = sealed.charAt(sealed.length() - 2);
        String altered = sealed.substring(0, sealed.length() - 2) + (last == 'A' ? 'B' : 'A') + sealed.charAt(sealed.length() - 1);
        assertThrows(KeyEncryptionKey.KeyUnsealingException.class, () -> kek.open("kid-1", "EdDSA", altered));
        assertThrows(KeyEncryptionKey.KeyUnsealingException.class, () -> kek.open("kid-1", "EdDSA", "v1.%%%"));
        assertThrows(KeyEncryptionKey.KeyUnsealingException.class, () -> kek.open("kid-1", "EdDSA", "v2.abc"));
    }

    @Test
    void theSameKeySealsDifferentlyEachTime() {
        KeyEncryptionKey kek = randomKek();
        assertFalse(kek.seal("kid", "RS256", PRIVATE_JWK).equals(kek.seal("kid", "RS256", PRIVATE_JWK)));
    }

    @Test
    void onlyExactly256BitKeysInBase64AreAccepted() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        KeyEncryptionKey.parse(Base64.getEncoder().encodeToString(bytes));
        KeyEncryptionKey.parse(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes) + "\n");
        assertThrows(IllegalStateException.class, () -> KeyEncryptionKey.parse(Base64.getEncoder().encodeToString(new byte[16])));
        assertThrows(IllegalStateException.class, () -> KeyEncryptionKey.parse(Base64.getEncoder().encodeToString(new byte[48])));
        IllegalStateException notBase64 = assertThrows(IllegalStateException.class, () -> KeyEncryptionKey.parse("hunter2!hunter2!"));
        assertFalse(notBase64.getMessage().contains("hunter2"), "the message never quotes the secret");
        assertThrows(IllegalStateException.class, () -> KeyEncryptionKey.fromConfiguration(
                Optional.of(Base64.getEncoder().encodeToString(bytes)), Optional.of("/some/file")));
        assertTrue(KeyEncryptionKey.fromConfiguration(Optional.of(" "), Optional.empty()).isEmpty());
        assertFalse(KeyEncryptionKey.parse(Base64.getEncoder().encodeToString(bytes)).toString().contains(
                Base64.getEncoder().encodeToString(bytes)));
    }
}

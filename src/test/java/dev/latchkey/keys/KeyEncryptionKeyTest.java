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

    @Test
    void sealedRecordsOpenOnlyForTheSamePurposeAndRowAndNeverAsASigningKey() throws Exception {
        KeyEncryptionKey kek = randomKek();
        RecordSealer sealer = RecordSealer.with(kek);
        byte[] body = "a body with a live link".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String sealed = sealer.seal("mail_outbox.sealed_message", "row-1", body);
        assertFalse(sealed.contains("live link"));
        assertTrue(java.util.Arrays.equals(body, sealer.open("mail_outbox.sealed_message", "row-1", sealed).orElseThrow()));

        assertTrue(sealer.open("mail_outbox.sealed_message", "row-2", sealed).isEmpty(), "moved to another row");
        assertTrue(sealer.open("totp.secret", "row-1", sealed).isEmpty(), "offered for another purpose");
        assertTrue(RecordSealer.with(randomKek()).open("mail_outbox.sealed_message", "row-1", sealed).isEmpty(), "another KEK");
        assertTrue(sealer.open("mail_outbox.sealed_message", "row-1", "v1.%%%").isEmpty());
        assertTrue(sealer.open("mail_outbox.sealed_message", "row-1", null).isEmpty());
        // The two namespaces are apart: a record is no signing key, and a signing key no record.
        assertThrows(KeyEncryptionKey.KeyUnsealingException.class, () -> kek.open("row-1", "mail_outbox.sealed_message", sealed));
        assertTrue(sealer.open("kid-1", "EdDSA", kek.seal("kid-1", "EdDSA", PRIVATE_JWK)).isEmpty());
    }
}

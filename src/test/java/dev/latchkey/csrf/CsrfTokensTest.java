package dev.latchkey.csrf;

import dev.latchkey.crypto.Base64Values;
import dev.latchkey.crypto.Hmac;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsrfTokensTest {

    private final byte[] secret = randomBytes(32);
    private final CsrfTokens tokens = CsrfBeans.tokens(secret);

    @Test
    void aSessionKeepsOneTokenSoTabsThatRefreshAtOnceNeverDisagree() {
        String session = UUID.randomUUID().toString();
        String atLogin = tokens.forSession(session);
        assertEquals(atLogin, tokens.forSession(session));
        assertTrue(tokens.isValidFor(atLogin, session));
    }

    @Test
    void eachSessionHasItsOwnTokenAndNoOtherSessionAcceptsIt() {
        String first = UUID.randomUUID().toString();
        String second = UUID.randomUUID().toString();
        assertNotEquals(tokens.forSession(first), tokens.forSession(second));
        assertFalse(tokens.isValidFor(tokens.forSession(first), second));
        assertFalse(tokens.isValidFor(tokens.forSession(second), first));
    }

    @Test
    void anotherKeyMintsAnotherTokenAndRefusesThisOne() {
        String session = UUID.randomUUID().toString();
        CsrfTokens otherNode = CsrfBeans.tokens(randomBytes(32));
        assertNotEquals(tokens.forSession(session), otherNode.forSession(session));
        assertFalse(otherNode.isValidFor(tokens.forSession(session), session));
    }

    @Test
    void aTokenMintedWithARandomNonceBeforeTheUpgradeStillVerifies() {
        String session = UUID.randomUUID().toString();
        String nonce = Base64Values.url(randomBytes(16));
        String mac = Base64Values.url(Hmac.sha256(secret, (session + "." + nonce).getBytes(StandardCharsets.UTF_8)));
        assertTrue(tokens.isValidFor(nonce + "." + mac, session));
        assertFalse(tokens.isValidFor(nonce + "." + mac, UUID.randomUUID().toString()));
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}

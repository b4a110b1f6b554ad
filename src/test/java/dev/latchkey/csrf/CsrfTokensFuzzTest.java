package dev.latchkey.csrf;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.latchkey.testsupport.FuzzBudget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CSRF tokens: any text is a yes or a no (no exception), a minted token is valid for its session only, and a change to it is a no. */
class CsrfTokensFuzzTest {

    private static final CsrfTokens TOKENS = CsrfBeans.tokens(new byte[] {
        3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4, 3, 3, 8, 3, 2, 7, 9, 5});

    @FuzzTest(maxDuration = "60s")
    void onlyAMintedTokenUnchangedIsValidAndOnlyForItsSession(FuzzedDataProvider data) {
        if (data.consumeBoolean()) {
            String session = data.consumeString(64);
            String token = data.consumeRemainingAsString();
            assertFalse(FuzzBudget.timed(() -> TOKENS.isValidFor(token, session)), "a made-up token was valid");
            return;
        }
        String session = data.consumeString(64);
        String token = TOKENS.forSession(session);
        assertTrue(TOKENS.isValidFor(token, session));
        assertEquals(token, TOKENS.forSession(session), "one token per session");
        String otherSession = data.consumeString(64);
        if (!otherSession.equals(session)) {
            assertFalse(TOKENS.isValidFor(token, otherSession), "valid for another session");
        }
        char[] changed = token.toCharArray();
        int at = data.consumeInt(0, changed.length - 1);
        changed[at] = data.consumeChar();
        String mutated = new String(changed);
        if (!mutated.equals(token)) {
            assertFalse(TOKENS.isValidFor(mutated, session), "a changed token was valid");
        }
    }
}

package dev.latchkey.session;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.latchkey.testsupport.FuzzBudget;

import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Refresh tokens: any text is a session and generation or nothing (never an exception), and a
 * minted token changed anywhere is nothing, so that no made-up token can name a session.
 */
class RefreshTokensFuzzTest {

    private static final RefreshTokens TOKENS = RefreshTokens.with(SessionSettings.defaults(), new byte[] {
        2, 7, 1, 8, 2, 8, 1, 8, 2, 8, 4, 5, 9, 0, 4, 5, 2, 3, 5, 3, 6, 0, 2, 8, 7, 4, 7, 1, 3, 5, 2, 6});

    @FuzzTest(maxDuration = "60s")
    void onlyAMintedTokenUnchangedNamesItsSession(FuzzedDataProvider data) {
        if (data.consumeBoolean()) {
            String text = data.consumeRemainingAsString();
            assertEquals(Optional.empty(), FuzzBudget.timed(() -> TOKENS.identify(text)), "a made-up token named a session");
            return;
        }
        String family = new UUID(data.consumeLong(), data.consumeLong()).toString();
        int generation = data.consumeInt(0, Integer.MAX_VALUE);
        String token = TOKENS.mint(family, generation);
        assertEquals(Optional.of(new RefreshTokens.Identity(family, generation)), TOKENS.identify(token));
        char[] changed = token.toCharArray();
        int at = data.consumeInt(0, changed.length - 1);
        changed[at] = data.consumeChar();
        String mutated = new String(changed);
        if (!mutated.equals(token)) {
            assertEquals(Optional.empty(), TOKENS.identify(mutated), "a changed token named a session");
        }
    }
}

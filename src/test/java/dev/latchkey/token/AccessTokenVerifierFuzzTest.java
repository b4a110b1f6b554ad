package dev.latchkey.token;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.JWSAlgorithm;
import dev.latchkey.crypto.KeyMaterial;
import dev.latchkey.keys.SigningKeys;
import dev.latchkey.testsupport.FuzzBudget;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The one verifier on attacker strings: every one is refused with {@link TokenRejectedException}
 * (nothing else escapes), and of a genuine token changed anywhere, only the genuine spelling
 * verifies.
 */
class AccessTokenVerifierFuzzTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T12:00:00Z"), ZoneOffset.UTC);
    private static final SigningKeys KEYS = SigningKeys.of(KeyMaterial.toManagedKey(KeyMaterial.generate(JWSAlgorithm.ES256)));
    private static final TokenSettings SETTINGS = TokenBeans.settings("https://auth.example.test", "example-api", 0);
    private static final AccessTokenVerifier VERIFIER = TokenBeans.verifier(KEYS, SETTINGS, CLOCK);
    private static final String GENUINE = TokenBeans.issuer(KEYS, SETTINGS, CLOCK).issue(new AccessTokenClaims("user-1",
            List.of("user"), List.of("orders:read"), "session-1", true, List.of("pwd"), CLOCK.instant(), Optional.empty())).value();

    @FuzzTest(maxDuration = "60s")
    void madeUpAndChangedTokensAreRefused(FuzzedDataProvider data) {
        if (data.consumeBoolean()) {
            String madeUp = data.consumeRemainingAsString();
            FuzzBudget.timed(() -> {
                try {
                    VERIFIER.verify(madeUp);
                    throw new AssertionError("a made-up token verified");
                } catch (TokenRejectedException refused) {
                    // the one documented way to say no
                }
            });
            return;
        }
        char[] token = GENUINE.toCharArray();
        int edits = data.consumeInt(1, 4);
        for (int i = 0; i < edits; i++) {
            token[data.consumeInt(0, token.length - 1)] = data.consumeChar();
        }
        String mutated = new String(token);
        FuzzBudget.timed(() -> {
            try {
                VERIFIER.verify(mutated);
                assertEquals(GENUINE, mutated, "a changed token verified");
            } catch (TokenRejectedException refused) {
                // expected for every change
            }
        });
    }
}

package dev.latchkey.password;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.latchkey.problem.ProblemException;
import dev.latchkey.testsupport.FuzzBudget;

import static dev.latchkey.testsupport.FuzzBudget.assertClientError;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The password policy on any text (the zxcvbn estimate included): accepted, or refused with a
 * 400 that names a rule and never echoes the password.
 */
class PasswordPolicyFuzzTest {

    private static final PasswordPolicy POLICY = PasswordPolicy.create(PasswordSettings.defaults());

    @FuzzTest(maxDuration = "60s")
    void anyPasswordIsAcceptedOrRefusedByARule(FuzzedDataProvider data) {
        String email = data.consumeString(80) + "@example.test";
        String password = data.consumeRemainingAsString();
        FuzzBudget.timed(() -> {
            try {
                POLICY.check(password, email);
            } catch (ProblemException refused) {
                assertClientError(refused);
                if (password.length() >= 4) {
                    assertFalse(refused.problem().toJson().toString().contains(password), "the password is never echoed");
                }
            }
        });
    }
}

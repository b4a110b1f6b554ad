package dev.latchkey.password;

import dev.latchkey.config.InvalidSettingException;
import dev.latchkey.config.SettingsSource;
import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The password policy: each refusal names its rule in the problem's {@code rule} member, and the
 * strength estimate (zxcvbn) refuses what no list holds. Each too-guessable password below is
 * first shown to pass every other rule (the same policy with {@code min-strength} 0 accepts it),
 * so the refusal is the estimate's.
 */
class PasswordPolicyTest {

    private static final String EMAIL = "someone@example.test";

    private static PasswordPolicy policy;
    private static PasswordPolicy withoutEstimate;

    @BeforeAll
    static void load() {
        policy = PasswordPolicy.create(PasswordSettings.defaults());
        withoutEstimate = PasswordPolicy.create(PasswordSettings.from(SettingsSource.of(
                Map.of(PasswordSettings.MIN_STRENGTH, "0"))));
    }

    @Test
    void theDefaultMinimumStrengthIsThreeAndOutOfRangeValuesStopTheStart() {
        assertEquals(3, PasswordSettings.defaults().minStrength());
        for (String bad : new String[] {"-1", "5", "strong"}) {
            InvalidSettingException refused = assertThrows(InvalidSettingException.class,
                    () -> PasswordSettings.from(SettingsSource.of(Map.of(PasswordSettings.MIN_STRENGTH, bad))));
            assertTrue(refused.getMessage().contains(PasswordSettings.MIN_STRENGTH), refused.getMessage());
        }
    }

    @Test
    void eachListAndLengthRuleIsNamed() {
        assertRefused("too-short", "short");
        assertRefused("too-short", "elevenchars");
        assertRefused("too-long", "x".repeat(PasswordPolicy.MAX_LENGTH + 1));
        assertRefused("too-long", "x".repeat(PasswordPolicy.MAX_INPUT_CHARS + 1));
        assertRefused("control-characters", "a perfectly fine\u0007 passphrase");
        // On the list of common passwords (which comes first), and on the breached list only.
        assertRefused("common", "unbelievable");
        assertRefused("common", "UnBelievable");
        assertRefused("breached", "qwertyuiopasdfghjkl");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "zxcvbnmasdfghjkl",     // keyboard walk along the rows
        "1qazxsw23edcvfr",      // keyboard walk down the columns
        "mnbvcxzlkjhgfdsa",     // keyboard walk, backwards
        "abcabcabcabcabc",      // repeat
        "blahblahblahblah",     // repeat of a word
        "abcdefghijklmnop",     // sequence
        "zyxwvutsrqponmlk",     // sequence, backwards
        "december251987",       // date with a month name
        "19871225december",     // date with a month name
        "p4$$w0rdd4rkn3$$",     // leet-spelled dictionary words
        "m0nk3yd4rkn3$$",       // leet-spelled dictionary words
        "$unsh1n3Butt3rfly",    // leet-spelled dictionary words, capitalised
    })
    void patternsThatNoListHoldsAreTooGuessable(String password) {
        assertDoesNotThrow(() -> withoutEstimate.check(password, EMAIL), "passes length and both lists");
        assertRefused("too-guessable", password);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "correct horse battery staple",
        "an entirely different passphrase",
        "a different long passphrase",
        "another long passphrase 42",
        "hüttenzauber kolibri ankerwinde",
        "4@8({[<3967+1!|0$5%2",
    })
    void strongPassphrasesPass(String password) {
        assertDoesNotThrow(() -> policy.check(password, EMAIL));
    }

    @Test
    void theAccountsOwnAddressPartsLowerTheScore() {
        String local = "zebulon.brzeczyszczykiewicz";
        String owner = local + "@kowalczykowa.example";
        // Unusual words for anyone else: strong.
        assertDoesNotThrow(() -> policy.check("brzeczyszczykiewiczzebulon", EMAIL));
        assertDoesNotThrow(() -> policy.check("kowalczykowa2024!", EMAIL));
        assertDoesNotThrow(() -> policy.check(owner, EMAIL));
        // For the account whose address they come from: local-part pieces, a domain label, the address itself.
        assertRefused("too-guessable", "brzeczyszczykiewiczzebulon", owner);
        assertRefused("too-guessable", "kowalczykowa2024!", "anna@kowalczykowa.example");
        assertRefused("too-guessable", owner, owner);
    }

    @Test
    void theUserInputsAreTheLocalPartItsPiecesTheDomainAndItsLabels() {
        assertEquals(List.of("zebulon.brzeczyszczykiewicz", "zebulon", "brzeczyszczykiewicz",
                        "kowalczykowa.example", "kowalczykowa", "example", "zebulon.brzeczyszczykiewicz@kowalczykowa.example"),
                StrengthEstimate.userInputs("zebulon.brzeczyszczykiewicz@kowalczykowa.example"));
        // Pieces shorter than three characters would match nearly any password: left out.
        assertEquals(List.of("jo+x", "mail.example.de", "mail", "example", "jo+x@mail.example.de"),
                StrengthEstimate.userInputs("jo+x@mail.example.de"));
    }

    @Test
    void theRefusalNeverEchoesThePassword() {
        String password = "p4$$w0rdd4rkn3$$";
        ProblemException refused = assertThrows(ProblemException.class, () -> policy.check(password, EMAIL));
        String body = refused.problem().toJson().toString();
        assertFalse(body.contains(password), body);
        assertFalse(body.contains("d4rkn3"), body);
    }

    /**
     * zxcvbn's leet matcher runs one dictionary pass per combination of substitutions, and a
     * password full of leet characters has hundreds: unbounded, 128 such characters took seconds
     * of CPU. The estimate reads only as much of the password as a fixed work budget allows, so
     * even that password costs less than a small part of one bcrypt verify (about 290 ms).
     */
    @Test
    void theWorstCaseEstimateStaysFarBelowABcryptVerify() {
        String adversarial = "4@8({[<3967+1!|0$5%2".repeat(7).substring(0, PasswordPolicy.MAX_LENGTH);
        String plain = "correct horse battery staple ".repeat(5).substring(0, PasswordPolicy.MAX_LENGTH);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (String password : new String[] {adversarial, plain}) {
            long best = Long.MAX_VALUE;
            for (int run = 0; run < 5; run++) {
                long start = threads.getCurrentThreadCpuTime();
                try {
                    policy.check(password, EMAIL);
                } catch (ProblemException refusedOrNot) {
                    // The outcome does not matter here, only what it cost.
                }
                best = Math.min(best, threads.getCurrentThreadCpuTime() - start);
            }
            assertTrue(best < 50_000_000L, "one check took " + best / 1_000_000 + " ms of CPU");
        }
        assertTrue(StrengthEstimate.work(StrengthEstimate.estimatedPart(adversarial)) <= StrengthEstimate.WORK_BUDGET);
    }

    @Test
    void onlyAPrefixWithinTheBudgetIsEstimatedAndWhatFollowsIsNotCredited() {
        // 64 repeated characters, then random-looking ones the estimate never reaches: refused (it
        // fails closed, crediting nothing it did not read), though the whole would have scored 4.
        assertRefused("too-guessable", "a".repeat(64) + "Xq9#vL2!mK7$pR4@");
        String plain = "correct horse battery staple ".repeat(5).substring(0, PasswordPolicy.MAX_LENGTH);
        assertEquals(StrengthEstimate.MAX_ESTIMATED_CODE_POINTS, StrengthEstimate.estimatedPart(plain).length());
        // A surrogate pair is never split.
        String emoji = "\uD83D\uDE00".repeat(70);
        String part = StrengthEstimate.estimatedPart(emoji);
        assertEquals(part.codePointCount(0, part.length()) * 2, part.length());
    }

    private static void assertRefused(String rule, String password) {
        assertRefused(rule, password, EMAIL);
    }

    private static void assertRefused(String rule, String password, String email) {
        ProblemException refused = assertThrows(ProblemException.class, () -> policy.check(password, email), password);
        Problem problem = refused.problem();
        assertEquals(400, problem.status());
        assertEquals("urn:latchkey:problem:weak-password", problem.type());
        assertEquals(rule, problem.members().get("rule"), password);
        assertFalse(problem.detail().contains(password));
    }
}

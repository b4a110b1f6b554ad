package dev.latchkey.password;

import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemException;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * The rules a new password must meet (NIST SP 800-63B and OWASP ASVS 2.1): length, not being a
 * commonly used or known-breached password, and not being easy to guess (a zxcvbn score of at
 * least {@code latchkey.password.min-strength}, with the account's own e-mail parts counted as
 * words an attacker knows). No composition rules: they push users to predictable patterns.
 *
 * <p>A refusal is a 400 {@code urn:latchkey:problem:weak-password} whose {@code rule} member names
 * the rule that failed ({@link Rule}), with a fixed detail: the password is never echoed. The rules
 * run in the order of {@link Rule}, cheapest first, and the first that fails is the one named.
 *
 * <p>Both word lists ship in the WAR (docs/password-lists.md) and are loaded once into a hash set;
 * only entries long enough to pass the length rule are kept, since the rest can never match.
 */
@ApplicationScoped
public class PasswordPolicy {

    /** Counted in Unicode code points after normalization, so emoji and accents count as one each. */
    public static final int MIN_LENGTH = 12;
    public static final int MAX_LENGTH = 128;

    /** Longer input is refused before any Unicode normalization runs (NFKC of kilobytes of combining marks is slow). */
    public static final int MAX_INPUT_CHARS = 4 * MAX_LENGTH;

    static final String COMMON_PASSWORDS = "/dev/latchkey/password/common-passwords.txt";
    static final String BREACHED_PASSWORDS = "/dev/latchkey/password/breached-passwords.txt";

    /** The rules, in the order they are checked; {@link #code()} is the problem's {@code rule} member. */
    public enum Rule {
        TOO_SHORT("too-short", "The password must be at least " + MIN_LENGTH + " characters long."),
        TOO_LONG("too-long", "The password must be at most " + MAX_LENGTH + " characters long."),
        CONTROL_CHARACTERS("control-characters", "The password must not contain control characters."),
        COMMON("common", "This password is too common. Choose one that is not on lists of frequently used passwords."),
        BREACHED("breached", "This password is known from data breaches. Choose one that has never been used elsewhere."),
        TOO_GUESSABLE("too-guessable", "This password is too easy to guess: it follows a known pattern (keyboard"
                + " walks, repeats, sequences, dates, words with look-alike characters) or uses parts of the e-mail"
                + " address. A few unrelated words make a strong passphrase.");

        private final String code;
        private final String detail;

        Rule(String code, String detail) {
            this.code = code;
            this.detail = detail;
        }

        public String code() {
            return code;
        }
    }

    @Inject
    PasswordSettings settings;

    private PasswordList commonPasswords;
    private PasswordList breachedPasswords;
    private StrengthEstimate strength;

    /** Outside the container (unit tests, benchmarks): the policy with these settings, loaded. */
    static PasswordPolicy create(PasswordSettings settings) {
        PasswordPolicy policy = new PasswordPolicy();
        policy.settings = settings;
        policy.load();
        return policy;
    }

    @PostConstruct
    void load() {
        commonPasswords = PasswordList.fromResource(COMMON_PASSWORDS, MIN_LENGTH);
        breachedPasswords = PasswordList.fromResource(BREACHED_PASSWORDS, MIN_LENGTH);
        strength = new StrengthEstimate();
    }

    /** Created at boot, not at the first request: a missing word list then stops the deployment. */
    void startAtBoot(@Observes @Initialized(ApplicationScoped.class) Object started) {
        // Observing the event is what creates the bean; nothing else to do.
    }

    /**
     * @param password the proposed password, as the client sent it
     * @param email    the normalized e-mail address of the account it is for (the address being
     *                 registered, or the account's own): its parts count as easy to guess
     * @throws ProblemException 400 naming the rule that failed, never echoing the password
     */
    public void check(String password, String email) {
        if (password.length() > MAX_INPUT_CHARS) {
            throw rejected(Rule.TOO_LONG);
        }
        String normalized = Passwords.normalize(password);
        int length = normalized.codePointCount(0, normalized.length());
        if (length < MIN_LENGTH) {
            throw rejected(Rule.TOO_SHORT);
        }
        if (length > MAX_LENGTH) {
            throw rejected(Rule.TOO_LONG);
        }
        if (normalized.codePoints().anyMatch(Character::isISOControl)) {
            throw rejected(Rule.CONTROL_CHARACTERS);
        }
        if (commonPasswords.contains(normalized)) {
            throw rejected(Rule.COMMON);
        }
        if (breachedPasswords.contains(normalized)) {
            throw rejected(Rule.BREACHED);
        }
        if (settings.minStrength() > 0 && strength.score(normalized, email) < settings.minStrength()) {
            throw rejected(Rule.TOO_GUESSABLE);
        }
    }

    private static ProblemException rejected(Rule rule) {
        return new ProblemException(Problem.of(400, "weak-password", "Bad Request", rule.detail)
                .withMember("rule", rule.code));
    }
}

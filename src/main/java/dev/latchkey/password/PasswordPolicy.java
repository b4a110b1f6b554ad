package dev.latchkey.password;

import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemException;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;

/**
 * The rules a new password must meet (NIST SP 800-63B and OWASP ASVS 2.1): length, and not being
 * a commonly used or known-breached password. No composition rules: they push users to
 * predictable patterns.
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

    private PasswordList commonPasswords;
    private PasswordList breachedPasswords;

    @PostConstruct
    void load() {
        commonPasswords = PasswordList.fromResource(COMMON_PASSWORDS, MIN_LENGTH);
        breachedPasswords = PasswordList.fromResource(BREACHED_PASSWORDS, MIN_LENGTH);
    }

    /** Created at boot, not at the first request: a missing word list then stops the deployment. */
    void startAtBoot(@Observes @Initialized(ApplicationScoped.class) Object started) {
        // Observing the event is what creates the bean; nothing else to do.
    }

    /**
     * @throws ProblemException 400 naming the rule that failed, never echoing the password
     */
    public void check(String password) {
        if (password.length() > MAX_INPUT_CHARS) {
            throw rejected("The password must be between " + MIN_LENGTH + " and " + MAX_LENGTH + " characters long.");
        }
        String normalized = Passwords.normalize(password);
        int length = normalized.codePointCount(0, normalized.length());
        if (length < MIN_LENGTH || length > MAX_LENGTH) {
            throw rejected("The password must be between " + MIN_LENGTH + " and " + MAX_LENGTH + " characters long.");
        }
        if (normalized.codePoints().anyMatch(Character::isISOControl)) {
            throw rejected("The password must not contain control characters.");
        }
        if (commonPasswords.contains(normalized) || breachedPasswords.contains(normalized)) {
            throw rejected("This password is too common. Choose one that is not on lists of frequently used passwords.");
        }
    }

    private static ProblemException rejected(String detail) {
        return new ProblemException(Problem.of(400, "weak-password", "Bad Request", detail));
    }
}

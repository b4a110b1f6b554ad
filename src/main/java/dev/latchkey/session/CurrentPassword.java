package dev.latchkey.session;

import dev.latchkey.account.UserAccount;
import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.password.PasswordHasher;
import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemException;
import dev.latchkey.ratelimit.RateLimiter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Re-authentication: the account's current password, asked again before an action that changes
 * how the account is protected (a password change, a second factor added or removed).
 */
@ApplicationScoped
public class CurrentPassword {

    @Inject
    PasswordHasher hasher;

    @Inject
    RateLimiter rateLimiter;

    @Inject
    AuditLog audit;

    /**
     * The same per-account failure budget as login, taken before the hash is checked and given
     * back only when the password was right: whoever holds a session (an XSS payload keeping one
     * alive, say) gets no more guesses at the password than a stranger at login.
     *
     * @param event the action, for the audit line of a refusal
     * @throws ProblemException 429 when the budget is spent; 403 {@code wrong-current-password}
     */
    public void confirm(UserAccount account, String password, AuditEvent event, ClientInfo client) {
        takeAttempt(account, event, client);
        if (hasher.verify(password, account.passwordHash()) == PasswordHasher.Outcome.MISMATCH) {
            audit.record(event, "failure_wrong_password", account.id(), null, client);
            throw new ProblemException(Problem.of(403, "wrong-current-password", "Forbidden",
                    "The current password is incorrect."));
        }
        attemptSucceeded(account);
    }

    /**
     * One guess at something only the owner knows (the password, a second-factor code) from the
     * account's one failure budget, the budget login uses, given back by {@link #attemptSucceeded}.
     *
     * @throws ProblemException 429 when the budget is spent
     */
    public void takeAttempt(UserAccount account, AuditEvent event, ClientInfo client) {
        try {
            rateLimiter.checkPasswordAttempt(account.email());
        } catch (ProblemException throttled) {
            audit.record(event, "refused_throttled", account.id(), null, client);
            throw throttled;
        }
    }

    /** The guess was right, so it was not a failure: its token goes back. */
    public void attemptSucceeded(UserAccount account) {
        rateLimiter.passwordAttemptSucceeded(account.email());
    }
}

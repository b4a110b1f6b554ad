package dev.latchkey.session;

import dev.latchkey.account.OneTimeToken;
import dev.latchkey.account.OneTimeTokens;
import dev.latchkey.account.SecurityNotices;
import dev.latchkey.account.UserAccount;
import dev.latchkey.account.UserAccountRepository;
import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.password.PasswordHasher;
import dev.latchkey.password.PasswordPolicy;
import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemException;
import dev.latchkey.ratelimit.RateLimiter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.time.Instant;

/**
 * Changes a password and ends every session that knew the old one. The caller's own session
 * ends too and is replaced by a new one, so that every token issued before the change, in any
 * session, is dead by session id as well as by the user's not-before time.
 */
@ApplicationScoped
public class PasswordChangeService {

    @Inject
    UserAccountRepository accounts;

    @Inject
    PasswordHasher hasher;

    @Inject
    PasswordPolicy policy;

    @Inject
    SessionService sessions;

    @Inject
    RateLimiter rateLimiter;

    @Inject
    AuditLog audit;

    @Inject
    OneTimeTokens oneTimeTokens;

    @Inject
    SecurityNotices notices;

    @Inject
    Clock clock;

    /** @param callerFamilyId the caller's session: the new session is remembered if it was */
    @Transactional
    public SessionTokens change(String userId, String callerFamilyId, String currentPassword, String newPassword,
                                ClientInfo client) {
        // The account's lock first, held to the end: a login that verified the old password
        // waits, then sees the new password state and is refused (SessionService.startAfterLogin).
        UserAccount user = accounts.lockForUpdate(userId).filter(UserAccount::isActive)
                .orElseThrow(() -> new ProblemException(Problem.of(401, "unauthorized", "Unauthorized",
                        "The account no longer exists or is disabled.")));
        // The same per-account failure budget as login, taken before the hash is checked and
        // given back only when the password was right: whoever holds a session (an XSS payload
        // keeping one alive, say) gets no more guesses at the password than a stranger at login.
        try {
            rateLimiter.checkPasswordAttempt(user.email());
        } catch (ProblemException throttled) {
            audit.record(AuditEvent.PASSWORD_CHANGE, "refused_throttled", userId, null, client);
            throw throttled;
        }
        if (hasher.verify(currentPassword, user.passwordHash()) == PasswordHasher.Outcome.MISMATCH) {
            audit.record(AuditEvent.PASSWORD_CHANGE, "failure_wrong_password", userId, null, client);
            throw new ProblemException(Problem.of(403, "wrong-current-password", "Forbidden",
                    "The current password is incorrect."));
        }
        rateLimiter.passwordAttemptSucceeded(user.email());
        policy.check(newPassword, user.email());
        String newHash = hasher.hash(newPassword);
        Instant now = clock.instant();
        accounts.update(userId, account -> account.changePassword(newHash, now));
        boolean rememberMe = sessions.isRemembered(callerFamilyId);
        sessions.endAllSessions(userId, TokenFamily.RevocationReason.PASSWORD_CHANGED, AuditEvent.PASSWORD_CHANGE, client);
        // A reset link mailed before the change must not undo it.
        oneTimeTokens.invalidateAll(OneTimeToken.Purpose.PASSWORD_RESET, userId);
        notices.passwordChanged(user, now);
        return sessions.start(user, rememberMe, client);
    }
}

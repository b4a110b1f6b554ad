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
import dev.latchkey.security.AuthenticatedCaller;
import dev.latchkey.token.AuthenticationMethods;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

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
    CurrentPassword reauthentication;

    @Inject
    AuditLog audit;

    @Inject
    OneTimeTokens oneTimeTokens;

    @Inject
    SecurityNotices notices;

    @Inject
    Clock clock;

    /**
     * @param caller the caller's session: the new session is remembered if it was, and keeps the
     *               authentication methods of its login
     */
    @Transactional
    public SessionTokens change(AuthenticatedCaller caller, String currentPassword, String newPassword, ClientInfo client) {
        String userId = caller.token().subject();
        // The account's lock first, held to the end: a login that verified the old password
        // waits, then sees the new password state and is refused (SessionService.startAfterLogin).
        UserAccount user = accounts.lockForUpdate(userId).filter(UserAccount::isActive)
                .orElseThrow(() -> new ProblemException(Problem.of(401, "unauthorized", "Unauthorized",
                        "The account no longer exists or is disabled.")));
        caller.requireSecondFactorWhen(user.isMfaEnabled());
        reauthentication.confirm(user, currentPassword, AuditEvent.PASSWORD_CHANGE, client);
        policy.check(newPassword, user.email());
        String newHash = hasher.hash(newPassword);
        Instant now = clock.instant();
        accounts.update(userId, account -> account.changePassword(newHash, now));
        boolean rememberMe = sessions.isRemembered(caller.token().familyId());
        Optional<String> boundKey = sessions.boundKeyOf(caller.token().familyId());
        List<String> amr = caller.token().hasSecondFactor() ? caller.token().amr() : AuthenticationMethods.PASSWORD_ONLY;
        sessions.endAllSessions(userId, TokenFamily.RevocationReason.PASSWORD_CHANGED, AuditEvent.PASSWORD_CHANGE, client);
        // A reset link mailed before the change must not undo it.
        oneTimeTokens.invalidateAll(OneTimeToken.Purpose.PASSWORD_RESET, userId);
        notices.passwordChanged(user, now);
        // The new session stays bound to the caller's DPoP key, if theirs was: the proof that came
        // with this request was the access token's (when access tokens are bound) and is used up.
        return sessions.start(user, rememberMe, amr, client, boundKey);
    }
}

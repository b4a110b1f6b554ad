package dev.latchkey.recovery;

import dev.latchkey.account.AfterTheAnswer;
import dev.latchkey.account.EmailAddress;
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
import dev.latchkey.problem.ProblemException;
import dev.latchkey.ratelimit.RateLimiter;
import dev.latchkey.session.SessionService;
import dev.latchkey.session.TokenFamily;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.time.Instant;

/**
 * Forgotten passwords (OWASP Forgot Password cheat sheet): a reset link by mail to an active
 * account, and the reset itself, which ends every session like logout-all does and signs nobody in.
 */
@ApplicationScoped
public class PasswordRecoveryService {

    @Inject
    AfterTheAnswer afterTheAnswer;

    @Inject
    ResetLinkMailer mailer;

    @Inject
    UserAccountRepository accounts;

    @Inject
    OneTimeTokens tokens;

    @Inject
    PasswordPolicy policy;

    @Inject
    PasswordHasher hasher;

    @Inject
    SessionService sessions;

    @Inject
    RateLimiter rateLimiter;

    @Inject
    SecurityNotices notices;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    /**
     * Accepts a request for a reset link. Everything that depends on the address (looking it up,
     * issuing a token, queuing the mail) happens after the answer ({@link AfterTheAnswer}): the
     * request's status, body and timing are the same for an active, disabled or unknown address.
     *
     * @throws ProblemException 400 for a malformed address, 429 over the client's budget: both
     *                          depend only on the input and the client, never on the address
     */
    public void requestReset(String email, ClientInfo client) {
        String normalized = EmailAddress.normalizeOrRefuse(email);
        rateLimiter.checkAccountMailClient(client.ip());
        afterTheAnswer.run(() -> mailer.sendIfActive(normalized, client));
    }

    /**
     * Sets a new password with a reset token: the token is used up, the address counts as
     * verified (the link reached it), every other reset link dies, and every session and access
     * token of the account ends. Any failure rolls all of it back, the token's use included, so a
     * password the policy refuses leaves the link working.
     */
    @Transactional
    public void reset(String token, String newPassword, ClientInfo client) {
        String userId = tokens.redeem(OneTimeToken.Purpose.PASSWORD_RESET, token)
                .orElseThrow(() -> new ProblemException(OneTimeTokens.INVALID));
        // The account's lock, as a password change takes it: a login that verified the old
        // password in the meantime waits, then sees the new password state and is refused.
        UserAccount account = accounts.lockForUpdate(userId).filter(UserAccount::isActive)
                .orElseThrow(() -> new ProblemException(OneTimeTokens.INVALID));
        policy.check(newPassword, account.email());
        String newHash = hasher.hash(newPassword);
        Instant now = clock.instant();
        accounts.update(userId, changed -> {
            changed.changePassword(newHash, now);
            changed.markEmailVerified(now);
        });
        tokens.invalidateAll(OneTimeToken.Purpose.PASSWORD_RESET, userId);
        sessions.endAllSessions(userId, TokenFamily.RevocationReason.PASSWORD_CHANGED, AuditEvent.PASSWORD_RESET, client);
        notices.passwordChanged(account, now);
    }
}

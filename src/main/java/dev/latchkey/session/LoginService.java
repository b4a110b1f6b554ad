package dev.latchkey.session;

import dev.latchkey.account.EmailAddress;
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
import dev.latchkey.session.SessionMeters.LoginOutcome;
import dev.latchkey.token.AuthenticationMethods;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Checks credentials and starts a session. */
@ApplicationScoped
public class LoginService {

    private static final Logger LOG = Logger.getLogger(LoginService.class.getName());

    @Inject
    UserAccountRepository accounts;

    @Inject
    PasswordHasher hasher;

    @Inject
    SessionService sessions;

    @Inject
    AuditLog audit;

    @Inject
    RateLimiter rateLimiter;

    @Inject
    Clock clock;

    @Inject
    Event<PasswordVerified> passwordVerified;

    @Inject
    LoginChallenges challenges;

    @Inject
    SessionMeters meters;

    /**
     * @throws ProblemException 401 with one and the same problem for an unknown address, a wrong
     *                          password and a disabled account, after the same amount of work
     * @param boundKey the thumbprint of the DPoP key the session is to be bound to, if any (a
     *                 login that needs a second factor binds at {@code /auth/login/mfa} instead)
     * @return the session, or, for an account with a second factor, the challenge that
     *         {@code /auth/login/mfa} completes (the password was right, but it is not enough)
     */
    public LoginResult login(String email, String password, boolean rememberMe, ClientInfo client, Optional<String> boundKey) {
        if (password.length() > PasswordPolicy.MAX_INPUT_CHARS) {
            // No password this long was ever accepted, so no account can match it; refusing it
            // before any hashing says nothing about whether the account exists.
            meters.login(LoginOutcome.BAD_CREDENTIALS);
            throw invalidCredentials();
        }
        Optional<String> normalized = EmailAddress.normalize(email);
        // Before any hashing: a refused attempt costs next to nothing. Keyed by the address as
        // given when it is not a valid one, so malformed guesses are throttled too.
        String accountKey = normalized.orElse(email);
        try {
            rateLimiter.checkLogin(client.ip(), accountKey);
        } catch (ProblemException throttled) {
            // The lockout event of the audit trail: which account is not recorded, since the
            // address may not belong to any account (and is not ours to log).
            audit.record(AuditEvent.LOGIN_THROTTLED, "refused", null, null, client);
            meters.login(LoginOutcome.THROTTLED);
            throw throttled;
        }
        Optional<UserAccount> account = normalized.flatMap(accounts::findByEmail);
        if (account.isEmpty()) {
            // No account to check against: spend one password check anyway, so that the response
            // time does not tell an unknown address from a wrong password.
            hasher.verifyAgainstDummy(password);
            audit.record(AuditEvent.LOGIN, "failure_unknown_account", null, null, client);
            meters.login(LoginOutcome.BAD_CREDENTIALS);
            throw invalidCredentials();
        }
        UserAccount user = account.get();
        PasswordHasher.Outcome outcome = hasher.verify(password, user.passwordHash());
        if (outcome == PasswordHasher.Outcome.MISMATCH || !user.isActive()) {
            audit.record(AuditEvent.LOGIN, user.isActive() ? "failure_wrong_password" : "failure_disabled",
                    user.id(), null, client);
            meters.login(user.isActive() ? LoginOutcome.BAD_CREDENTIALS : LoginOutcome.DISABLED);
            throw invalidCredentials();
        }
        if (outcome == PasswordHasher.Outcome.MATCH_NEEDS_REHASH) {
            // The configured hash parameters changed since this password was stored; the plain
            // password is only ever available here, at a successful login.
            upgradeHashBestEffort(user.id(), hasher.hash(password));
        }
        PasswordVerified verified = new PasswordVerified(user, client);
        passwordVerified.fire(verified);
        user = verified.account();
        if (user.isMfaEnabled()) {
            // The password was right, so it gives back its token of the account's failure budget;
            // every code tried against the challenge takes one again (SecondFactorLogin).
            rateLimiter.loginSucceeded(accountKey);
            audit.record(AuditEvent.LOGIN, "second_factor_required", user.id(), null, client);
            meters.login(LoginOutcome.MFA_REQUIRED);
            return challenges.issue(user, rememberMe);
        }
        Optional<SessionTokens> started = sessions.startAfterLogin(user, rememberMe, AuthenticationMethods.PASSWORD_ONLY, client,
                boundKey);
        if (started.isEmpty()) {
            // The password was changed or the account disabled while this login checked the old
            // password: the same answer as a wrong password, which by now it is.
            audit.record(AuditEvent.LOGIN, "failure_account_changed", user.id(), null, client);
            meters.login(LoginOutcome.BAD_CREDENTIALS);
            throw invalidCredentials();
        }
        rateLimiter.loginSucceeded(accountKey);
        SessionTokens tokens = started.get();
        audit.record(AuditEvent.LOGIN, "success", user.id(), null, client);
        meters.login(LoginOutcome.SUCCESS);
        return tokens;
    }

    /**
     * Two logins of the same user may race to upgrade the same hash; the loser's optimistic-lock
     * failure must not fail its login, since the winner already stored an equivalent hash.
     */
    private void upgradeHashBestEffort(String userId, String upgraded) {
        try {
            accounts.update(userId, u -> u.upgradePasswordHash(upgraded, clock.instant()));
        } catch (RuntimeException lostRace) {
            LOG.log(Level.INFO, "Password hash upgrade skipped for user {0}: {1}",
                    new Object[] {userId, lostRace.getClass().getName()});
        }
    }

    static ProblemException invalidCredentials() {
        return new ProblemException(Problem.of(401, "invalid-credentials", "Unauthorized",
                "The e-mail address or password is incorrect."));
    }
}

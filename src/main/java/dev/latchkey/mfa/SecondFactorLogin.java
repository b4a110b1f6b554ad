package dev.latchkey.mfa;

import dev.latchkey.account.UserAccount;
import dev.latchkey.account.UserAccountRepository;
import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.crypto.TotpCodes;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemException;
import dev.latchkey.ratelimit.RateLimiter;
import dev.latchkey.session.CurrentPassword;
import dev.latchkey.session.LoginChallenges;
import dev.latchkey.session.SessionMeters.LoginOutcome;
import dev.latchkey.session.SessionMeters;
import dev.latchkey.session.SessionService;
import dev.latchkey.session.SessionTokens;
import dev.latchkey.token.AuthenticationMethods;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The second step of a login with a second factor ({@code POST /auth/login/mfa}). A guess costs
 * three budgets at once: the client's login budget, the challenge's 5 attempts, and the account's
 * failure budget, the one password guesses take from; so fresh challenges (which need the
 * password) buy no more guesses at codes than the account's back-off allows.
 */
@ApplicationScoped
public class SecondFactorLogin {

    /** Below this many unused recovery codes the response says how many are left. */
    static final int FEW_RECOVERY_CODES = 3;

    @Inject
    SessionMeters meters;

    @Inject
    LoginChallenges challenges;

    @Inject
    UserAccountRepository accounts;

    @Inject
    TotpCredentials credentials;

    @Inject
    RecoveryCodes recoveryCodes;

    @Inject
    CurrentPassword attempts;

    @Inject
    RateLimiter rateLimiter;

    @Inject
    SessionService sessions;

    @Inject
    AuditLog audit;

    /** A completed login: the session, and the recovery codes left when a recovery code was used and few remain. */
    public record Completed(SessionTokens tokens, OptionalInt recoveryCodesRemaining) {
    }

    /**
     * @param code         a TOTP code, or null when a recovery code is given
     * @param recoveryCode a recovery code, or null when a TOTP code is given
     * @param boundKey     the thumbprint of the DPoP key to bind the session to, if any
     * @throws ProblemException 401 with one identical problem for a wrong or used code and an
     *                          unknown, used, expired or exhausted challenge; 429 when a budget is
     *                          spent; 400 for input that cannot be a token or a code
     */
    public Completed complete(String mfaToken, String code, String recoveryCode, ClientInfo client, Optional<String> boundKey) {
        Optional<String> normalizedRecoveryCode = recoveryCode == null ? Optional.empty() : RecoveryCodes.normalize(recoveryCode);
        if (!LoginChallenges.hasValidShape(mfaToken) || (code != null && !TotpCodes.hasValidShape(code))
                || (recoveryCode != null && normalizedRecoveryCode.isEmpty())) {
            throw new ProblemException(Problem.of(400, "invalid-request", "Bad Request",
                    "mfa_token must be the token of the first step, code six digits, recovery_code a recovery code."));
        }
        rateLimiter.checkLoginClient(client.ip());
        LoginChallenges.Pending challenge = challenges.findLive(mfaToken).orElseThrow(this::refused);
        UserAccount account = accounts.findById(challenge.userId()).filter(UserAccount::isActive)
                .orElseThrow(this::refused);
        attempts.takeAttempt(account, AuditEvent.LOGIN_SECOND_FACTOR, client);
        boolean accepted = code != null
                ? credentials.acceptCode(account.id(), code)
                : recoveryCodes.redeem(account.id(), normalizedRecoveryCode.get());
        if (!accepted) {
            challenges.recordFailure(challenge);
            audit.record(AuditEvent.LOGIN_SECOND_FACTOR, code != null ? "failure_wrong_code" : "failure_wrong_recovery_code",
                    account.id(), null, client);
            throw refused();
        }
        attempts.attemptSucceeded(account);
        if (!challenges.complete(challenge) || !account.passwordChangedAt().equals(challenge.passwordChangedAt())) {
            audit.record(AuditEvent.LOGIN_SECOND_FACTOR, "failure_challenge_ended", account.id(), null, client);
            throw refused();
        }
        List<String> amr = code != null ? AuthenticationMethods.PASSWORD_AND_OTP : AuthenticationMethods.PASSWORD_AND_RECOVERY_CODE;
        SessionTokens tokens = sessions.startAfterLogin(account, challenge.rememberMe(), amr, client, boundKey)
                .orElseThrow(this::refused);
        audit.record(AuditEvent.LOGIN_SECOND_FACTOR, code != null ? "success" : "success_recovery_code", account.id(), null, client);
        meters.login(LoginOutcome.SUCCESS);
        OptionalInt remaining = OptionalInt.empty();
        if (code == null) {
            long left = recoveryCodes.remaining(account.id());
            remaining = left < FEW_RECOVERY_CODES ? OptionalInt.of((int) left) : OptionalInt.empty();
        }
        return new Completed(tokens, remaining);
    }

    /** Every refusal of a second step is a failed second factor, whatever the reason. */
    private ProblemException refused() {
        meters.login(LoginOutcome.MFA_FAILED);
        return new ProblemException(Problem.of(401, "invalid-mfa-challenge", "Unauthorized",
                "The code is wrong or used, or the sign-in expired. Sign in again."));
    }
}

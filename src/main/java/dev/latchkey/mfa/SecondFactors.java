package dev.latchkey.mfa;

import dev.latchkey.crypto.TotpCodes;
import dev.latchkey.account.SecurityNotices;
import dev.latchkey.account.SecurityNotices.SecondFactorChange;
import dev.latchkey.account.UserAccount;
import dev.latchkey.account.UserAccountRepository;
import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemException;
import dev.latchkey.security.AuthenticatedCaller;
import dev.latchkey.session.CurrentPassword;
import dev.latchkey.session.SessionService;
import dev.latchkey.session.TokenFamily;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * An account's second factor over its life: enrolment (pending until the first code), the
 * recovery codes, turning it off, and an administrator's reset. Every change takes the account's
 * row lock first, as password changes and logins do, and every change that adds or removes the
 * factor ends the account's other sessions, which did not prove it.
 */
@ApplicationScoped
public class SecondFactors {

    @Inject
    UserAccountRepository accounts;

    @Inject
    TotpCredentials credentials;

    @Inject
    RecoveryCodes recoveryCodes;

    @Inject
    CurrentPassword reauthentication;

    @Inject
    SessionService sessions;

    @Inject
    SecurityNotices notices;

    @Inject
    AuditLog audit;

    @Inject
    MfaSettings settings;


    @Inject
    Clock clock;

    /** What an authenticator app needs to add the account: shown once, at enrolment. */
    public record Enrolment(String secret, String otpauthUri, String qrSvg) {

        @Override
        public String toString() {
            return "Enrolment[secret hidden]";
        }
    }

    @Transactional
    public Enrolment enroll(AuthenticatedCaller caller, String password, ClientInfo client) {
        String userId = caller.token().subject();
        UserAccount account = lockActive(userId);
        reauthentication.confirm(account, password, AuditEvent.MFA_ENROLLMENT_STARTED, client);
        if (account.isMfaEnabled()) {
            throw new ProblemException(Problem.of(409, "mfa-already-enabled", "Conflict",
                    "Two-step sign-in is already on for this account; turn it off first to enrol another app."));
        }
        String secret = credentials.startPending(userId);
        String label = encode(settings.issuer()) + ":" + encode(account.email());
        String uri = "otpauth://totp/" + label + "?secret=" + secret + "&issuer=" + encode(settings.issuer())
                + "&algorithm=SHA1&digits=" + TotpCodes.DIGITS + "&period=" + TotpCodes.STEP.toSeconds();
        audit.record(AuditEvent.MFA_ENROLLMENT_STARTED, "success", userId, null, client);
        return new Enrolment(secret, uri, QrCodeSvg.of(uri));
    }

    /**
     * The pending enrolment's first code turns the factor on.
     *
     * @return the recovery codes, shown this once
     */
    @Transactional
    public List<String> confirm(AuthenticatedCaller caller, String code, ClientInfo client) {
        String userId = caller.token().subject();
        String callerFamilyId = caller.token().familyId();
        UserAccount account = lockActive(userId);
        reauthentication.takeAttempt(account, AuditEvent.MFA_ENABLED, client);
        if (account.isMfaEnabled() || !credentials.confirm(userId, code)) {
            audit.record(AuditEvent.MFA_ENABLED, "failure_wrong_code", userId, null, client);
            throw wrongCode();
        }
        reauthentication.attemptSucceeded(account);
        Instant now = clock.instant();
        accounts.update(userId, a -> a.enableMfa(now));
        List<String> codes = recoveryCodes.replace(userId);
        sessions.endOtherSessions(userId, callerFamilyId, TokenFamily.RevocationReason.SECOND_FACTOR_CHANGED);
        notices.secondFactorChanged(account, SecondFactorChange.ENABLED, now);
        audit.record(AuditEvent.MFA_ENABLED, "success", userId, callerFamilyId, client);
        return codes;
    }

    /** A fresh set of recovery codes; the old set dies. Needs the password and a current code. */
    @Transactional
    public List<String> replaceRecoveryCodes(AuthenticatedCaller caller, String password, String code, ClientInfo client) {
        String userId = caller.token().subject();
        UserAccount account = lockActive(userId);
        caller.requireSecondFactorWhen(account.isMfaEnabled());
        reauthentication.confirm(account, password, AuditEvent.MFA_RECOVERY_CODES_ISSUED, client);
        reauthentication.takeAttempt(account, AuditEvent.MFA_RECOVERY_CODES_ISSUED, client);
        if (!account.isMfaEnabled() || !credentials.acceptCode(userId, code)) {
            audit.record(AuditEvent.MFA_RECOVERY_CODES_ISSUED, "failure_wrong_code", userId, null, client);
            throw wrongCode();
        }
        reauthentication.attemptSucceeded(account);
        List<String> codes = recoveryCodes.replace(userId);
        notices.secondFactorChanged(account, SecondFactorChange.RECOVERY_CODES_REPLACED, clock.instant());
        audit.record(AuditEvent.MFA_RECOVERY_CODES_ISSUED, "success", userId, null, client);
        return codes;
    }

    /** Turns the factor off. Needs the password and a current code or an unused recovery code. */
    @Transactional
    public void disable(AuthenticatedCaller caller, String password, String code, ClientInfo client) {
        String userId = caller.token().subject();
        String callerFamilyId = caller.token().familyId();
        UserAccount account = lockActive(userId);
        caller.requireSecondFactorWhen(account.isMfaEnabled());
        reauthentication.confirm(account, password, AuditEvent.MFA_DISABLED, client);
        reauthentication.takeAttempt(account, AuditEvent.MFA_DISABLED, client);
        if (!account.isMfaEnabled() || !secondFactorAccepted(userId, code)) {
            audit.record(AuditEvent.MFA_DISABLED, "failure_wrong_code", userId, null, client);
            throw wrongCode();
        }
        reauthentication.attemptSucceeded(account);
        Instant now = clock.instant();
        removeFactor(account, now);
        sessions.endOtherSessions(userId, callerFamilyId, TokenFamily.RevocationReason.SECOND_FACTOR_CHANGED);
        notices.secondFactorChanged(account, SecondFactorChange.DISABLED, now);
        audit.record(AuditEvent.MFA_DISABLED, "success", userId, callerFamilyId, client);
    }

    /** An administrator removes a user's factor (a lost phone and lost codes); every session ends. */
    @Transactional
    public boolean resetByAdministrator(String userId, String adminId, ClientInfo client) {
        UserAccount account = accounts.lockForUpdate(userId).orElse(null);
        if (account == null) {
            return false;
        }
        Instant now = clock.instant();
        removeFactor(account, now);
        sessions.endAllSessionsByAdministrator(userId, TokenFamily.RevocationReason.SECOND_FACTOR_CHANGED,
                AuditEvent.ADMIN_MFA_RESET, adminId, client);
        notices.secondFactorChanged(account, SecondFactorChange.RESET_BY_ADMINISTRATOR, now);
        return true;
    }

    /** Part of erasing an account: the sealed secret and the recovery codes' hashes. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void forget(String userId) {
        credentials.removeAll(userId);
        recoveryCodes.removeAll(userId);
    }

    /** A TOTP code, or a recovery code in its place. */
    private boolean secondFactorAccepted(String userId, String code) {
        if (TotpCodes.hasValidShape(code)) {
            return credentials.acceptCode(userId, code);
        }
        return RecoveryCodes.normalize(code).map(normalized -> recoveryCodes.redeem(userId, normalized)).orElse(false);
    }

    private void removeFactor(UserAccount account, Instant now) {
        credentials.removeAll(account.id());
        recoveryCodes.removeAll(account.id());
        accounts.update(account.id(), a -> a.disableMfa(now));
    }

    private UserAccount lockActive(String userId) {
        return accounts.lockForUpdate(userId).filter(UserAccount::isActive)
                .orElseThrow(() -> new ProblemException(Problem.of(401, "unauthorized", "Unauthorized",
                        "The account no longer exists or is disabled.")));
    }

    static ProblemException wrongCode() {
        return new ProblemException(Problem.of(403, "invalid-mfa-code", "Forbidden",
                "The code is wrong, used or expired."));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

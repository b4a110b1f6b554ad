package dev.latchkey.admin;

import dev.latchkey.account.UserAccount;
import dev.latchkey.account.UserAccountRepository;
import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditTrail;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.keys.RecordSealer;
import dev.latchkey.mail.Outbox;
import dev.latchkey.mfa.SecondFactors;
import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemException;
import dev.latchkey.recovery.ResetLinkMailer;
import dev.latchkey.revocation.RevocationList;
import dev.latchkey.role.RoleNames;
import dev.latchkey.role.Roles;
import dev.latchkey.role.StaleRights;
import dev.latchkey.session.SessionService;
import dev.latchkey.session.TokenFamily;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Administrators' actions on other users' accounts. Every one is audited with the administrator
 * who took it ({@code actor}) and the account it was taken on ({@code user}), refusals included.
 */
@ApplicationScoped
public class AdminService {

    /** User ids are UUIDs; anything else from the path is not repeated in the audit log. */
    private static final Pattern USER_ID = Pattern.compile("[0-9a-fA-F-]{36}");

    /** The pseudonym purpose of an erased user's id in the audit trail. */
    private static final String ERASED_USER = "erased-user";

    @Inject
    UserAccountRepository accounts;

    @Inject
    SessionService sessions;

    @Inject
    AuditLog audit;

    @Inject
    Roles roles;

    @Inject
    StaleRights staleRights;

    @Inject
    ResetLinkMailer resetLinks;

    @Inject
    SecondFactors secondFactors;

    @Inject
    Outbox outbox;

    @Inject
    RevocationList revocations;

    @Inject
    RecordSealer sealer;

    @Inject
    AuditTrail auditTrail;

    @Inject
    Clock clock;

    /**
     * @param adminId the acting administrator's user id
     * @return false when there is no such user
     */
    @Transactional
    public boolean revokeTokens(String userId, String adminId, ClientInfo client) {
        // Under the account's lock, like every session start: a login racing this order either
        // starts its session first (and loses it here) or waits and starts it afterwards.
        if (accounts.lockForUpdate(userId).isEmpty()) {
            refused(AuditEvent.ADMIN_REVOKE_TOKENS, userId, adminId, client);
            return false;
        }
        sessions.endAllSessionsByAdministrator(userId, TokenFamily.RevocationReason.REVOKED_BY_ADMIN,
                AuditEvent.ADMIN_REVOKE_TOKENS, adminId, client);
        return true;
    }

    /**
     * Disabling is immediate: every session ends, every access token dies, and login refuses the account.
     *
     * @param adminId the acting administrator's user id
     * @return false when there is no such user
     */
    @Transactional
    public boolean disable(String userId, String adminId, ClientInfo client) {
        if (!accounts.update(userId, account -> account.disable(clock.instant()))) {
            refused(AuditEvent.ADMIN_DISABLE_USER, userId, adminId, client);
            return false;
        }
        sessions.endAllSessionsByAdministrator(userId, TokenFamily.RevocationReason.USER_DISABLED,
                AuditEvent.ADMIN_DISABLE_USER, adminId, client);
        return true;
    }

    /** Re-enables a disabled account; its owner signs in again (the sessions ended when it was disabled stay ended). */
    @Transactional
    public boolean enable(String userId, String adminId, ClientInfo client) {
        if (!accounts.update(userId, account -> account.enable(clock.instant()))) {
            refused(AuditEvent.ADMIN_ENABLE_USER, userId, adminId, client);
            return false;
        }
        audit.recordAdminAction(AuditEvent.ADMIN_ENABLE_USER, "success", adminId, userId, client);
        return true;
    }

    /**
     * Replaces the user's roles, under the account's lock; the transaction commits before the
     * caller cuts off the user's tokens ({@link #cutOffStaleRights}).
     *
     * @return false when there is no such user
     * @throws ProblemException 400 for a role that does not exist, 409 for an administrator
     *                          taking {@code admin} from themselves
     */
    @Transactional
    public boolean replaceRoles(String userId, Set<String> newRoles, String adminId, ClientInfo client) {
        if (accounts.lockForUpdate(userId).isEmpty()) {
            refused(AuditEvent.ADMIN_ROLES_CHANGED, userId, adminId, client);
            return false;
        }
        if (userId.equals(adminId) && !newRoles.contains(RoleNames.ADMIN)) {
            // Another administrator can still do it: this guards against locking everyone out by a slip.
            audit.recordRolesChange("refused_self_demotion", adminId, userId, roles.rolesOf(userId), List.copyOf(new TreeSet<>(newRoles)), client);
            throw new ProblemException(Problem.of(409, "self-demotion", "Conflict",
                    "You cannot take the admin role from yourself; another administrator can."));
        }
        List<String> before = roles.replace(userId, newRoles);
        audit.recordRolesChange("success", adminId, userId, before, List.copyOf(new TreeSet<>(newRoles)), client);
        return true;
    }

    /** After {@link #replaceRoles} committed: the user's tokens issued so far state the old roles. */
    public void cutOffStaleRights(String userId) {
        staleRights.cutOff(userId);
    }

    /**
     * Mails the user a password-reset link (the flow of {@code /auth/password/forgot}).
     *
     * @return false when there is no such user
     * @throws ProblemException 409 for a disabled account (enable it first), 429 when the
     *                          address's mail budget is spent
     */
    @Transactional
    public boolean sendPasswordReset(String userId, String adminId, ClientInfo client) {
        Optional<UserAccount> account = accounts.lockForUpdate(userId);
        if (account.isEmpty()) {
            refused(AuditEvent.ADMIN_PASSWORD_RESET, userId, adminId, client);
            return false;
        }
        if (!account.get().isActive()) {
            audit.recordAdminAction(AuditEvent.ADMIN_PASSWORD_RESET, "refused_disabled", adminId, userId, client);
            throw new ProblemException(Problem.of(409, "account-disabled", "Conflict",
                    "The account is disabled: enable it before sending a reset link."));
        }
        if (!resetLinks.sendForAdministrator(account.get())) {
            audit.recordAdminAction(AuditEvent.ADMIN_PASSWORD_RESET, "throttled_address", adminId, userId, client);
            throw new ProblemException(Problem.of(429, "too-many-requests", "Too Many Requests",
                    "Too many mails were sent to this address recently. Try again later.")
                    .withHeader("Retry-After", "3600"));
        }
        audit.recordAdminAction(AuditEvent.ADMIN_PASSWORD_RESET, "mail_queued", adminId, userId, client);
        return true;
    }

    /**
     * Erases the account: every session ends and every access token dies (by {@code sid:}), and
     * every row that names the user goes, in one transaction: the account and its role
     * assignments, one-time tokens, known devices, sessions and token history, logins waiting for
     * a second factor, the sealed TOTP secret and recovery codes, unsent mail, and the user's
     * {@code sub:} revocation entry. The erasure's own event names the user by a keyed pseudonym
     * only; the stored events that named the user are rewritten after the commit
     * ({@link #pseudonymizeStoredEvents}).
     *
     * @return false when there is no such user
     * @throws ProblemException 409 for an administrator erasing themselves
     */
    @Transactional
    public boolean erase(String userId, String adminId, ClientInfo client) {
        Optional<UserAccount> account = accounts.lockForUpdate(userId);
        if (account.isEmpty()) {
            refused(AuditEvent.ADMIN_ERASE_USER, userId, adminId, client);
            return false;
        }
        if (userId.equals(adminId)) {
            audit.recordAdminAction(AuditEvent.ADMIN_ERASE_USER, "refused_self", adminId, userId, client);
            throw new ProblemException(Problem.of(409, "self-erasure", "Conflict",
                    "You cannot erase your own account; another administrator can."));
        }
        sessions.forgetUser(userId);
        secondFactors.forget(userId);
        outbox.forget(userId);
        accounts.delete(account.get());
        revocations.forgetUser(userId);
        audit.recordErasure(adminId, sealer.pseudonym(ERASED_USER, userId), client);
        return true;
    }

    /**
     * After {@link #erase} committed (or for an id already erased, so that a retry finishes the
     * job): the stored events that name the user name the pseudonym instead.
     */
    public void pseudonymizeStoredEvents(String userId) {
        auditTrail.pseudonymize(userId, sealer.pseudonym(ERASED_USER, userId));
    }

    private void refused(AuditEvent event, String userId, String adminId, ClientInfo client) {
        audit.recordAdminAction(event, "refused_no_such_user", adminId, USER_ID.matcher(userId).matches() ? userId : null, client);
    }
}

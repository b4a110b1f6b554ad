package dev.latchkey.admin;

import dev.latchkey.account.UserAccountRepository;
import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.session.SessionService;
import dev.latchkey.session.TokenFamily;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.util.regex.Pattern;

/**
 * Administrators' actions on other users' accounts. Every one is audited with the administrator
 * who took it ({@code actor}) and the account it was taken on ({@code user}), refusals included.
 */
@ApplicationScoped
public class AdminService {

    /** User ids are UUIDs; anything else from the path is not repeated in the audit log. */
    private static final Pattern USER_ID = Pattern.compile("[0-9a-fA-F-]{36}");

    @Inject
    UserAccountRepository accounts;

    @Inject
    SessionService sessions;

    @Inject
    AuditLog audit;

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

    private void refused(AuditEvent event, String userId, String adminId, ClientInfo client) {
        audit.recordAdminAction(event, "refused_no_such_user", adminId, USER_ID.matcher(userId).matches() ? userId : null, client);
    }
}

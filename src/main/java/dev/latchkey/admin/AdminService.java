package dev.latchkey.admin;

import dev.latchkey.account.UserAccountRepository;
import dev.latchkey.audit.AuditEvent;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.session.SessionService;
import dev.latchkey.session.TokenFamily;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.time.Clock;

@ApplicationScoped
public class AdminService {

    @Inject
    UserAccountRepository accounts;

    @Inject
    SessionService sessions;

    @Inject
    Clock clock;

    /** @return false when there is no such user */
    @Transactional
    public boolean revokeTokens(String userId, ClientInfo admin) {
        if (accounts.findById(userId).isEmpty()) {
            return false;
        }
        sessions.endAllSessions(userId, TokenFamily.RevocationReason.REVOKED_BY_ADMIN, AuditEvent.ADMIN_REVOKE_TOKENS, admin);
        return true;
    }

    /** Disabling is immediate: every session ends, every access token dies, and login refuses the account. */
    @Transactional
    public boolean disable(String userId, ClientInfo admin) {
        if (!accounts.update(userId, account -> account.disable(clock.instant()))) {
            return false;
        }
        sessions.endAllSessions(userId, TokenFamily.RevocationReason.USER_DISABLED, AuditEvent.ADMIN_DISABLE_USER, admin);
        return true;
    }
}

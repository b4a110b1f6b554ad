package dev.latchkey.recovery;

import dev.latchkey.account.AccountLinks;
import dev.latchkey.account.AccountSettings;
import dev.latchkey.account.OneTimeToken;
import dev.latchkey.account.OneTimeTokens;
import dev.latchkey.account.UserAccount;
import dev.latchkey.account.UserAccountRepository;
import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.mail.MailTemplates;
import dev.latchkey.mail.Outbox;
import dev.latchkey.ratelimit.RateLimiter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.util.Map;
import java.util.Optional;

/** The part of a reset request that depends on the address, run after the HTTP answer. */
@ApplicationScoped
public class ResetLinkMailer {

    @Inject
    UserAccountRepository accounts;

    @Inject
    OneTimeTokens tokens;

    @Inject
    Outbox outbox;

    @Inject
    AccountSettings settings;

    @Inject
    AccountLinks links;

    @Inject
    RateLimiter rateLimiter;

    @Inject
    AuditLog audit;

    /** Issues a token and queues the link, in one transaction, if an active account has the address; else nothing. */
    @Transactional
    public void sendIfActive(String normalizedEmail, ClientInfo client) {
        if (!rateLimiter.tryAccountMailTo(normalizedEmail)) {
            audit.record(AuditEvent.PASSWORD_RESET_REQUESTED, "throttled_address", null, null, client);
            return;
        }
        Optional<UserAccount> account = accounts.findByEmail(normalizedEmail).filter(UserAccount::isActive);
        if (account.isEmpty()) {
            audit.record(AuditEvent.PASSWORD_RESET_REQUESTED, "no_active_account", null, null, client);
            return;
        }
        queueLink(account.get());
        audit.record(AuditEvent.PASSWORD_RESET_REQUESTED, "mail_queued", account.get().id(), null, client);
    }

    /**
     * An administrator sends the owner the same link the owner could ask for. The address's mail
     * budget applies all the same: an administrator's account must not become a way to flood a
     * mailbox.
     *
     * @return false when the address's budget is spent
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean sendForAdministrator(UserAccount account) {
        if (!rateLimiter.tryAccountMailTo(account.email())) {
            return false;
        }
        queueLink(account);
        return true;
    }

    private void queueLink(UserAccount account) {
        String token = tokens.issue(OneTimeToken.Purpose.PASSWORD_RESET, account.id(), settings.resetTokenLifetime());
        outbox.queue("password-reset", account.id(), MailTemplates.render("password-reset", account.email(), Map.of(
                "email", account.email(),
                "link", links.resetPassword(token),
                "minutes", String.valueOf(settings.resetTokenLifetime().toMinutes()))));
    }
}

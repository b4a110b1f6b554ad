package dev.latchkey.account;

import dev.latchkey.mail.MailTemplates;
import dev.latchkey.mail.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import java.time.Instant;
import java.util.Map;

/**
 * The security notices an account's owner gets by mail, each queued in the transaction of the
 * event it reports (so it is sent if and only if the event happened) and each switched by its own
 * {@code latchkey.account.notice.*} key. A notice carries the address and the time, never a token
 * and never a link that changes anything.
 */
@ApplicationScoped
public class SecurityNotices {

    @Inject
    Outbox outbox;

    @Inject
    AccountSettings settings;

    /** For code outside a container (unit tests). */
    public static SecurityNotices with(Outbox outbox, AccountSettings settings) {
        SecurityNotices notices = new SecurityNotices();
        notices.outbox = outbox;
        notices.settings = settings;
        return notices;
    }

    /** After a password change or reset. */
    @Transactional(TxType.MANDATORY)
    public void passwordChanged(UserAccount account, Instant when) {
        if (settings.noticePasswordChanged()) {
            queue("password-changed", account, when);
        }
    }

    /** When reuse of a refresh token ended one of the account's sessions (possible theft). */
    @Transactional(TxType.MANDATORY)
    public void refreshReuse(UserAccount account, Instant when) {
        if (settings.noticeRefreshReuse()) {
            queue("refresh-reuse", account, when);
        }
    }

    /**
     * A refresh of a session bound to a device's key (DPoP) came without that key: someone has a
     * copy of the session's refresh token. It was refused and the session goes on.
     */
    @Transactional(TxType.MANDATORY)
    public void refreshWithoutKey(UserAccount account, Instant when) {
        if (settings.noticeRefreshWithoutKey()) {
            queue("refresh-without-key", account, when);
        }
    }

    /**
     * A sign-in from a device the account has not used for 30 days ({@link KnownDevices}): what
     * the owner needs to recognise it, and how to end it.
     */
    @Transactional(TxType.MANDATORY)
    public void newSignIn(UserAccount account, SignInDevice device, String ip, String sessionId, Instant when) {
        if (settings.noticeNewSignIn()) {
            queue("new-sign-in", account, Map.of("email", account.email(), "time", MailTemplates.utcMinute(when),
                    "device", device.description(), "ip", String.valueOf(ip), "session", sessionId));
        }
    }

    /** The second factor was turned on, turned off (by the owner or an administrator), or its recovery codes replaced. */
    @Transactional(TxType.MANDATORY)
    public void secondFactorChanged(UserAccount account, SecondFactorChange change, Instant when) {
        if (settings.noticeSecondFactor()) {
            queue(change.template, account, when);
        }
    }

    /** What happened to an account's second factor, and the notice that says so. */
    public enum SecondFactorChange {
        ENABLED("mfa-enabled"), DISABLED("mfa-disabled"), RESET_BY_ADMINISTRATOR("mfa-reset"),
        RECOVERY_CODES_REPLACED("mfa-recovery-codes");

        private final String template;

        SecondFactorChange(String template) {
            this.template = template;
        }
    }

    private void queue(String template, UserAccount account, Instant when) {
        queue(template, account, Map.of("email", account.email(), "time", MailTemplates.utcMinute(when)));
    }

    private void queue(String template, UserAccount account, Map<String, String> values) {
        outbox.queue(template, account.id(), MailTemplates.render(template, account.email(), values));
    }
}

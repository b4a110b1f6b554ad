package dev.latchkey.account;

import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.mail.MailTemplates;
import dev.latchkey.mail.Outbox;
import dev.latchkey.ratelimit.RateLimiter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The writes of registration and verification that send mail, each in one transaction with the
 * mail it queues: a registration and its link, an account and its link, an attempt on a taken
 * address and the note to its owner.
 */
@ApplicationScoped
public class VerificationMailer {

    @PersistenceContext(unitName = "latchkey")
    EntityManager em;

    @Inject
    KnownDevices knownDevices;

    @Inject
    UserAccountRepository accounts;

    @Inject
    OneTimeTokens tokens;

    @Inject
    AccountLinks links;

    @Inject
    AccountSettings settings;

    @Inject
    Outbox outbox;

    @Inject
    RateLimiter rateLimiter;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    /**
     * With verification required: a pending registration and its link, or, for an address that
     * has an account, a note to the owner that carries no token. Both cost about the same writes.
     */
    @Transactional
    public void registerPending(String normalizedEmail, String passwordHash, ClientInfo client) {
        boolean mayMail = rateLimiter.tryAccountMailTo(normalizedEmail);
        Optional<UserAccount> existing = accounts.findByEmail(normalizedEmail);
        if (existing.isPresent()) {
            if (!mayMail) {
                audit.record(AuditEvent.REGISTRATION, "address_taken_throttled", existing.get().id(), null, client);
                return;
            }
            // Both paths write and queue one mail; the pending path's extra rows are cheap next to
            // the password hash every registration computes first.
            queueAttemptNote(existing.get(), client);
            return;
        }
        Instant now = clock.instant();
        PendingRegistration pending = new PendingRegistration(normalizedEmail, passwordHash, now,
                now.plus(settings.verificationTokenLifetime()));
        em.persist(pending);
        if (mayMail) {
            sendLink(pending.id(), normalizedEmail, null);
        }
        // Over the address's mail budget the registration waits without a link; a resend, once
        // the budget refills, sends one.
        audit.record(AuditEvent.REGISTRATION, mayMail ? "pending_verification" : "pending_verification_throttled",
                null, null, client);
    }

    /** Without verification required: the account at once, unverified, and its link. */
    @Transactional
    public void createAccount(UserAccount account, ClientInfo client) {
        accounts.insert(account);
        knownDevices.remember(account, client, clock.instant());
        if (rateLimiter.tryAccountMailTo(account.email())) {
            sendLink(account.id(), account.email(), account.id());
        }
        audit.record(AuditEvent.REGISTRATION, "success", account.id(), null, client);
    }

    /** An attempt to register an address that has an account: a note to its owner, no token. */
    @Transactional
    public void noticeAttempt(UserAccount existing, ClientInfo client) {
        // The same kind of write as a new registration's, so a taken address does not answer sooner.
        accounts.rewriteUnchanged(existing.id());
        if (rateLimiter.tryAccountMailTo(existing.email())) {
            queueAttemptNote(existing, client);
        }
    }

    private void queueAttemptNote(UserAccount existing, ClientInfo client) {
        outbox.queue("registration-attempt", existing.id(), MailTemplates.render("registration-attempt", existing.email(),
                Map.of("email", existing.email(), "time", MailTemplates.utcMinute(clock.instant()))));
        audit.record(AuditEvent.REGISTRATION, "address_taken", existing.id(), null, client);
    }

    /** A new link for the newest live pending registration of the address, or for its unverified account; else nothing. */
    @Transactional
    public void resendIfPending(String normalizedEmail, ClientInfo client) {
        if (!rateLimiter.tryAccountMailTo(normalizedEmail)) {
            audit.record(AuditEvent.EMAIL_VERIFICATION_RESENT, "throttled_address", null, null, client);
            return;
        }
        Optional<PendingRegistration> pending = em.createQuery("SELECT p FROM PendingRegistration p WHERE p.email = :email"
                        + " AND p.expiresAt > :now ORDER BY p.createdAt DESC", PendingRegistration.class)
                .setParameter("email", normalizedEmail)
                .setParameter("now", clock.instant())
                .setMaxResults(1)
                .getResultStream().findFirst();
        if (pending.isPresent()) {
            sendLink(pending.get().id(), normalizedEmail, null);
            audit.record(AuditEvent.EMAIL_VERIFICATION_RESENT, "pending_verification", null, null, client);
            return;
        }
        Optional<UserAccount> unverified = accounts.findByEmail(normalizedEmail)
                .filter(UserAccount::isActive).filter(account -> !account.isEmailVerified());
        if (unverified.isPresent()) {
            sendLink(unverified.get().id(), normalizedEmail, unverified.get().id());
            audit.record(AuditEvent.EMAIL_VERIFICATION_RESENT, "unverified_account", unverified.get().id(), null, client);
            return;
        }
        audit.record(AuditEvent.EMAIL_VERIFICATION_RESENT, "nothing_to_verify", null, null, client);
    }

    @Transactional(TxType.MANDATORY)
    void sendLink(String subjectId, String email, String userId) {
        String token = tokens.issue(OneTimeToken.Purpose.EMAIL_VERIFICATION, subjectId, settings.verificationTokenLifetime());
        outbox.queue("verify-email", userId, MailTemplates.render("verify-email", email, Map.of(
                "email", email,
                "link", links.verifyEmail(token),
                "hours", String.valueOf(settings.verificationTokenLifetime().toHours()))));
    }
}

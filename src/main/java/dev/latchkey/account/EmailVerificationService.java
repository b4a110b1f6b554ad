package dev.latchkey.account;

import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.problem.ProblemException;
import dev.latchkey.problem.UnreachableDependency;
import dev.latchkey.ratelimit.RateLimiter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.time.Instant;

/** Proof of address: using a verification link, and asking for a new one. */
@ApplicationScoped
public class EmailVerificationService {

    @PersistenceContext(unitName = "latchkey")
    EntityManager em;

    @Inject
    AfterTheAnswer afterTheAnswer;

    @Inject
    KnownDevices knownDevices;

    @Inject
    VerificationMailer mailer;

    @Inject
    OneTimeTokens tokens;

    @Inject
    UserAccountRepository accounts;

    @Inject
    RateLimiter rateLimiter;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    /**
     * Uses a verification link: a pending registration becomes the account (with the password and
     * roles chosen at registration), or an existing account becomes verified. Of two pending
     * registrations of one address, the first verified wins; the other's link is then invalid.
     */
    @Transactional
    public void verify(String token, ClientInfo client) {
        String subject = tokens.redeem(OneTimeToken.Purpose.EMAIL_VERIFICATION, token)
                .orElseThrow(() -> new ProblemException(OneTimeTokens.INVALID));
        Instant now = clock.instant();
        PendingRegistration pending = em.find(PendingRegistration.class, subject);
        if (pending == null) {
            if (!accounts.update(subject, account -> account.markEmailVerified(now))) {
                throw new ProblemException(OneTimeTokens.INVALID);
            }
            accounts.findById(subject).ifPresent(account -> knownDevices.remember(account, client, now));
            audit.record(AuditEvent.EMAIL_VERIFIED, "success", subject, null, client);
            return;
        }
        if (accounts.findByEmail(pending.email()).isPresent()) {
            throw new ProblemException(OneTimeTokens.INVALID);
        }
        UserAccount account = new UserAccount(pending.email(), pending.passwordHash(), now);
        account.markEmailVerified(now);
        try {
            accounts.insert(account);
        } catch (PersistenceException raced) {
            // A database that did not answer says nothing about the link, which stays good: that is
            // a 503 to retry, not "invalid".
            if (UnreachableDependency.of(raced).isPresent()) {
                throw raced;
            }
            // A concurrent verification of the same address won the unique index: first wins.
            throw new ProblemException(OneTimeTokens.INVALID);
        }
        knownDevices.remember(account, client, now);
        em.createQuery("DELETE FROM PendingRegistration p WHERE p.email = :email")
                .setParameter("email", pending.email())
                .executeUpdate();
        audit.record(AuditEvent.REGISTRATION, "verified", account.id(), null, client);
    }

    /**
     * Accepts a request for a new link. As for a password reset, everything that depends on the
     * address happens after the answer, so the answer is the same for pending, verified and
     * unknown addresses.
     */
    public void requestResend(String email, ClientInfo client) {
        String normalized = EmailAddress.normalizeOrRefuse(email);
        rateLimiter.checkAccountMailClient(client.ip());
        afterTheAnswer.run(() -> mailer.resendIfPending(normalized, client));
    }

    /** Deletes pending registrations whose link has expired. */
    @Transactional
    public int prunePending() {
        return em.createQuery("DELETE FROM PendingRegistration p WHERE p.expiresAt < :now")
                .setParameter("now", clock.instant())
                .executeUpdate();
    }
}

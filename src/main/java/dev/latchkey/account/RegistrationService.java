package dev.latchkey.account;

import dev.latchkey.http.ClientInfo;
import dev.latchkey.password.PasswordHasher;
import dev.latchkey.password.PasswordPolicy;
import dev.latchkey.problem.ProblemException;
import dev.latchkey.ratelimit.RateLimiter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.TransactionalException;

import java.time.Clock;
import java.util.Optional;

/** Registration, without revealing which addresses already have an account. */
@ApplicationScoped
public class RegistrationService {


    @Inject
    UserAccountRepository accounts;

    @Inject
    PasswordPolicy policy;

    @Inject
    PasswordHasher hasher;

    @Inject
    VerificationMailer mailer;

    @Inject
    AccountSettings settings;

    @Inject
    RateLimiter rateLimiter;

    @Inject
    Clock clock;

    /**
     * Registers the address: with verification required (the default) as a pending registration
     * that becomes the account when its mailed link is used, else as an unverified account at
     * once. A taken address gets a note to its owner instead, and the caller answers both the
     * same way; an existing account is never changed.
     *
     * @throws ProblemException 400 when the address is malformed or the password breaks the policy;
     *                          these depend only on the input, never on whether the account exists
     */
    public void register(String email, String password, ClientInfo client) {
        String normalized = EmailAddress.normalizeOrRefuse(email);
        policy.check(password, normalized);
        rateLimiter.checkAccountMailClient(client.ip());
        // The hash is computed whether or not the address is taken, so every path costs one
        // password hash, and every path queues one mail.
        String hash = hasher.hash(password);
        if (settings.requireVerifiedEmail()) {
            mailer.registerPending(normalized, hash, client);
            return;
        }
        Optional<UserAccount> existing = accounts.findByEmail(normalized);
        if (existing.isPresent()) {
            mailer.noticeAttempt(existing.get(), client);
            return;
        }
        UserAccount account = new UserAccount(normalized, hash, clock.instant());
        try {
            mailer.createAccount(account, client);
        } catch (PersistenceException | TransactionalException e) {
            // A concurrent registration of the same address won the unique index: the outcome is
            // the same as finding it taken. Anything else is a real failure.
            Optional<UserAccount> winner = accounts.findByEmail(normalized);
            if (winner.isEmpty()) {
                throw e;
            }
            mailer.noticeAttempt(winner.get(), client);
        }
    }
}

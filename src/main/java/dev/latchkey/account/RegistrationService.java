package dev.latchkey.account;

import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.password.PasswordHasher;
import dev.latchkey.password.PasswordPolicy;
import dev.latchkey.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.TransactionalException;

import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/** Creates accounts without revealing which addresses already have one. */
@ApplicationScoped
public class RegistrationService {

    static final Set<String> DEFAULT_ROLES = Set.of("user");

    @Inject
    UserAccountRepository accounts;

    @Inject
    PasswordPolicy policy;

    @Inject
    PasswordHasher hasher;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    /**
     * Registers the address, or silently does nothing when it is taken: the caller answers both
     * the same way, and an existing account is never changed.
     *
     * @throws ProblemException 400 when the address is malformed or the password breaks the policy;
     *                          these depend only on the input, never on whether the account exists
     */
    public void register(String email, String password, ClientInfo client) {
        String normalized = EmailAddress.normalize(email)
                .orElseThrow(() -> ProblemException.badRequest("The e-mail address is not valid."));
        policy.check(password, normalized);
        // The hash is computed whether or not the address is taken, so both paths cost one
        // password hash.
        String hash = hasher.hash(password);
        Optional<UserAccount> existing = accounts.findByEmail(normalized);
        if (existing.isPresent()) {
            // A new address costs an INSERT and a commit; without a write of its own, a taken
            // address would answer a few milliseconds sooner, which enough samples reveal. So it
            // gets a comparable write: one row rewritten unchanged and committed.
            accounts.rewriteUnchanged(existing.get().id());
            audit.record(AuditEvent.REGISTRATION, "address_taken", existing.get().id(), null, client);
            return;
        }
        UserAccount account = new UserAccount(normalized, hash, DEFAULT_ROLES, clock.instant());
        try {
            accounts.insert(account);
        } catch (PersistenceException | TransactionalException e) {
            // A concurrent registration of the same address won the unique index: the outcome is
            // the same as finding it taken. Anything else is a real failure.
            Optional<UserAccount> winner = accounts.findByEmail(normalized);
            if (winner.isEmpty()) {
                throw e;
            }
            audit.record(AuditEvent.REGISTRATION, "address_taken", winner.get().id(), null, client);
            return;
        }
        audit.record(AuditEvent.REGISTRATION, "success", account.id(), null, client);
    }
}

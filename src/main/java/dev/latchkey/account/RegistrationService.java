package dev.latchkey.account;

import dev.latchkey.password.PasswordHasher;
import dev.latchkey.password.PasswordPolicy;
import dev.latchkey.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.TransactionalException;

import java.time.Clock;
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
    Clock clock;

    /**
     * Registers the address, or silently does nothing when it is taken: the caller answers both
     * the same way, and an existing account is never changed.
     *
     * @throws ProblemException 400 when the address is malformed or the password breaks the policy;
     *                          these depend only on the input, never on whether the account exists
     */
    public void register(String email, String password) {
        String normalized = EmailAddress.normalize(email)
                .orElseThrow(() -> ProblemException.badRequest("The e-mail address is not valid."));
        policy.check(password);
        // The hash is computed whether or not the address is taken, so both paths cost one
        // password hash and take the same time.
        String hash = hasher.hash(password);
        if (accounts.findByEmail(normalized).isPresent()) {
            return;
        }
        try {
            accounts.insert(new UserAccount(normalized, hash, DEFAULT_ROLES, clock.instant()));
        } catch (PersistenceException | TransactionalException e) {
            // A concurrent registration of the same address won the unique index: the outcome is
            // the same as finding it taken. Anything else is a real failure.
            if (accounts.findByEmail(normalized).isEmpty()) {
                throw e;
            }
        }
    }
}

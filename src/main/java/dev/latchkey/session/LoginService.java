package dev.latchkey.session;

import dev.latchkey.account.EmailAddress;
import dev.latchkey.account.UserAccount;
import dev.latchkey.account.UserAccountRepository;
import dev.latchkey.password.PasswordHasher;
import dev.latchkey.token.AccessTokenIssuer;
import dev.latchkey.token.IssuedAccessToken;
import dev.latchkey.web.Problem;
import dev.latchkey.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.Optional;

/** Checks credentials and issues the tokens of a new session. */
@ApplicationScoped
public class LoginService {

    @Inject
    UserAccountRepository accounts;

    @Inject
    PasswordHasher hasher;

    @Inject
    AccessTokenIssuer issuer;

    @Inject
    Clock clock;

    /**
     * @throws ProblemException 401 with one and the same problem for an unknown address, a wrong
     *                          password and a disabled account, after the same amount of work
     */
    public IssuedAccessToken login(String email, String password) {
        Optional<UserAccount> account = EmailAddress.normalize(email).flatMap(accounts::findByEmail);
        if (account.isEmpty()) {
            // No account to check against: spend one password check anyway, so that the response
            // time does not tell an unknown address from a wrong password.
            hasher.verifyAgainstDummy(password);
            throw invalidCredentials();
        }
        UserAccount user = account.get();
        PasswordHasher.Outcome outcome = hasher.verify(password, user.passwordHash());
        if (outcome == PasswordHasher.Outcome.MISMATCH || !user.isActive()) {
            throw invalidCredentials();
        }
        if (outcome == PasswordHasher.Outcome.MATCH_NEEDS_REHASH) {
            // The configured hash parameters changed since this password was stored; the plain
            // password is only ever available here, at a successful login.
            accounts.upgradePasswordHash(user.id(), hasher.hash(password), clock.instant());
        }
        return issuer.issue(user.id(), user.roles());
    }

    static ProblemException invalidCredentials() {
        return new ProblemException(Problem.of(401, "invalid-credentials", "Unauthorized",
                "The e-mail address or password is incorrect."));
    }
}

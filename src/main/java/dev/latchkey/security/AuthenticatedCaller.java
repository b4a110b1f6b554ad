package dev.latchkey.security;

import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemException;
import dev.latchkey.token.VerifiedAccessToken;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.SecurityContext;

/** Who is calling, for resources behind the authentication mechanism. */
@RequestScoped
public class AuthenticatedCaller {

    @Inject
    SecurityContext securityContext;

    public TokenPrincipal principal() {
        return securityContext.getPrincipalsByType(TokenPrincipal.class).stream().findFirst()
                // Fail closed: a resource that needs a caller never runs without one.
                .orElseThrow(() -> new ProblemException(AuthenticationProblems.missing()));
    }

    public VerifiedAccessToken token() {
        return principal().token();
    }

    /**
     * Step-up: an action that could take a second factor off an account, or change what it
     * protects, needs a token from a login that used one, once the account has one. Otherwise a
     * password stolen together with a session from before the factor was added, or a session
     * started some other way, would be enough to remove the factor.
     *
     * @throws dev.latchkey.problem.ProblemException 403 {@code mfa-required}
     */
    public void requireSecondFactorWhen(boolean accountHasSecondFactor) {
        if (accountHasSecondFactor && !token().hasSecondFactor()) {
            throw new ProblemException(Problem.of(403, "mfa-required", "Forbidden",
                    "This action needs a sign-in with the account's second factor."));
        }
    }
}

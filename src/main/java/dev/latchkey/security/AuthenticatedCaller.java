package dev.latchkey.security;

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
                .orElseThrow(() -> new dev.latchkey.problem.ProblemException(AuthenticationProblems.missing()));
    }

    public VerifiedAccessToken token() {
        return principal().token();
    }
}

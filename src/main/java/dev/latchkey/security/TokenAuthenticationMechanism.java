package dev.latchkey.security;

import dev.latchkey.csrf.CsrfGuard;
import dev.latchkey.revocation.RevocationStateUnavailableException;
import dev.latchkey.token.TokenRejectedException;
import dev.latchkey.token.VerifiedAccessToken;
import dev.latchkey.web.CorsPolicy;
import dev.latchkey.web.Problem;
import dev.latchkey.web.ProblemException;
import dev.latchkey.web.SafeStackTrace;
import dev.latchkey.web.SecurityHeaders;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The application's one authentication mechanism: it takes the access token a request presents
 * (bearer header, or access cookie in cookie mode), has the one verifier check it, and refuses
 * it if the revocation list says so (a memory lookup: no database or network round trip); both
 * through {@link TrustedAccessTokens}.
 *
 * <p>It acts only on protected resources (the security constraints in web.xml, or a
 * programmatic {@code authenticate()}): public endpoints such as login and refresh never look at
 * an access token, so a stale one a client sends along cannot make them fail, and costs nothing.
 *
 * <p>A state-changing request authenticated by the access cookie must also pass the CSRF checks,
 * bound to the token's session; a bearer header needs none, as no other site can make a browser
 * send one.
 */
@ApplicationScoped
public class TokenAuthenticationMechanism implements HttpAuthenticationMechanism {

    private static final Logger LOG = Logger.getLogger(TokenAuthenticationMechanism.class.getName());

    private static final Set<String> STATE_CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

    @Inject
    PresentedCredentials credentials;

    @Inject
    TrustedAccessTokens trustedTokens;

    @Inject
    CsrfGuard csrf;

    @Inject
    CorsPolicy cors;

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
                                                HttpMessageContext context) {
        if (!context.isProtected() && !context.isAuthenticationRequest()) {
            return context.doNothing();
        }
        try {
            return authenticate(request, context);
        } catch (RevocationStateUnavailableException partitioned) {
            // In a minority partition this node may be missing revocations: refuse rather than
            // trust the token, and tell the client to come back (the load balancer should already
            // have taken this node out on its failing readiness check).
            return refuse(context, Problem.forStatus(503).withHeader("Retry-After", "5"));
        } catch (RuntimeException unexpected) {
            // Fail closed, and keep the container from logging the exception with its message.
            LOG.log(Level.SEVERE, "Authentication failed unexpectedly with {0}; request refused:\n{1}",
                    new Object[] {unexpected.getClass().getName(), SafeStackTrace.of(unexpected)});
            return refuse(context, AuthenticationProblems.rejected(TokenRejectedException.Reason.INVALID));
        }
    }

    private AuthenticationStatus authenticate(HttpServletRequest request, HttpMessageContext context) {
        Optional<PresentedCredentials.PresentedToken> presented;
        try {
            presented = credentials.from(request);
        } catch (PresentedCredentials.AmbiguousCredentialsException e) {
            return refuse(context, AuthenticationProblems.rejected(TokenRejectedException.Reason.INVALID));
        }
        if (presented.isEmpty()) {
            return refuse(context, AuthenticationProblems.missing());
        }
        VerifiedAccessToken token;
        try {
            token = trustedTokens.check(presented.get().value());
        } catch (TokenRejectedException e) {
            return refuse(context, AuthenticationProblems.rejected(e.reason()));
        }
        if (presented.get().source() == TokenPrincipal.Source.ACCESS_COOKIE && STATE_CHANGING.contains(request.getMethod())) {
            try {
                csrf.check(request, token.familyId());
            } catch (ProblemException forbidden) {
                return refuse(context, forbidden.problem());
            }
        }
        return context.notifyContainerAboutLogin(new TokenPrincipal(token, presented.get().source()), token.groups());
    }

    /** Ends the request before any filter runs, so it applies the headers the filters would have added. */
    private AuthenticationStatus refuse(HttpMessageContext context, Problem problem) {
        try {
            SecurityHeaders.applyTo(context.getResponse());
            cors.applyTo(context.getRequest(), context.getResponse());
            problem.writeTo(context.getResponse());
        } catch (IOException clientWentAway) {
            // Nothing to tell a client that is gone; the request is refused either way.
        }
        return AuthenticationStatus.SEND_FAILURE;
    }
}

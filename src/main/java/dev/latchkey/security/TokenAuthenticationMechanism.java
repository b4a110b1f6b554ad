package dev.latchkey.security;

import dev.latchkey.http.BoundedBody;
import dev.latchkey.http.HeaderSyntax;
import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemException;
import dev.latchkey.problem.ProblemWriter;
import dev.latchkey.problem.SafeStackTrace;
import dev.latchkey.revocation.RevocationStateUnavailableException;
import dev.latchkey.token.TokenRejectedException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The application's one authentication mechanism: it takes the access token a request presents
 * (bearer header, or access cookie in cookie mode), has the one verifier check it, and refuses
 * it if the revocation list says so (a memory lookup: no database or network round trip); all
 * through {@link RequestAuthentication}.
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

    @Inject
    RequestAuthentication authentication;

    @Inject
    ProblemWriter problems;

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
                                                HttpMessageContext context) {
        if (!context.isProtected() && !context.isAuthenticationRequest()) {
            return context.doNothing();
        }
        // The filters' check of the request head (RequestLimitFilter) comes after this mechanism,
        // so a protected resource makes it here first: a malformed head is a 400, not a 401.
        if (!HeaderSyntax.isWellFormed(request)) {
            // Its framing cannot be trusted, so its body is not read: the connection closes.
            return refuse(context, Problem.malformedHeader(), false);
        }
        try {
            TokenPrincipal caller = authentication.required(request);
            return context.notifyContainerAboutLogin(caller, caller.token().groups());
        } catch (ProblemException refused) {
            return refuse(context, refused.problem(), true);
        } catch (RevocationStateUnavailableException partitioned) {
            // In a minority partition this node may be missing revocations: refuse rather than
            // trust the token, and tell the client to come back (the load balancer should already
            // have taken this node out on its failing readiness check).
            return refuse(context, partitioned.problem(), true);
        } catch (RuntimeException unexpected) {
            // Fail closed, and keep the container from logging the exception with its message.
            LOG.log(Level.SEVERE, "Authentication failed unexpectedly with {0}; request refused:\n{1}",
                    new Object[] {unexpected.getClass().getName(), SafeStackTrace.of(unexpected)});
            return refuse(context, AuthenticationProblems.rejected(TokenRejectedException.Reason.INVALID), true);
        }
    }

    /** Ends the request before any filter runs; the writer adds the headers the filters would have. */
    private AuthenticationStatus refuse(HttpMessageContext context, Problem problem, boolean readTheBody) {
        try {
            if (readTheBody) {
                discardBody(context.getRequest());
            }
            problems.write(context.getRequest(), context.getResponse(), problem);
        } catch (IOException clientWentAway) {
            // Nothing to tell a client that is gone; the request is refused either way.
        }
        return AuthenticationStatus.SEND_FAILURE;
    }

    /**
     * Reads a refused request's body (as far as {@link BoundedBody} reads any body). WildFly's
     * Undertow calls {@code sendError} after a failed authentication unless the exchange is
     * complete, and an unread body leaves it incomplete: with the problem already committed, that
     * call throws, and the container logged an ERROR with a stack trace for every refused request
     * that carried a body (found by HttpFuzzIT on WildFly). A body larger than the limit, or too
     * slow, is left part unread, as is any body of a malformed request; their log records are
     * collapsed by {@link dev.latchkey.edge.ContainerLogNoise}'s rule for them.
     */
    private static void discardBody(HttpServletRequest request) throws IOException {
        if (request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null) {
            BoundedBody.read(request.getInputStream(), System::nanoTime);
        }
    }
}

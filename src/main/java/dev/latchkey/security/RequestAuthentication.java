package dev.latchkey.security;

import dev.latchkey.csrf.CsrfGuard;
import dev.latchkey.dpop.DpopProofs;
import dev.latchkey.problem.ProblemException;
import dev.latchkey.token.TokenRejectedException;
import dev.latchkey.token.VerifiedAccessToken;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;

import java.util.Optional;
import java.util.Set;

/**
 * The one sequence that turns a request into a caller: find the access token it presents, have
 * it checked (verifier and revocation list), and, when the access cookie authenticates a
 * state-changing request, run the CSRF checks bound to the token's session. The authentication
 * mechanism requires a caller; endpoints that act on a token when one comes along (logout) take
 * it optionally. Either way the checks are the same ones, in the same order.
 */
@ApplicationScoped
public class RequestAuthentication {

    private static final Set<String> STATE_CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

    @Inject
    PresentedCredentials credentials;

    @Inject
    TrustedAccessTokens trustedTokens;

    @Inject
    CsrfGuard csrf;

    @Inject
    DpopProofs dpop;

    /**
     * @throws ProblemException 401 for a missing, malformed or rejected token, 400
     *                          {@code ambiguous-credentials} for conflicting ones (the access cookie
     *                          twice, or beside another bearer token), 403 for a failed CSRF check;
     *                          nothing has been changed by then
     */
    public TokenPrincipal required(HttpServletRequest request) {
        Optional<PresentedCredentials.PresentedToken> presented;
        try {
            presented = credentials.from(request);
        } catch (PresentedCredentials.AmbiguousCredentialsException e) {
            if (e.conflicting()) {
                throw PresentedCredentials.ambiguousCredentials();
            }
            throw new ProblemException(AuthenticationProblems.rejected(TokenRejectedException.Reason.INVALID));
        }
        if (presented.isEmpty()) {
            throw new ProblemException(AuthenticationProblems.missing());
        }
        VerifiedAccessToken token;
        try {
            token = trustedTokens.check(presented.get().value());
        } catch (TokenRejectedException e) {
            throw new ProblemException(AuthenticationProblems.rejected(e.reason()));
        }
        checkSenderConstraint(request, presented.get(), token);
        return checkedForCsrf(request, new TokenPrincipal(token, presented.get().source()));
    }

    /**
     * The caller, when the request presents a good access token; empty when it presents none, or
     * one that is expired, forged or revoked (there is nothing left to act on).
     *
     * @throws ProblemException 400 {@code ambiguous-credentials} when the request presents its
     *                          access token ambiguously (two Authorization headers, a malformed
     *                          one, the access cookie twice or beside another bearer token): the
     *                          caller (logout) must not report success for a token it never read;
     *                          403 when the access cookie presents a good token but the request
     *                          fails the CSRF checks: a forged request is an attack, not "no caller";
     *                          401 when a DPoP-bound token comes without its proof, or a token with
     *                          the wrong scheme (see checkSenderConstraint)
     */
    public Optional<TokenPrincipal> optional(HttpServletRequest request) {
        Optional<PresentedCredentials.PresentedToken> presented;
        try {
            presented = credentials.from(request);
        } catch (PresentedCredentials.AmbiguousCredentialsException e) {
            throw PresentedCredentials.ambiguousCredentials();
        }
        if (presented.isEmpty()) {
            return Optional.empty();
        }
        VerifiedAccessToken token;
        try {
            token = trustedTokens.check(presented.get().value());
        } catch (TokenRejectedException expiredForgedOrRevoked) {
            return Optional.empty();
        }
        checkSenderConstraint(request, presented.get(), token);
        return Optional.of(checkedForCsrf(request, new TokenPrincipal(token, presented.get().source())));
    }

    /**
     * A token bound to a DPoP key ({@code cnf.jkt}) counts only with the DPoP scheme and a proof by
     * that key for this very request and token; an unbound token only without that scheme. Each
     * way round, the confusion is refused rather than the token downgraded or upgraded.
     *
     * @throws ProblemException 401 {@code invalid-token} for the wrong scheme, 401
     *                          {@code invalid-dpop-proof} or {@code use-dpop-nonce} for the proof
     */
    private void checkSenderConstraint(HttpServletRequest request, PresentedCredentials.PresentedToken presented,
                                       VerifiedAccessToken token) {
        boolean dpopScheme = presented.source() == TokenPrincipal.Source.DPOP_HEADER;
        if (token.boundKey().isPresent() != dpopScheme) {
            throw new ProblemException(AuthenticationProblems.wrongScheme(token.boundKey().isPresent()));
        }
        token.boundKey().ifPresent(key -> dpop.checkResourceRequest(request, presented.value(), key));
    }

    /** A bearer header needs no CSRF check: no other site can make a browser send one. */
    private TokenPrincipal checkedForCsrf(HttpServletRequest request, TokenPrincipal caller) {
        if (caller.source() == TokenPrincipal.Source.ACCESS_COOKIE && STATE_CHANGING.contains(request.getMethod())) {
            csrf.check(request, caller.token().familyId());
        }
        return caller;
    }
}

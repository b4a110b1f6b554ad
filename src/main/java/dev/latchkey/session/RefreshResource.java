package dev.latchkey.session;

import dev.latchkey.csrf.CsrfGuard;
import dev.latchkey.dpop.DpopProofs;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.http.CookieSettings;
import dev.latchkey.problem.ProblemException;
import dev.latchkey.ratelimit.RateLimiter;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Optional;

/**
 * POST /auth/refresh: the refresh cookie and the CSRF header in (and a DPoP proof, for a session
 * bound to a key), a new access token and rotated cookies out.
 */
@Path("/auth/refresh")
@RequestScoped
public class RefreshResource {

    @Inject
    SessionService sessions;

    @Inject
    SessionResponses responses;

    @Inject
    CookieSettings cookies;

    @Inject
    CsrfGuard csrf;

    @Inject
    RateLimiter rateLimiter;

    @Inject
    SessionMeters meters;

    @Inject
    DpopProofs dpop;

    @Context
    HttpServletRequest request;

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Response refresh() {
        rateLimiter.checkRefresh(ClientInfo.of(request).ip());
        String refreshToken = SessionResponses.refreshCookie(request, cookies).orElseThrow(() -> {
            meters.refresh(SessionMeters.RefreshOutcome.INVALID);
            return SessionService.invalidRefreshToken();
        });
        Optional<String> proofKey;
        try {
            proofKey = dpop.keyOfTokenRequest(request);
        } catch (ProblemException refused) {
            // Only a refused proof (401) counts as a failed one: a nonce challenge (400) is part
            // of the protocol, and a 503 says this node cannot check proofs just now.
            if (refused.problem().status() == 401) {
                meters.refresh(SessionMeters.RefreshOutcome.DPOP_FAILED);
            }
            throw refused;
        }
        return responses.issued(sessions.refresh(refreshToken, ClientInfo.of(request),
                familyId -> csrf.check(request, familyId), proofKey));
    }
}

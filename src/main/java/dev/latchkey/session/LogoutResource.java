package dev.latchkey.session;

import dev.latchkey.audit.AuditEvent;
import dev.latchkey.csrf.CsrfGuard;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.http.CookieSettings;
import dev.latchkey.security.AuthenticatedCaller;
import dev.latchkey.security.RequestAuthentication;
import dev.latchkey.security.TokenPrincipal;
import dev.latchkey.token.VerifiedAccessToken;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;

import java.util.Optional;

@Path("/auth")
@RequestScoped
public class LogoutResource {

    @Inject
    SessionService sessions;

    @Inject
    SessionResponses responses;

    @Inject
    RequestAuthentication authentication;

    @Inject
    CookieSettings cookies;

    @Inject
    CsrfGuard csrf;

    @Inject
    AuthenticatedCaller caller;

    @Context
    HttpServletRequest request;

    /**
     * Ends the session of whatever the request presents (refresh cookie, access token, or both)
     * and deletes the cookies. 204, so that it can be repeated safely; refused only for a failed
     * CSRF check on a cookie-carrying request (403), because a forged logout is an attack, and for
     * ambiguous credentials (400), because a logout that could not tell which session to end must
     * not say that it ended one.
     */
    @POST
    @Path("logout")
    public Response logout() {
        // Ambiguous credentials (400) and an access cookie that fails the CSRF checks (403) are
        // refused here, before anything changes: never a 204 for a session that was not ended.
        Optional<String> refreshToken = SessionResponses.refreshCookie(request, cookies);
        Optional<VerifiedAccessToken> accessToken = authentication.optional(request).map(TokenPrincipal::token);
        sessions.logout(accessToken, refreshToken, ClientInfo.of(request),
                familyId -> csrf.check(request, familyId));
        return responses.ended();
    }

    /** Protected (web.xml): every session of the caller ends, and every access token issued before now dies. */
    @POST
    @Path("logout-all")
    public Response logoutAll() {
        sessions.endAllSessions(caller.token().subject(), TokenFamily.RevocationReason.LOGOUT_ALL,
                AuditEvent.LOGOUT_ALL, ClientInfo.of(request));
        return responses.ended();
    }
}

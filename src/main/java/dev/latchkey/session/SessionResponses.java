package dev.latchkey.session;

import dev.latchkey.dpop.DpopProofs;
import dev.latchkey.http.CookieSettings;
import dev.latchkey.http.NoStore;
import dev.latchkey.http.SetCookie;
import dev.latchkey.json.JsonValues;
import dev.latchkey.security.PresentedCredentials;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.OptionalInt;
import java.util.OptionalLong;

/** The responses that hand out or take back a session's tokens: the body and the cookies together. */
@ApplicationScoped
public class SessionResponses {

    @Inject
    CookieSettings cookies;

    @Inject
    DpopProofs dpop;

    /**
     * The refresh token of the request's refresh cookie, read the one way refresh and logout both
     * read it.
     *
     * @throws dev.latchkey.problem.ProblemException 400 {@code ambiguous-credentials} when the
     *         cookie comes more than once: a planted duplicate must not make a refresh look like
     *         a missing token, nor a logout end nothing and answer 204
     */
    static java.util.Optional<String> refreshCookie(HttpServletRequest request, CookieSettings cookies) {
        if (SetCookie.presentedMoreThanOnce(request, cookies.refreshName())) {
            throw PresentedCredentials.ambiguousCredentials();
        }
        return SetCookie.read(request, cookies.refreshName());
    }

    /**
     * 200 with the OAuth 2.0-style token body and the session cookies. RFC 6749 5.1: nothing that
     * carries a token may be stored by a cache.
     */
    public Response issued(SessionTokens tokens) {
        return issued(tokens, OptionalInt.empty());
    }

    /**
     * The login response, and how many recovery codes are left when a recovery code completed it
     * and few remain, so that the client can tell its user to make new ones.
     */
    public Response issued(SessionTokens tokens, OptionalInt recoveryCodesRemaining) {
        // A browser session's cookies carry no Max-Age, so they die with the browser (the server
        // still ends the session at its absolute expiry); a remembered one's live until that expiry.
        OptionalLong sessionSeconds = tokens.persistent()
                ? OptionalLong.of(tokens.sessionRemaining().toSeconds()) : OptionalLong.empty();
        JsonObjectBuilder builder = JsonValues.createObjectBuilder()
                .add("access_token", tokens.accessToken().value())
                // RFC 9449 section 5: a bound access token is of type DPoP, and is used with that scheme.
                .add("token_type", tokens.accessToken().senderConstrained() ? "DPoP" : "Bearer")
                .add("expires_in", tokens.accessToken().expiresInSeconds())
                // When the session itself ends (seconds since the epoch, as a JWT's exp): a client
                // warns its user before then, which the access token's expiry cannot tell it.
                .add("session_expires_at", tokens.sessionExpiresAt().getEpochSecond())
                .add("session_idle_expires_at", tokens.idleExpiresAt().getEpochSecond());
        recoveryCodesRemaining.ifPresent(remaining -> builder.add("recovery_codes_remaining", remaining));
        JsonObject body = builder.build();
        Response.ResponseBuilder response = NoStore.applyTo(Response.ok(body, MediaType.APPLICATION_JSON_TYPE))
                .header(HttpHeaders.SET_COOKIE, cookies.csrfCookie(tokens.csrfToken(), sessionSeconds));
        // A bound access token is no use in a cookie: it is accepted only beside a proof, with the
        // DPoP scheme (security.RequestAuthentication).
        if (cookies.accessCookieEnabled() && !tokens.accessToken().senderConstrained()) {
            response.header(HttpHeaders.SET_COOKIE,
                    cookies.accessCookie(tokens.accessToken().value(), tokens.accessToken().expiresInSeconds()));
        }
        dpop.nonceToAnnounce().ifPresent(nonce -> response.header(DpopProofs.NONCE_HEADER, nonce));
        // The refresh cookie goes last: a minimal client that keeps only the last Set-Cookie of a
        // response (wrk's scripting, which bench/load uses, is one) still follows the rotation.
        return response.header(HttpHeaders.SET_COOKIE, cookies.refreshCookie(tokens.refreshToken(), sessionSeconds))
                .build();
    }

    /**
     * The first step of a login with a second factor: a challenge, and nothing that signs anyone
     * in (no token, no cookie).
     */
    public Response challenge(LoginChallenge challenge) {
        JsonObject body = JsonValues.createObjectBuilder()
                .add("mfa_required", true)
                .add("mfa_token", challenge.mfaToken())
                .add("expires_in", challenge.expiresIn().toSeconds())
                .build();
        return NoStore.applyTo(Response.ok(body, MediaType.APPLICATION_JSON_TYPE)).build();
    }

    /** 204 that deletes the session cookies: same name, path and attributes, Max-Age=0. */
    public Response ended() {
        Response.ResponseBuilder response = NoStore.applyTo(Response.noContent())
                .header(HttpHeaders.SET_COOKIE, cookies.refreshCookie("", 0))
                .header(HttpHeaders.SET_COOKIE, cookies.csrfCookie("", 0));
        if (cookies.accessCookieEnabled()) {
            response.header(HttpHeaders.SET_COOKIE, cookies.accessCookie("", 0));
        }
        return response.build();
    }
}

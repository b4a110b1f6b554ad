package dev.latchkey.security;

import dev.latchkey.token.AccessTokenVerifier;
import dev.latchkey.token.TokenRejectedException;
import dev.latchkey.token.VerifiedAccessToken;
import dev.latchkey.web.Problem;
import dev.latchkey.web.SecurityHeaders;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The application's one authentication mechanism: it accepts an access token from the
 * {@code Authorization: Bearer} header or, when cookie mode is on, from the access-token cookie,
 * and hands it to the one verifier.
 *
 * <p>It acts only on protected resources (the security constraints in web.xml, or a
 * programmatic {@code authenticate()}): public endpoints such as login and refresh never look at
 * an access token, so a stale one a client sends along cannot make them fail, and costs nothing.
 */
@ApplicationScoped
public class TokenAuthenticationMechanism implements HttpAuthenticationMechanism {

    private static final String BEARER_PREFIX = "bearer ";

    @Inject
    AccessTokenVerifier verifier;

    @Inject
    @ConfigProperty(name = "latchkey.cookie.access.enabled", defaultValue = "false")
    boolean accessCookieEnabled;

    @Inject
    @ConfigProperty(name = "latchkey.cookie.access.name", defaultValue = "__Host-latchkey-access")
    String accessCookieName;

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
                                                HttpMessageContext context) {
        if (!context.isProtected() && !context.isAuthenticationRequest()) {
            return context.doNothing();
        }
        Optional<PresentedToken> presented;
        try {
            presented = presentedToken(request);
        } catch (AmbiguousCredentialsException e) {
            return refuse(context, AuthenticationProblems.rejected(TokenRejectedException.Reason.INVALID));
        }
        if (presented.isEmpty()) {
            return refuse(context, AuthenticationProblems.missing());
        }
        try {
            VerifiedAccessToken token = verifier.verify(presented.get().value());
            return context.notifyContainerAboutLogin(new TokenPrincipal(token, presented.get().source()), token.groups());
        } catch (TokenRejectedException e) {
            return refuse(context, AuthenticationProblems.rejected(e.reason()));
        }
    }

    private static AuthenticationStatus refuse(HttpMessageContext context, Problem problem) {
        try {
            SecurityHeaders.applyTo(context.getResponse());
            problem.writeTo(context.getResponse());
        } catch (IOException clientWentAway) {
            // Nothing to tell a client that is gone; the request is refused either way.
        }
        return AuthenticationStatus.SEND_FAILURE;
    }

    private record PresentedToken(String value, TokenPrincipal.Source source) {
    }

    /**
     * Several Authorization headers, or a bearer header that is not well formed, are refused
     * rather than guessed at: components that pick different headers are how requests get smuggled.
     */
    private Optional<PresentedToken> presentedToken(HttpServletRequest request) throws AmbiguousCredentialsException {
        List<String> authorization = Collections.list(request.getHeaders("Authorization"));
        if (authorization.size() > 1) {
            throw new AmbiguousCredentialsException();
        }
        if (authorization.size() == 1) {
            String header = authorization.get(0);
            if (header.length() <= BEARER_PREFIX.length()
                    || !header.substring(0, BEARER_PREFIX.length()).toLowerCase(Locale.ROOT).equals(BEARER_PREFIX)) {
                throw new AmbiguousCredentialsException();
            }
            return Optional.of(new PresentedToken(header.substring(BEARER_PREFIX.length()).strip(),
                    TokenPrincipal.Source.BEARER_HEADER));
        }
        if (accessCookieEnabled && request.getCookies() != null) {
            for (Cookie cookie : request.getCookies()) {
                if (accessCookieName.equals(cookie.getName())) {
                    return Optional.of(new PresentedToken(cookie.getValue(), TokenPrincipal.Source.ACCESS_COOKIE));
                }
            }
        }
        return Optional.empty();
    }

    private static final class AmbiguousCredentialsException extends Exception {
        private static final long serialVersionUID = 1L;

        AmbiguousCredentialsException() {
            super(null, null, false, false);
        }
    }
}

package dev.latchkey.security;

import dev.latchkey.http.CookieSettings;
import dev.latchkey.http.SetCookie;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds the access token a request presents: the {@code Authorization: Bearer} header, or, when
 * cookie mode is on, the access-token cookie. The one place that reads either.
 */
@ApplicationScoped
public class PresentedCredentials {

    private static final String BEARER_PREFIX = "bearer ";

    public record PresentedToken(String value, TokenPrincipal.Source source) {
        @Override
        public String toString() {
            return "PresentedToken[" + source + "]";
        }
    }

    /** Several Authorization headers, or one that is not a well-formed bearer header. */
    public static final class AmbiguousCredentialsException extends Exception {
        private static final long serialVersionUID = 1L;

        AmbiguousCredentialsException() {
            super(null, null, false, false);
        }
    }

    @Inject
    CookieSettings cookies;

    /**
     * Several Authorization headers, or a malformed one, are refused rather than guessed at:
     * components that pick different headers are how requests get smuggled.
     */
    public Optional<PresentedToken> from(HttpServletRequest request) throws AmbiguousCredentialsException {
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
        if (cookies.accessCookieEnabled()) {
            return SetCookie.read(request, cookies.accessName())
                    .map(value -> new PresentedToken(value, TokenPrincipal.Source.ACCESS_COOKIE));
        }
        return Optional.empty();
    }
}

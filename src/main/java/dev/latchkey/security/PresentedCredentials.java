package dev.latchkey.security;

import dev.latchkey.http.CookieSettings;
import dev.latchkey.http.SetCookie;
import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds the access token a request presents: the {@code Authorization} header with the
 * {@code Bearer} or the {@code DPoP} scheme, or, when cookie mode is on, the access-token cookie.
 * The one place that reads any of them.
 */
@ApplicationScoped
public class PresentedCredentials {

    private static final String BEARER_PREFIX = "bearer ";
    private static final String DPOP_PREFIX = "dpop ";

    public record PresentedToken(String value, TokenPrincipal.Source source) {
        @Override
        public String toString() {
            return "PresentedToken[" + source + "]";
        }
    }

    /**
     * Several Authorization headers, or one that is not a well-formed bearer header; or, {@link
     * #conflicting()}, credentials that contradict each other: the access cookie twice, or beside
     * a bearer header carrying another token.
     */
    public static final class AmbiguousCredentialsException extends Exception {
        private static final long serialVersionUID = 1L;

        private final boolean conflicting;

        AmbiguousCredentialsException(boolean conflicting) {
            super(null, null, false, false);
            this.conflicting = conflicting;
        }

        /** Two credentials that say different things, rather than one malformed header. */
        public boolean conflicting() {
            return conflicting;
        }
    }

    /**
     * The answer to a request whose credentials are ambiguous: a session cookie presented twice
     * (one may be planted from a sibling subdomain), or a cookie beside a bearer header that names
     * another token. Distinct from "no credentials" and from "invalid token" on purpose: a logout
     * that silently ignored the ambiguous cookie would report success while the session lives on,
     * and the client (or the user) must learn that it was not logged out. The problem says only
     * that the request was ambiguous, never which value was kept or what either one was.
     */
    public static ProblemException ambiguousCredentials() {
        return new ProblemException(Problem.of(400, "ambiguous-credentials", "Bad Request",
                "The request presents conflicting credentials, such as the same cookie twice. Nothing was changed."));
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
            throw new AmbiguousCredentialsException(false);
        }
        Optional<String> accessCookie = Optional.empty();
        if (cookies.accessCookieEnabled()) {
            if (SetCookie.presentedMoreThanOnce(request, cookies.accessName())) {
                throw new AmbiguousCredentialsException(true);
            }
            accessCookie = SetCookie.read(request, cookies.accessName());
        }
        if (authorization.size() == 1) {
            String header = authorization.get(0);
            TokenPrincipal.Source source;
            String bearer;
            if (hasScheme(header, BEARER_PREFIX)) {
                source = TokenPrincipal.Source.BEARER_HEADER;
                bearer = header.substring(BEARER_PREFIX.length()).strip();
            } else if (hasScheme(header, DPOP_PREFIX)) {
                source = TokenPrincipal.Source.DPOP_HEADER;
                bearer = header.substring(DPOP_PREFIX.length()).strip();
            } else {
                throw new AmbiguousCredentialsException(false);
            }
            // Two different tokens: acting on one (say, logging out the bearer's session) while
            // the caller believes it acted on the other would report success for the wrong session.
            // (A plain comparison: both values come from this same request, no server secret.)
            if (accessCookie.isPresent() && !accessCookie.get().equals(bearer)) {
                throw new AmbiguousCredentialsException(true);
            }
            return Optional.of(new PresentedToken(bearer, source));
        }
        return accessCookie.map(value -> new PresentedToken(value, TokenPrincipal.Source.ACCESS_COOKIE));
    }

    /** Schemes are case-insensitive (RFC 9110 section 11.1); a scheme with nothing after it is malformed. */
    private static boolean hasScheme(String header, String lowerCasePrefix) {
        return header.length() > lowerCasePrefix.length()
                && header.substring(0, lowerCasePrefix.length()).toLowerCase(Locale.ROOT).equals(lowerCasePrefix);
    }
}

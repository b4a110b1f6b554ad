package dev.latchkey.csrf;

import dev.latchkey.web.CookieSettings;
import dev.latchkey.web.Origins;
import dev.latchkey.web.Problem;
import dev.latchkey.web.ProblemException;
import dev.latchkey.web.SetCookie;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The CSRF defence for every state-changing request that a cookie authenticates: the refresh and
 * logout endpoints (refresh cookie), and any POST, PUT, PATCH or DELETE authenticated by the
 * access cookie. Requests that carry a bearer header need none of this: a cross-site page cannot
 * make a browser add that header.
 *
 * <p>A request passes only if (1) its Origin, or its Referer when Origin is absent, is an allowed
 * origin or absent altogether, (2) it carries exactly one X-CSRF-Token header, (3) that header
 * equals the CSRF cookie (double submit, compared in constant time), and (4) the token's HMAC
 * binds it to the session the request acts on.
 */
@ApplicationScoped
public class CsrfGuard {

    public static final String HEADER = "X-CSRF-Token";

    @Inject
    CsrfTokens tokens;

    @Inject
    CookieSettings cookies;

    /** Comma-separated. (Payara's MicroProfile Config cannot inject Optional&lt;List&gt;.) */
    @Inject
    @ConfigProperty(name = "latchkey.csrf.allowed-origins")
    Optional<String> configuredOrigins;

    @Inject
    @ConfigProperty(name = "latchkey.public-url", defaultValue = "http://localhost:8080")
    String publicUrl;

    private Set<String> allowedOrigins;

    @PostConstruct
    void init() {
        allowedOrigins = Origins.parseList(configuredOrigins.orElse(publicUrl), Origins::of);
    }

    /** @throws ProblemException 403 when any check fails; nothing has been changed by then */
    public void check(HttpServletRequest request, String sessionId) {
        if (!originAllowed(request)) {
            throw forbidden();
        }
        List<String> headers = Collections.list(request.getHeaders(HEADER));
        Optional<String> cookie = SetCookie.read(request, cookies.csrfName());
        if (headers.size() != 1 || cookie.isEmpty()) {
            throw forbidden();
        }
        String header = headers.get(0);
        boolean sameAsCookie = MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8),
                cookie.get().getBytes(StandardCharsets.UTF_8));
        if (!sameAsCookie || !tokens.isValidFor(header, sessionId)) {
            throw forbidden();
        }
    }

    public String mint(String sessionId) {
        return tokens.mint(sessionId);
    }

    private boolean originAllowed(HttpServletRequest request) {
        String origin = request.getHeader("Origin");
        if (origin != null) {
            return Origins.of(origin).map(allowedOrigins::contains).orElse(false);
        }
        String referer = request.getHeader("Referer");
        if (referer != null) {
            return Origins.of(referer).map(allowedOrigins::contains).orElse(false);
        }
        // Neither header: not a browser navigation or fetch from another site (browsers send
        // Origin on cross-site POSTs); the token checks below still apply.
        return true;
    }

    static ProblemException forbidden() {
        return new ProblemException(Problem.of(403, "csrf-check-failed", "Forbidden",
                "The request failed the cross-site request forgery checks."));
    }
}

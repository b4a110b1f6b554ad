package dev.latchkey.csrf;

import dev.latchkey.crypto.ConstantTime;
import dev.latchkey.http.CookieSettings;
import dev.latchkey.http.Origins;
import dev.latchkey.http.SetCookie;
import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;

import java.util.Collections;
import java.util.List;
import java.util.Optional;

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

    @Inject
    CsrfSettings settings;

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
        boolean sameAsCookie = ConstantTime.equal(header, cookie.get());
        if (!sameAsCookie || !tokens.isValidFor(header, sessionId)) {
            throw forbidden();
        }
    }

    public String tokenFor(String sessionId) {
        return tokens.forSession(sessionId);
    }

    private boolean originAllowed(HttpServletRequest request) {
        String origin = request.getHeader("Origin");
        if (origin != null) {
            return Origins.of(origin).map(settings.allowedOrigins()::contains).orElse(false);
        }
        String referer = request.getHeader("Referer");
        if (referer != null) {
            return Origins.of(referer).map(settings.allowedOrigins()::contains).orElse(false);
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

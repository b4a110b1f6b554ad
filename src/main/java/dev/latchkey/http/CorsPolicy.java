package dev.latchkey.http;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Cross-origin resource sharing, off unless {@code latchkey.cors.allowed-origins} lists origins.
 *
 * <p>Latchkey's requests carry credentials (cookies, bearer tokens), so a browser only shares a
 * response cross-origin when it names the requesting origin exactly and allows credentials. This
 * policy therefore echoes an origin only when it is on the explicit list, never answers {@code *},
 * and {@link HttpSettings} refuses to start with a wildcard or {@code null} origin configured:
 * either would let any page read responses with the user's credentials.
 */
@ApplicationScoped
public class CorsPolicy {

    static final String ALLOWED_METHODS = "GET, POST, DELETE";
    /** DPoP carries the proof (RFC 9449); DPoP-Nonce is the server's nonce, which the client must read. */
    static final String ALLOWED_HEADERS = "Authorization, Content-Type, X-CSRF-Token, DPoP";
    static final String EXPOSED_HEADERS = "WWW-Authenticate, Retry-After, DPoP-Nonce";
    static final String PREFLIGHT_MAX_AGE_SECONDS = "600";

    @Inject
    HttpSettings settings;

    private Set<String> allowedOrigins = Set.of();

    @PostConstruct
    void init() {
        allowedOrigins = settings.corsAllowedOrigins();
    }

    /** A policy outside any container (unit tests). */
    static CorsPolicy allowing(String commaSeparatedOrigins) {
        CorsPolicy policy = new CorsPolicy();
        policy.settings = HttpSettings.with(Map.of(HttpSettings.CORS_ALLOWED_ORIGINS, commaSeparatedOrigins));
        policy.init();
        return policy;
    }

    public boolean enabled() {
        return !allowedOrigins.isEmpty();
    }

    /**
     * The CORS headers for an ordinary (non-preflight) response to a request from {@code origin}:
     * none when CORS is off or the request has no origin, only {@code Vary} for an origin that is
     * not allowed.
     */
    Map<String, String> responseHeaders(String origin) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (!enabled()) {
            return headers;
        }
        // The answer depends on Origin, so no cache may hand one origin's answer to another.
        headers.put("Vary", "Origin");
        if (isAllowed(origin)) {
            headers.put("Access-Control-Allow-Origin", origin);
            headers.put("Access-Control-Allow-Credentials", "true");
            headers.put("Access-Control-Expose-Headers", EXPOSED_HEADERS);
        }
        return headers;
    }

    /** The answer to a preflight from {@code origin}; empty when it is not to be answered as one. */
    Optional<Map<String, String>> preflightHeaders(String origin, String requestedMethod) {
        if (!isAllowed(origin) || requestedMethod == null) {
            return Optional.empty();
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Vary", "Origin");
        headers.put("Access-Control-Allow-Origin", origin);
        headers.put("Access-Control-Allow-Credentials", "true");
        headers.put("Access-Control-Allow-Methods", ALLOWED_METHODS);
        headers.put("Access-Control-Allow-Headers", ALLOWED_HEADERS);
        headers.put("Access-Control-Max-Age", PREFLIGHT_MAX_AGE_SECONDS);
        return Optional.of(headers);
    }

    /** Adds the CORS headers to a response; for every layer that writes responses. */
    public void applyTo(HttpServletRequest request, HttpServletResponse response) {
        responseHeaders(request.getHeader("Origin")).forEach(response::setHeader);
    }

    /**
     * Answers a preflight from an allowed origin (204, nothing else happens).
     *
     * @return false when the request is not such a preflight and must go on as usual
     */
    public boolean answerPreflight(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!"OPTIONS".equals(request.getMethod())) {
            return false;
        }
        Optional<Map<String, String>> headers = preflightHeaders(request.getHeader("Origin"),
                request.getHeader("Access-Control-Request-Method"));
        if (headers.isEmpty()) {
            return false;
        }
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
        headers.get().forEach(response::setHeader);
        response.flushBuffer();
        return true;
    }

    /**
     * Browsers send the serialized origin (lower-case scheme and host, no default port, no path),
     * and compare our answer to it character by character, so a request's Origin must equal a
     * configured origin exactly.
     */
    private boolean isAllowed(String origin) {
        return origin != null && allowedOrigins.contains(origin);
    }
}

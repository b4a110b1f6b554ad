package dev.latchkey.http;

import jakarta.servlet.http.HttpServletResponse;

/**
 * Hardening headers for every response, errors included. Latchkey serves only JSON, so the
 * content security policy allows nothing at all: a response that some browser mistakes for a
 * page can run no script, load nothing and be framed by no one. Nothing is cacheable unless a
 * resource says otherwise (only the public JWKS does): responses carry tokens and personal data.
 */
public final class SecurityHeaders {

    private SecurityHeaders() {
    }

    public static void applyTo(HttpServletResponse response) {
        response.setHeader("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Content-Security-Policy",
                "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
        response.setHeader("Cache-Control", "no-store");
    }
}

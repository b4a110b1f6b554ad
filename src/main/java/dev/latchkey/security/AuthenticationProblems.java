package dev.latchkey.security;

import dev.latchkey.dpop.DpopProofs;
import dev.latchkey.problem.Problem;
import dev.latchkey.token.TokenRejectedException;

/**
 * The 401 answers of RFC 6750. There are exactly three: no token, an expired token, and every
 * other failure, which all share one generic description so that a forger learns nothing about
 * which check caught the forgery.
 */
final class AuthenticationProblems {

    private static final String REALM = "Bearer realm=\"latchkey\"";

    private AuthenticationProblems() {
    }

    static Problem missing() {
        return Problem.of(401, "unauthorized", "Unauthorized", "An access token is required.")
                .withHeader("WWW-Authenticate", REALM);
    }

    /**
     * A token presented with the wrong scheme: a DPoP-bound token as a bearer token (or in the
     * access cookie), or an unbound token with the DPoP scheme (RFC 9449 section 7.2). The bound
     * token's whole point is that it is useless without its key, so it is never taken as a bearer.
     */
    static Problem wrongScheme(boolean boundToken) {
        return Problem.of(401, "invalid-token", "Unauthorized", boundToken
                        ? "The access token is bound to a key: present it with the DPoP scheme and a proof."
                        : "The access token is not bound to a key: present it with the Bearer scheme.")
                .withHeader("WWW-Authenticate", boundToken
                        ? "DPoP error=\"invalid_token\", algs=\"" + String.join(" ", DpopProofs.algorithmNames()) + "\""
                        : REALM + ", error=\"invalid_token\", error_description=\"wrong scheme\"");
    }

    static Problem rejected(TokenRejectedException.Reason reason) {
        if (reason == TokenRejectedException.Reason.EXPIRED) {
            return Problem.of(401, "invalid-token", "Unauthorized", "The access token has expired.")
                    .withHeader("WWW-Authenticate",
                            REALM + ", error=\"invalid_token\", error_description=\"token expired\"");
        }
        return Problem.of(401, "invalid-token", "Unauthorized", "The access token is not valid.")
                .withHeader("WWW-Authenticate",
                        REALM + ", error=\"invalid_token\", error_description=\"token invalid\"");
    }
}

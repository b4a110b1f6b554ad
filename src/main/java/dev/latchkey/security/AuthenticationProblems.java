package dev.latchkey.security;

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

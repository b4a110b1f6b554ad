package dev.latchkey.security;

import dev.latchkey.revocation.RevocationList;
import dev.latchkey.token.AccessTokenVerifier;

/**
 * Wires the authentication mechanism for the JMH benchmarks (bench/jmh). Only what a bearer-token
 * request that succeeds touches is set: the CSRF guard and CORS policy are for cookie requests and
 * refusals, and the cookie settings are read only when no Authorization header is sent.
 */
public final class SecurityBenchWiring {

    private SecurityBenchWiring() {
    }

    public static TrustedAccessTokens trustedAccessTokens(AccessTokenVerifier verifier, RevocationList revocations) {
        TrustedAccessTokens trusted = new TrustedAccessTokens();
        trusted.verifier = verifier;
        trusted.revocations = revocations;
        return trusted;
    }

    public static TokenAuthenticationMechanism bearerMechanism(TrustedAccessTokens trusted) {
        TokenAuthenticationMechanism mechanism = new TokenAuthenticationMechanism();
        RequestAuthentication authentication = new RequestAuthentication();
        authentication.credentials = new PresentedCredentials();
        authentication.trustedTokens = trusted;
        mechanism.authentication = authentication;
        return mechanism;
    }
}

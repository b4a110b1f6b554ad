package dev.latchkey.security;

import dev.latchkey.http.CookieSettings;
import dev.latchkey.revocation.RevocationList;
import dev.latchkey.token.AccessTokenVerifier;

/**
 * Wires the authentication mechanism for the JMH benchmarks (bench/jmh). Only what a bearer-token
 * request that succeeds touches is set: the CSRF guard and CORS policy are for cookie requests and
 * refusals. The cookie settings are the defaults: a request is checked for a duplicated access
 * cookie whatever else it carries.
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
        authentication.credentials.cookies = CookieSettings.defaults();
        authentication.trustedTokens = trusted;
        mechanism.authentication = authentication;
        return mechanism;
    }
}

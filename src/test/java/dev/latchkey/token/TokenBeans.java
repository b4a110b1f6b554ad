package dev.latchkey.token;

import java.time.Clock;

/**
 * Unit-test wiring of the token package's beans outside a container: their injected fields are
 * package-private, so tests of other packages get them from here.
 */
public final class TokenBeans {

    private TokenBeans() {
    }

    public static AccessTokenIssuer issuer(SigningKeyRing keys, TokenSettings settings, Clock clock) {
        AccessTokenIssuer issuer = new AccessTokenIssuer();
        issuer.keys = keys;
        issuer.settings = settings;
        issuer.clock = clock;
        return issuer;
    }

    public static AccessTokenVerifier verifier(SigningKeyRing keys, TokenSettings settings, Clock clock) {
        AccessTokenVerifier verifier = new AccessTokenVerifier();
        verifier.keys = keys;
        verifier.settings = settings;
        verifier.clock = clock;
        verifier.init();
        return verifier;
    }
}

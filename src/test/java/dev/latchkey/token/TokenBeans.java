package dev.latchkey.token;

import dev.latchkey.config.SettingsSource;
import dev.latchkey.metrics.Metrics;

import java.time.Clock;
import java.util.Map;

/**
 * Wiring of the token package's beans outside a container, for the unit tests and the JMH
 * benchmarks (bench/jmh compiles as test sources): their injected fields are package-private, so
 * tests of other packages get them from here.
 */
public final class TokenBeans {

    private TokenBeans() {
    }

    /** @param verifiedCacheSize {@code latchkey.token.verified-cache-size}: 10000 by default, 0 turns the cache off */
    public static TokenSettings settings(String issuer, String audience, long verifiedCacheSize) {
        // Lifetime and clock skew stay at their production defaults.
        return TokenSettings.from(SettingsSource.of(Map.of(
                TokenSettings.ISSUER, issuer,
                TokenSettings.AUDIENCE, audience,
                "latchkey.token.verified-cache-size", String.valueOf(verifiedCacheSize))));
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
        verifier.metrics = Metrics.inMemory();
        verifier.init();
        return verifier;
    }
}

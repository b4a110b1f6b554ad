package dev.latchkey.token;

import java.util.Map;
import dev.latchkey.config.SettingsSource;
import dev.latchkey.keys.SigningKeys;
import java.time.Clock;

/**
 * Wires the token classes outside a container for the JMH benchmarks (bench/jmh), the way the unit
 * tests do: the package-private fields CDI would inject, then the {@code @PostConstruct}.
 */
public final class TokenBenchWiring {

    private TokenBenchWiring() {
    }

    /** @param verifiedCacheSize {@code latchkey.token.verified-cache-size}: 10000 by default, 0 turns the cache off */
    public static TokenSettings settings(String issuer, String audience, long verifiedCacheSize) {
        // Lifetime and clock skew stay at their production defaults.
        return TokenSettings.from(SettingsSource.of(Map.of(
                TokenSettings.ISSUER, issuer,
                TokenSettings.AUDIENCE, audience,
                "latchkey.token.verified-cache-size", String.valueOf(verifiedCacheSize))));
    }

    public static AccessTokenIssuer issuer(SigningKeys keys, TokenSettings settings, Clock clock) {
        AccessTokenIssuer issuer = new AccessTokenIssuer();
        issuer.keys = keys;
        issuer.settings = settings;
        issuer.clock = clock;
        return issuer;
    }

    public static AccessTokenVerifier verifier(SigningKeys keys, TokenSettings settings, Clock clock) {
        AccessTokenVerifier verifier = new AccessTokenVerifier();
        verifier.keys = keys;
        verifier.settings = settings;
        verifier.clock = clock;
        verifier.init();
        return verifier;
    }
}

package dev.latchkey.token;

import dev.latchkey.keys.SigningKeys;

import java.time.Clock;

/**
 * Wires the token classes outside a container for the JMH benchmarks (bench/jmh), the way the unit
 * tests do: the package-private fields CDI would inject, then the {@code @PostConstruct}.
 */
public final class TokenBenchWiring {

    /** The production defaults of {@code latchkey.token.access-ttl-seconds} and {@code clock-skew-seconds}. */
    private static final long ACCESS_TTL_SECONDS = 900;
    private static final int CLOCK_SKEW_SECONDS = 60;

    private TokenBenchWiring() {
    }

    /** @param verifiedCacheSize {@code latchkey.token.verified-cache-size}: 10000 by default, 0 turns the cache off */
    public static TokenSettings settings(String issuer, String audience, long verifiedCacheSize) {
        TokenSettings settings = TokenSettings.of(issuer, audience, ACCESS_TTL_SECONDS, CLOCK_SKEW_SECONDS);
        settings.verifiedCacheSize = verifiedCacheSize;
        settings.validate();
        return settings;
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

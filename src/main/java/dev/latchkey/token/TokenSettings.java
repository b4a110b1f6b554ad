package dev.latchkey.token;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;

/** Issuer, audience and lifetimes of access tokens: shared by the issuer and the verifier so they can never disagree. */
@ApplicationScoped
public class TokenSettings {

    @Inject
    @ConfigProperty(name = "latchkey.token.issuer", defaultValue = "http://localhost:8080")
    String issuer;

    @Inject
    @ConfigProperty(name = "latchkey.token.audience", defaultValue = "latchkey")
    String audience;

    @Inject
    @ConfigProperty(name = "latchkey.token.access-ttl-seconds", defaultValue = "900")
    long accessTtlSeconds;

    @Inject
    @ConfigProperty(name = "latchkey.token.clock-skew-seconds", defaultValue = "60")
    int clockSkewSeconds;

    @Inject
    @ConfigProperty(name = "latchkey.token.verified-cache-size", defaultValue = "10000")
    long verifiedCacheSize = 10_000;

    /** Settings outside any container (for tools and unit tests). */
    public static TokenSettings of(String issuer, String audience, long accessTtlSeconds, int clockSkewSeconds) {
        TokenSettings settings = new TokenSettings();
        settings.issuer = issuer;
        settings.audience = audience;
        settings.accessTtlSeconds = accessTtlSeconds;
        settings.clockSkewSeconds = clockSkewSeconds;
        settings.validate();
        return settings;
    }

    public String issuer() {
        return issuer;
    }

    public String audience() {
        return audience;
    }

    /** Refused at boot outside 1 to 60 minutes: access tokens are meant to be short-lived. */
    public Duration accessTokenLifetime() {
        return Duration.ofSeconds(accessTtlSeconds);
    }

    @jakarta.annotation.PostConstruct
    void validate() {
        if (accessTtlSeconds < 60 || accessTtlSeconds > 3600) {
            throw new IllegalStateException("latchkey.token.access-ttl-seconds must be between 60 and 3600");
        }
        if (verifiedCacheSize < 0 || verifiedCacheSize > 1_000_000) {
            throw new IllegalStateException("latchkey.token.verified-cache-size must be between 0 and 1000000");
        }
    }

    /** How many verified access tokens the verifier remembers; 0 verifies every signature every time. */
    public long verifiedCacheSize() {
        return verifiedCacheSize;
    }

    /** Tolerance for clocks of other nodes; capped at 60 s so it cannot quietly stretch a token's life. */
    public int clockSkewSeconds() {
        return Math.min(Math.max(clockSkewSeconds, 0), 60);
    }
}

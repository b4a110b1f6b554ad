package dev.latchkey.token;

import dev.latchkey.config.Settings;
import dev.latchkey.config.SettingsSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Access tokens ({@code latchkey.token.*}): issuer, audience, lifetime and clock skew, shared by
 * the issuer and the verifier so they can never disagree; and the signing mode the key ring uses.
 */
@ApplicationScoped
public class TokenSettings extends Settings {

    public static final String ISSUER = "latchkey.token.issuer";
    public static final String AUDIENCE = "latchkey.token.audience";
    public static final String ACCESS_TTL_SECONDS = "latchkey.token.access-ttl-seconds";
    public static final String CLOCK_SKEW_SECONDS = "latchkey.token.clock-skew-seconds";
    public static final String ALGORITHM = "latchkey.token.algorithm";
    public static final String HS256_SECRET = "latchkey.token.hs256-secret";
    public static final String MAX_PERMISSIONS = "latchkey.token.max-permissions";

    /** The HS256 mode's name: a mode of its own, only ever on when asked for by name. */
    public static final String HS256 = "HS256";

    private String issuer;
    private String audience;
    private Duration accessTokenLifetime;
    private int clockSkewSeconds;
    private long verifiedCacheSize;
    private String algorithm;
    private Optional<String> hs256Secret;
    private int maxPermissionsInToken;

    public static TokenSettings from(SettingsSource source) {
        return load(new TokenSettings(), source);
    }

    public static TokenSettings defaults() {
        return from(SettingsSource.defaults());
    }

    @Override
    protected void load(SettingsSource source) {
        issuer = source.text(ISSUER, "http://localhost:8080");
        audience = source.text(AUDIENCE, "latchkey");
        // Access tokens are meant to be short-lived: revocation reaches consumers that only check
        // signatures when the token expires.
        accessTokenLifetime = source.seconds(ACCESS_TTL_SECONDS, 900, 60, 3600);
        // Capped so that tolerance for other nodes' clocks cannot quietly stretch a token's life.
        clockSkewSeconds = source.smallNumber(CLOCK_SKEW_SECONDS, 60, 0, 60);
        verifiedCacheSize = source.number("latchkey.token.verified-cache-size", 10_000, 0, 1_000_000);
        algorithm = source.oneOf(ALGORITHM, "RS256", Set.of("RS256", "ES256", "EdDSA", HS256));
        hs256Secret = source.optional(HS256_SECRET);
        maxPermissionsInToken = source.smallNumber(MAX_PERMISSIONS, 50, 0, 1000);
    }

    public String issuer() {
        return issuer;
    }

    public String audience() {
        return audience;
    }

    public Duration accessTokenLifetime() {
        return accessTokenLifetime;
    }

    /** Tolerance for other nodes' clocks when checking {@code exp}, {@code nbf} and {@code iat}. */
    public int clockSkewSeconds() {
        return clockSkewSeconds;
    }

    /**
     * The most permissions an access token lists; a user with more gets
     * {@code "permissions_truncated": true} instead, and consumers ask introspection.
     */
    public int maxPermissionsInToken() {
        return maxPermissionsInToken;
    }

    /** How many verified access tokens the verifier remembers; 0 verifies every signature every time. */
    public long verifiedCacheSize() {
        return verifiedCacheSize;
    }

    /**
     * The one place token-lifetime arithmetic lives: the last moment any verifier may still accept
     * a token issued (or signed) at {@code issuedAt}, allowing for its lifetime and the skew.
     */
    public Instant lastAcceptedExpiryOfTokensIssuedAt(Instant issuedAt) {
        return withSkew(issuedAt.plus(accessTokenLifetime));
    }

    /** The last moment a verifier whose clock is behind may still accept a token that expires at {@code expiresAt}. */
    public Instant withSkew(Instant expiresAt) {
        return expiresAt.plusSeconds(clockSkewSeconds);
    }

    /** {@code RS256}, {@code ES256}, {@code EdDSA} (the development key's algorithm), or {@code HS256}. */
    public String algorithm() {
        return algorithm;
    }

    public boolean hmacMode() {
        return HS256.equals(algorithm);
    }

    public Optional<String> hs256Secret() {
        return hs256Secret;
    }
}

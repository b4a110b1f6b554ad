package dev.latchkey.session;

import dev.latchkey.config.InvalidSettingException;
import dev.latchkey.config.Settings;
import dev.latchkey.config.SettingsSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Login sessions ({@code latchkey.session.*}): how long they live, how many a user may hold, and
 * the secret that authenticates their refresh tokens ({@link RefreshTokens}).
 *
 * <p>Every node of a cluster must share that secret, so in production it comes from the
 * environment ({@code LATCHKEY_SESSION_REFRESH_TOKEN_SECRET}, base64, at least 256 bits). Without
 * it a development secret is generated, as for the CSRF secret; a configured secret that is too
 * short stops the deployment.
 */
@ApplicationScoped
public class SessionSettings extends Settings {

    static final String ABSOLUTE_LIFETIME_SECONDS = "latchkey.session.absolute-lifetime-seconds";
    static final String IDLE_TIMEOUT_SECONDS = "latchkey.session.idle-timeout-seconds";
    static final String REMEMBER_ME_LIFETIME_SECONDS = "latchkey.session.remember-me-lifetime-seconds";
    public static final String REFRESH_TOKEN_SECRET = "latchkey.session.refresh-token-secret";
    public static final String PREVIOUS_REFRESH_TOKEN_SECRET = "latchkey.session.refresh-token-previous-secret";
    public static final String REFRESH_TOKEN_FORMAT = "latchkey.session.refresh-token-format";
    static final int MIN_SECRET_BYTES = 32;
    private static final String HOW_TO_MAKE_A_SECRET =
            "generate one with `openssl rand -base64 32` and give every node the same value";
    private static final long ONE_YEAR_SECONDS = 365L * 24 * 3600;

    private Duration absoluteLifetime;
    private Duration idleTimeout;
    private Duration rememberMeLifetime;
    private Duration reuseGrace;
    private int maxPerUser;
    private Optional<byte[]> refreshTokenSecret;
    private Optional<byte[]> previousRefreshTokenSecret;
    private boolean legacyRefreshTokens;

    public static SessionSettings from(SettingsSource source) {
        return load(new SessionSettings(), source);
    }

    public static SessionSettings defaults() {
        return from(SettingsSource.defaults());
    }

    @Override
    protected void load(SettingsSource source) {
        absoluteLifetime = source.seconds(ABSOLUTE_LIFETIME_SECONDS, 604_800, 60, ONE_YEAR_SECONDS);
        idleTimeout = source.seconds(IDLE_TIMEOUT_SECONDS, 604_800, 60, ONE_YEAR_SECONDS);
        if (idleTimeout.compareTo(absoluteLifetime) > 0 && source.optional(IDLE_TIMEOUT_SECONDS).isPresent()) {
            throw new InvalidSettingException(IDLE_TIMEOUT_SECONDS, "must not exceed " + ABSOLUTE_LIFETIME_SECONDS
                    + " (" + absoluteLifetime.toSeconds() + ")");
        }
        // Left at its default, the idle timeout follows a shorter absolute lifetime down.
        if (idleTimeout.compareTo(absoluteLifetime) > 0) {
            idleTimeout = absoluteLifetime;
        }
        rememberMeLifetime = source.seconds(REMEMBER_ME_LIFETIME_SECONDS, 2_592_000, 60, ONE_YEAR_SECONDS);
        if (rememberMeLifetime.compareTo(absoluteLifetime) < 0) {
            throw new InvalidSettingException(REMEMBER_ME_LIFETIME_SECONDS, "must not be shorter than "
                    + ABSOLUTE_LIFETIME_SECONDS + " (" + absoluteLifetime.toSeconds() + ")");
        }
        // A long grace would keep a stolen predecessor useful; five minutes is more than any tab race.
        reuseGrace = source.seconds("latchkey.session.reuse-grace-seconds", 10, 0, 300);
        maxPerUser = source.smallNumber("latchkey.session.max-per-user", 0, 0, 1000);
        refreshTokenSecret = source.secret(REFRESH_TOKEN_SECRET, MIN_SECRET_BYTES, HOW_TO_MAKE_A_SECRET);
        previousRefreshTokenSecret = source.secret(PREVIOUS_REFRESH_TOKEN_SECRET, MIN_SECRET_BYTES, HOW_TO_MAKE_A_SECRET);
        if (previousRefreshTokenSecret.isPresent() && refreshTokenSecret.isEmpty()) {
            throw new InvalidSettingException(PREVIOUS_REFRESH_TOKEN_SECRET, "needs " + REFRESH_TOKEN_SECRET
                    + " too: the previous secret only verifies, the current one signs");
        }
        legacyRefreshTokens = source.oneOf(REFRESH_TOKEN_FORMAT, "identified", Set.of("identified", "legacy")).equals("legacy");
    }

    /** Empty: none configured, development mode. */
    Optional<byte[]> refreshTokenSecret() {
        return refreshTokenSecret.map(byte[]::clone);
    }

    /** The secret before the current one, still accepted (never used to sign) while a rotation of it is under way. */
    Optional<byte[]> previousRefreshTokenSecret() {
        return previousRefreshTokenSecret.map(byte[]::clone);
    }

    /**
     * Whether new refresh tokens are the random ones every earlier version issued, each with its
     * history row: only while a rolling upgrade still has older nodes serving refreshes.
     */
    boolean issuesLegacyRefreshTokens() {
        return legacyRefreshTokens;
    }

    /** From login; rotation never extends it. */
    public Duration absoluteLifetime() {
        return absoluteLifetime;
    }

    /** The absolute lifetime of a session started with "remember me"; never shorter than {@link #absoluteLifetime()}. */
    public Duration rememberMeLifetime() {
        return rememberMeLifetime;
    }

    /** Never longer than the absolute lifetime. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** 0 turns the multi-tab grace off: then any second use of a refresh token is treated as theft. */
    public Duration reuseGrace() {
        return reuseGrace;
    }

    /** 0 means unlimited. */
    public int maxPerUser() {
        return maxPerUser;
    }
}

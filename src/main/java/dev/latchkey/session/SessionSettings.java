package dev.latchkey.session;

import dev.latchkey.config.InvalidSettingException;
import dev.latchkey.config.Settings;
import dev.latchkey.config.SettingsSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/** Login sessions ({@code latchkey.session.*}): how long they live, and how many a user may hold. */
@ApplicationScoped
public class SessionSettings extends Settings {

    static final String ABSOLUTE_LIFETIME_SECONDS = "latchkey.session.absolute-lifetime-seconds";
    static final String IDLE_TIMEOUT_SECONDS = "latchkey.session.idle-timeout-seconds";
    static final String REMEMBER_ME_LIFETIME_SECONDS = "latchkey.session.remember-me-lifetime-seconds";
    private static final long ONE_YEAR_SECONDS = 365L * 24 * 3600;

    private Duration absoluteLifetime;
    private Duration idleTimeout;
    private Duration rememberMeLifetime;
    private Duration reuseGrace;
    private int maxPerUser;

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

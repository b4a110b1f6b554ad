package dev.latchkey.session;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;

@ApplicationScoped
public class SessionSettings {

    @Inject
    @ConfigProperty(name = "latchkey.session.absolute-lifetime-seconds", defaultValue = "604800")
    long absoluteLifetimeSeconds;

    @Inject
    @ConfigProperty(name = "latchkey.session.idle-timeout-seconds", defaultValue = "604800")
    long idleTimeoutSeconds;

    @Inject
    @ConfigProperty(name = "latchkey.session.reuse-grace-seconds", defaultValue = "10")
    long reuseGraceSeconds;

    @Inject
    @ConfigProperty(name = "latchkey.session.max-per-user", defaultValue = "0")
    int maxPerUser;

    /** From login; rotation never extends it. */
    public Duration absoluteLifetime() {
        return Duration.ofSeconds(absoluteLifetimeSeconds);
    }

    /** Never longer than the absolute lifetime. */
    public Duration idleTimeout() {
        return Duration.ofSeconds(Math.min(idleTimeoutSeconds, absoluteLifetimeSeconds));
    }

    /** 0 turns the multi-tab grace off: then any second use of a refresh token is treated as theft. */
    public Duration reuseGrace() {
        return Duration.ofSeconds(Math.max(0, reuseGraceSeconds));
    }

    /** 0 means unlimited. */
    public int maxPerUser() {
        return Math.max(0, maxPerUser);
    }
}

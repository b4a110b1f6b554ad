package dev.latchkey.ratelimit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Budgets of the rate limits (README, "Rate limits and brute force"). */
@ApplicationScoped
public class RateLimitSettings {

    @Inject
    @ConfigProperty(name = "latchkey.ratelimit.enabled", defaultValue = "true")
    boolean enabled;

    @Inject
    @ConfigProperty(name = "latchkey.ratelimit.login.per-ip-per-minute", defaultValue = "20")
    long loginPerIpPerMinute;

    /** Failed logins an account may take in the first window before the back-off starts. */
    @Inject
    @ConfigProperty(name = "latchkey.ratelimit.login.failures-per-account", defaultValue = "5")
    long loginFailuresPerAccount;

    @Inject
    @ConfigProperty(name = "latchkey.ratelimit.login.failure-window-seconds", defaultValue = "900")
    long loginFailureWindowSeconds;

    @Inject
    @ConfigProperty(name = "latchkey.ratelimit.register.per-ip-per-minute", defaultValue = "10")
    long registerPerIpPerMinute;

    @Inject
    @ConfigProperty(name = "latchkey.ratelimit.refresh.per-ip-per-minute", defaultValue = "120")
    long refreshPerIpPerMinute;

    @Inject
    @ConfigProperty(name = "latchkey.ratelimit.password.per-ip-per-minute", defaultValue = "10")
    long passwordPerIpPerMinute;

    // Accessors, not field reads: callers hold a CDI client proxy, whose own fields stay unset.

    public boolean enabled() {
        return enabled;
    }

    public long loginPerIpPerMinute() {
        return loginPerIpPerMinute;
    }

    public long loginFailuresPerAccount() {
        return loginFailuresPerAccount;
    }

    public long loginFailureWindowSeconds() {
        return loginFailureWindowSeconds;
    }

    public long registerPerIpPerMinute() {
        return registerPerIpPerMinute;
    }

    public long refreshPerIpPerMinute() {
        return refreshPerIpPerMinute;
    }

    public long passwordPerIpPerMinute() {
        return passwordPerIpPerMinute;
    }
}

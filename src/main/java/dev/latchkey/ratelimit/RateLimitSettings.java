package dev.latchkey.ratelimit;

import dev.latchkey.config.Settings;
import dev.latchkey.config.SettingsSource;
import jakarta.enterprise.context.ApplicationScoped;

/** Budgets of the rate limits ({@code latchkey.ratelimit.*}; docs/security.md, "Rate limits and brute force"). */
@ApplicationScoped
public class RateLimitSettings extends Settings {

    private static final long MAX_BUDGET = 1_000_000_000L;

    private boolean enabled;
    private long loginPerIpPerMinute;
    private long loginFailuresPerAccount;
    private long loginFailureWindowSeconds;
    private long registerPerIpPerMinute;
    private long refreshPerIpPerMinute;
    private long passwordPerIpPerMinute;
    private long accountMailPerIpPerMinute;
    private long accountMailPerAddressPerHour;

    public static RateLimitSettings from(SettingsSource source) {
        return load(new RateLimitSettings(), source);
    }

    public static RateLimitSettings defaults() {
        return from(SettingsSource.defaults());
    }

    @Override
    protected void load(SettingsSource source) {
        enabled = source.flag("latchkey.ratelimit.enabled", true);
        loginPerIpPerMinute = source.number("latchkey.ratelimit.login.per-ip-per-minute", 20, 1, MAX_BUDGET);
        // Failed logins an account may take in the first window before the back-off starts.
        loginFailuresPerAccount = source.number("latchkey.ratelimit.login.failures-per-account", 5, 1, 1000);
        loginFailureWindowSeconds = source.number("latchkey.ratelimit.login.failure-window-seconds", 900, 1, 86_400);
        registerPerIpPerMinute = source.number("latchkey.ratelimit.register.per-ip-per-minute", 10, 1, MAX_BUDGET);
        refreshPerIpPerMinute = source.number("latchkey.ratelimit.refresh.per-ip-per-minute", 120, 1, MAX_BUDGET);
        passwordPerIpPerMinute = source.number("latchkey.ratelimit.password.per-ip-per-minute", 10, 1, MAX_BUDGET);
        accountMailPerIpPerMinute = source.number("latchkey.ratelimit.account-mail.per-ip-per-minute", 10, 1, MAX_BUDGET);
        accountMailPerAddressPerHour = source.number("latchkey.ratelimit.account-mail.per-address-per-hour", 5, 1, 1000);
    }

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

    public long accountMailPerIpPerMinute() {
        return accountMailPerIpPerMinute;
    }

    public long accountMailPerAddressPerHour() {
        return accountMailPerAddressPerHour;
    }
}

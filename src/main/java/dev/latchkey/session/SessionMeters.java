package dev.latchkey.session;

import dev.latchkey.metrics.CountersByTag;
import dev.latchkey.metrics.Metrics;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Logins, refreshes and logouts by outcome. */
@ApplicationScoped
public class SessionMeters {

    /**
     * A login whose address has only a pending registration is {@code BAD_CREDENTIALS}: there is
     * no account to tell apart, and looking the registration up would make that path slower than
     * a wrong password's.
     */
    public enum LoginOutcome { SUCCESS, BAD_CREDENTIALS, THROTTLED, MFA_REQUIRED, MFA_FAILED, DISABLED }

    /** {@code EXPIRED}: the session had ended (idle, absolute end, logout); {@code INVALID}: no such token. */
    public enum RefreshOutcome { ROTATED, GRACE_REUSED, REUSE_DETECTED, EXPIRED, INVALID, ACCOUNT_CHANGED, CSRF_FAILED, DPOP_FAILED }

    public enum LogoutScope { SESSION, EVERYWHERE }

    @Inject
    Metrics metrics;

    private CountersByTag<LoginOutcome> logins;
    private CountersByTag<RefreshOutcome> refreshes;
    private CountersByTag<LogoutScope> logouts;

    /** For unit tests. */
    public static SessionMeters inMemory() {
        SessionMeters meters = new SessionMeters();
        meters.metrics = Metrics.inMemory();
        meters.register();
        return meters;
    }

    @PostConstruct
    void register() {
        logins = metrics.countersByTag("latchkey.logins", "Login attempts by outcome", "outcome", LoginOutcome.class);
        refreshes = metrics.countersByTag("latchkey.refreshes", "Refresh attempts by outcome", "outcome", RefreshOutcome.class);
        logouts = metrics.countersByTag("latchkey.logouts", "Logouts of one session or of every session", "scope", LogoutScope.class);
    }

    public void login(LoginOutcome outcome) {
        logins.increment(outcome);
    }

    public void refresh(RefreshOutcome outcome) {
        refreshes.increment(outcome);
    }

    public void logout(LogoutScope scope) {
        logouts.increment(scope);
    }
}

package dev.latchkey.housekeeping;

import dev.latchkey.account.EmailVerificationService;
import dev.latchkey.account.KnownDevices;
import dev.latchkey.account.OneTimeTokens;
import dev.latchkey.audit.AuditSettings;
import dev.latchkey.audit.AuditTrail;
import dev.latchkey.revocation.RevocationList;
import dev.latchkey.session.LoginChallenges;
import dev.latchkey.session.SessionService;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Prunes what can no longer matter: revocation entries past the lifetime of any token they could
 * match, sessions past their absolute expiry, pending registrations whose link expired, one-time
 * tokens a day after they died, devices not signed in from for 30 days, and login challenges an
 * hour after they expired. Safe to run on every node at once: each step is a set-based DELETE of
 * rows that no request can still need.
 */
@ApplicationScoped
public class Housekeeping {

    private static final Logger LOG = Logger.getLogger(Housekeeping.class.getName());

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    RevocationList revocations;

    @Inject
    SessionService sessions;

    @Inject
    OneTimeTokens oneTimeTokens;

    @Inject
    EmailVerificationService verification;

    @Inject
    KnownDevices knownDevices;

    @Inject
    LoginChallenges loginChallenges;

    @Inject
    AuditTrail auditTrail;

    @Inject
    AuditSettings auditSettings;

    @Inject
    Clock clock;

    @Inject
    HousekeepingSettings settings;

    private ScheduledFuture<?> task;

    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        long seconds = settings.interval().toSeconds();
        task = scheduler.scheduleWithFixedDelay(this::run, seconds, seconds, TimeUnit.SECONDS);
    }

    void run() {
        try {
            revocations.prune();
            int sessionsDeleted = sessions.prune();
            int tokensDeleted = oneTimeTokens.prune();
            verification.prunePending();
            knownDevices.prune();
            loginChallenges.prune();
            auditTrail.prune(clock.instant().minus(auditSettings.retention()));
            LOG.fine(() -> "Housekeeping deleted " + sessionsDeleted + " expired sessions and "
                    + tokensDeleted + " dead one-time tokens");
        } catch (Exception e) {
            // The next run tries again; pruning late only keeps dead rows a little longer.
            // Exception: a failed commit can surface as the checked RollbackException (WildFly).
            LOG.log(Level.WARNING, "Housekeeping failed: {0}", e.getClass().getName());
        }
    }

    @PreDestroy
    void stop() {
        if (task != null) {
            task.cancel(false);
        }
    }
}

package dev.latchkey.persistence;

import org.eclipse.persistence.config.SessionCustomizer;
import org.eclipse.persistence.sessions.DatabaseLogin;
import org.eclipse.persistence.sessions.Session;

/**
 * Turns off EclipseLink's retry of a read that failed for want of the database.
 *
 * <p>By default EclipseLink retries a read outside a transaction three times after a communication
 * failure, sleeping five seconds before each try. Issue 19's {@code db-stall} fault (the database's
 * packets held, as by a frozen host) found sign-ins held for over 15 s that way, each sleeping in
 * {@code AbstractSession.retryQuery} while the driver's own timeouts had long run out (thread dumps
 * of the three nodes). The pool already lends only connections it has checked and drops them all
 * once one fails, so a second try gains nothing a client's own retry, told by {@code Retry-After},
 * would not; the failure is answered {@code 503} at once instead.
 */
public final class FailFastReads implements SessionCustomizer {

    @Override
    public void customize(Session session) {
        if (session.getDatasourceLogin() instanceof DatabaseLogin login) {
            // Zero still allows one immediate second try (AbstractSession.retryQuery), never a sleep.
            login.setQueryRetryAttemptCount(0);
            login.setDelayBetweenConnectionAttempts(0);
        }
    }
}

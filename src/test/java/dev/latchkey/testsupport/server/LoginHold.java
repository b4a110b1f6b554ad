package dev.latchkey.testsupport.server;

import dev.latchkey.session.PasswordVerified;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Test deployments only: holds logins of an armed e-mail address between the password check and
 * the start of the session (where {@link PasswordVerified} is fired), so that a test can change
 * the account, or line several logins up, while they wait. Driven by {@link LoginHoldResource}.
 */
@ApplicationScoped
public class LoginHold {

    private static final long MAX_HOLD_SECONDS = 30;

    private record Hold(Semaphore reached, CountDownLatch release) {
    }

    private final Map<String, Hold> holds = new ConcurrentHashMap<>();

    void arm(String email) {
        holds.put(email, new Hold(new Semaphore(0), new CountDownLatch(1)));
    }

    /** @return whether {@code logins} logins of the address are held, within the timeout */
    boolean awaitHeld(String email, int logins, long timeoutSeconds) throws InterruptedException {
        Hold hold = holds.get(email);
        return hold != null && hold.reached().tryAcquire(logins, timeoutSeconds, TimeUnit.SECONDS);
    }

    /** Lets every held login of the address go on, and holds no more. */
    void release(String email) {
        Hold hold = holds.remove(email);
        if (hold != null) {
            hold.release().countDown();
        }
    }

    void onPasswordVerified(@Observes PasswordVerified verified) throws InterruptedException {
        Hold hold = holds.get(verified.account().email());
        if (hold != null) {
            hold.reached().release();
            // Bounded, so that a failed test cannot pin a request thread for ever.
            hold.release().await(MAX_HOLD_SECONDS, TimeUnit.SECONDS);
        }
    }
}

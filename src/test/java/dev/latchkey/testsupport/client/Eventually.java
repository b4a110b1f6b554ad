package dev.latchkey.testsupport.client;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The one way tests wait for something that happens on its own (a server starting, a node
 * re-reading the key set): poll the condition every {@value #POLL_MILLIS} ms until it holds, and
 * fail with what was awaited once the timeout has passed. An exception from the condition ends the
 * wait at once (say, the process being waited for has exited); a condition that can also be
 * "not yet" by an exception (a port not listening yet) catches that itself and answers false.
 */
public final class Eventually {

    static final long POLL_MILLIS = 200;

    private Eventually() {
    }

    /**
     * @param what what is awaited, as the end of "timed out waiting until ...": "node 1 is ready"
     * @throws AssertionError when the condition still does not hold after {@code timeout}
     */
    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("Timed out after " + timeout.toSeconds() + " s waiting until " + what);
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting until " + what, e);
            }
        }
    }
}

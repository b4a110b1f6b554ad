package dev.latchkey.password;

import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemException;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Bounds how many password hashes run at once. A hash is deliberately expensive CPU work (bcrypt
 * cost 12 is about a quarter of a second of one core), so without a bound a burst of logins makes
 * every request slow at once and piles up threads without limit. With it, at most one hash per
 * core runs; the others wait their turn in arrival order (a fair semaphore, so no request starves)
 * for at most a short while, and past that get 503 with Retry-After: shedding load early keeps the
 * answers that are given fast, and costs the refused caller no hash.
 */
final class HashingLimit {

    static final String RETRY_AFTER_SECONDS = "1";

    private final Semaphore permits;
    private final int maxConcurrent;
    private final long maxWaitNanos;
    private final LongAdder rejected = new LongAdder();

    HashingLimit(int maxConcurrent, Duration maxWait) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("at least one hash must be allowed to run");
        }
        this.permits = new Semaphore(maxConcurrent, true);
        this.maxConcurrent = maxConcurrent;
        this.maxWaitNanos = maxWait.toNanos();
    }

    /** @throws ProblemException 503 when no slot frees up within the wait */
    <T> T run(Supplier<T> hashing) {
        acquire();
        try {
            return hashing.get();
        } finally {
            permits.release();
        }
    }

    int maxConcurrent() {
        return maxConcurrent;
    }

    int inUse() {
        return maxConcurrent - permits.availablePermits();
    }

    /** An estimate, as the semaphore gives it: enough for a gauge. */
    int queued() {
        return permits.getQueueLength();
    }

    long rejected() {
        return rejected.sum();
    }

    private void acquire() {
        try {
            if (!permits.tryAcquire(maxWaitNanos, TimeUnit.NANOSECONDS)) {
                rejected.increment();
                throw busy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy();
        }
    }

    static ProblemException busy() {
        return new ProblemException(Problem.of(503, "busy", "Service Unavailable",
                "The server is busy. Try again in a moment.").withHeader("Retry-After", RETRY_AFTER_SECONDS));
    }
}

package dev.latchkey.testsupport;

import dev.latchkey.problem.ProblemException;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules every fuzz test holds a parser to: no input keeps it busy for more than a few
 * milliseconds, and a refusal is a client error.
 *
 * <p>The time bound, 50 ms, is tight against a parser that goes quadratic or backtracks on some
 * input (every parser here usually takes well under a millisecond). A call over the bound is run
 * twice more, and the input fails only if all three were slow: a garbage-collection pause, class
 * loading or a JIT compilation makes one call slow, not three in a row, while a slow input is
 * slow every time. The time is the calling thread's CPU time, not the wall clock's: on a machine
 * busy with other work (CI starting servers beside the build) a call waits for a core, and that
 * wait says nothing about the input.
 */
public final class FuzzBudget {

    public static final Duration LIMIT = Duration.ofMillis(50);
    private static final int TRIES = 3;

    private FuzzBudget() {
    }

    /** Runs the call and fails the input when it is slower than {@link #LIMIT} every time. */
    public static <T> T timed(Supplier<T> call) {
        long fastest = Long.MAX_VALUE;
        T result = null;
        for (int attempt = 0; attempt < TRIES && fastest > LIMIT.toNanos(); attempt++) {
            long start = threadTime();
            result = call.get();
            fastest = Math.min(fastest, threadTime() - start);
        }
        if (fastest > LIMIT.toNanos()) {
            throw new AssertionError("The input took at least " + fastest / 1_000_000 + " ms in each of " + TRIES
                    + " runs (limit " + LIMIT.toMillis() + " ms)");
        }
        return result;
    }

    /** The CPU time of this thread, where the JVM measures it (HotSpot on Linux does), else the wall clock. */
    private static long threadTime() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : System.nanoTime();
    }

    /** As {@link #timed(Supplier)}, for a call with nothing to return. */
    public static void timed(Runnable call) {
        timed(() -> {
            call.run();
            return null;
        });
    }

    /** A refusal is a 4xx problem, never a 5xx. */
    public static void assertClientError(ProblemException refused) {
        int status = refused.problem().status();
        assertTrue(status >= 400 && status < 500, () -> "refused with " + status);
    }
}

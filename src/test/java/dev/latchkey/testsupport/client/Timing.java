package dev.latchkey.testsupport.client;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Response-time assertions that hold on a loaded two-core build machine: they compare medians of
 * several attempts, so one request delayed by a garbage collection or by another build cannot fail
 * them, while work that really costs time (a hash, an unbounded key derivation) still does.
 */
public final class Timing {

    /**
     * "Answered fast": a refusal that did no expensive work comes back in a few milliseconds; a
     * refusal that ran a PBES2 derivation or a hash takes tens of milliseconds to minutes. The
     * bound is far above the first and far below a second, so machine load does not make it flaky.
     */
    public static final long FAST_MILLIS = 250;

    private static final int ATTEMPTS = 5;

    private Timing() {
    }

    /** Sends the request {@value #ATTEMPTS} times and asserts the median answer time. @return the last answer */
    public static HttpResponse<String> assertAnsweredFast(String what, Supplier<HttpResponse<String>> request) {
        List<Long> millis = new ArrayList<>();
        HttpResponse<String> response = null;
        for (int i = 0; i < ATTEMPTS; i++) {
            long started = System.nanoTime();
            response = request.get();
            millis.add((System.nanoTime() - started) / 1_000_000);
        }
        long median = median(millis);
        assertTrue(median < FAST_MILLIS, what + " took a median of " + median + " ms over " + millis);
        return response;
    }

    /** @return the time {@code action} took, in microseconds */
    public static long micros(Runnable action) {
        long started = System.nanoTime();
        action.run();
        return (System.nanoTime() - started) / 1_000;
    }

    public static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}

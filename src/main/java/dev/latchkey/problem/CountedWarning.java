package dev.latchkey.problem;

import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A warning that can come thousands of times a second (a flood of junk requests, an outage every
 * request runs into), written at most once a minute with how many times each kind happened since
 * the last line. The first occurrence is written at once. A log that one attacker, or one
 * outage, can fill is a log nobody reads and a disk that fills up.
 */
public final class CountedWarning {

    private static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Logger logger;
    private final String message;
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    // Measures intervals only, never a time of day: so not the application's Clock.
    private final AtomicLong nextLineAt = new AtomicLong(System.nanoTime());

    /**
     * @param message the line, with {@code {0}} where the counts go ("3 for a kind; 1 for another")
     */
    public CountedWarning(Logger logger, String message) {
        this.logger = logger;
        this.message = message;
    }

    public void count(String kind) {
        counts.computeIfAbsent(kind, k -> new LongAdder()).increment();
        long now = System.nanoTime();
        long due = nextLineAt.get();
        // One thread wins the line for this minute; the others only count.
        if (now - due >= 0 && nextLineAt.compareAndSet(due, now + INTERVAL_NANOS)) {
            StringJoiner kinds = new StringJoiner("; ");
            counts.forEach((name, count) -> {
                long n = count.sumThenReset();
                if (n > 0) {
                    kinds.add(n + " for " + name);
                }
            });
            logger.log(Level.WARNING, message, kinds.toString());
        }
    }
}

package dev.latchkey.testsupport.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one clock tests move, so that expiry is tested by moving time rather than by sleeping.
 * Unit tests start it at a fixed instant ({@link #at}); the deployed server's
 * {@link MovableClockProducer} lets it follow the system time ({@link #followingSystemTime}).
 * Either way it reads as its base plus the offset it was moved by. Thread-safe: in the server,
 * request threads read it while a test request moves it.
 */
public final class MovableClock extends Clock {

    /** Null: follow the system time. */
    private final Instant fixedBase;
    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    private MovableClock(Instant fixedBase) {
        this.fixedBase = fixedBase;
    }

    /** Stands still at {@code start} until moved. */
    public static MovableClock at(Instant start) {
        return new MovableClock(start);
    }

    /** Runs with the system time, shifted by however far it was moved. */
    public static MovableClock followingSystemTime() {
        return new MovableClock(null);
    }

    /** Moves the clock by {@code by}; a negative duration sets it back. */
    public void advance(Duration by) {
        offset.accumulateAndGet(by, Duration::plus);
    }

    /** Back to the start, or to the system time. */
    public void reset() {
        offset.set(Duration.ZERO);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return (fixedBase == null ? Instant.now() : fixedBase).plus(offset.get());
    }
}

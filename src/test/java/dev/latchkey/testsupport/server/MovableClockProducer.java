package dev.latchkey.testsupport.server;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.interceptor.Interceptor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Test deployments only: replaces the application's clock with one that tests can move forward,
 * so expiry is tested by moving time rather than by sleeping.
 */
@Alternative
@Priority(Interceptor.Priority.APPLICATION + 100)
@ApplicationScoped
public class MovableClockProducer {

    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    @Produces
    @ApplicationScoped
    Clock movableClock() {
        return new OffsetClock(offset);
    }

    void advance(Duration by) {
        offset.accumulateAndGet(by, Duration::plus);
    }

    void reset() {
        offset.set(Duration.ZERO);
    }

    static final class OffsetClock extends Clock {
        private final AtomicReference<Duration> offset;

        OffsetClock(AtomicReference<Duration> offset) {
            this.offset = offset;
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
            return Instant.now().plus(offset.get());
        }
    }
}

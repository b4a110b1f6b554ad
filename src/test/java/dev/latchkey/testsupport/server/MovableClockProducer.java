package dev.latchkey.testsupport.server;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.interceptor.Interceptor;

import java.time.Clock;
import java.time.Duration;

/**
 * Test deployments only: replaces the application's clock with a {@link MovableClock} that follows
 * the system time until a test moves it (through {@link ClockControlResource}).
 */
@Alternative
@Priority(Interceptor.Priority.APPLICATION + 100)
@ApplicationScoped
public class MovableClockProducer {

    private final MovableClock clock = MovableClock.followingSystemTime();

    @Produces
    @ApplicationScoped
    Clock movableClock() {
        return clock;
    }

    void advance(Duration by) {
        clock.advance(by);
    }

    void reset() {
        clock.reset();
    }
}

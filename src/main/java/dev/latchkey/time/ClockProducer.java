package dev.latchkey.time;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import java.time.Clock;

/**
 * The one clock. Every expiry, not-before and issued-at decision reads time from the injected
 * {@link Clock}, never from {@code Instant.now()} or {@code System.currentTimeMillis()}, so tests
 * move time instead of sleeping (they deploy an alternative producer) and no code path can
 * disagree with another about what "now" is.
 */
@ApplicationScoped
public class ClockProducer {

    @Produces
    @ApplicationScoped
    Clock systemClock() {
        return system();
    }

    /** The system clock, for code that runs outside the container (the key tool) and has no producer. */
    public static Clock system() {
        return Clock.systemUTC();
    }
}

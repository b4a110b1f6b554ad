package dev.latchkey.testsupport.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventuallyTest {

    @Test
    void returnsOnceTheConditionHolds() {
        AtomicInteger polls = new AtomicInteger();
        Eventually.await("the third poll", Duration.ofSeconds(10), () -> polls.incrementAndGet() == 3);
        assertEquals(3, polls.get());
    }

    @Test
    void failsWithWhatWasAwaitedOnceTheTimeoutHasPassed() {
        long started = System.nanoTime();
        AssertionError timedOut = assertThrows(AssertionError.class,
                () -> Eventually.await("pigs fly", Duration.ofMillis(500), () -> false));
        assertEquals("Timed out after 0 s waiting until pigs fly", timedOut.getMessage());
        assertTrue(System.nanoTime() - started >= Duration.ofMillis(500).toNanos(), "waited the whole timeout");
    }

    @Test
    void anExceptionFromTheConditionEndsTheWaitAtOnce() {
        IllegalStateException exited = new IllegalStateException("the process exited");
        AtomicInteger polls = new AtomicInteger();
        assertSame(exited, assertThrows(IllegalStateException.class, () -> Eventually.await("never", Duration.ofMinutes(1), () -> {
            polls.incrementAndGet();
            throw exited;
        })));
        assertEquals(1, polls.get());
    }
}

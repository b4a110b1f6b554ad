package dev.latchkey.cluster;

import dev.latchkey.problem.UnreachableDependency;
import org.infinispan.commons.TimeoutException;
import org.infinispan.partitionhandling.AvailabilityException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterCallsTest {

    @Test
    void anAnswerWithinTheBoundIsReturned() {
        assertEquals("value", ClusterCalls.await(CompletableFuture.completedFuture("value"), Duration.ofMillis(100)));
    }

    @Test
    void noAnswerWithinTheBoundIsTheClustersTimeoutAndSoA503() {
        long started = System.nanoTime();
        TimeoutException timeout = assertThrows(TimeoutException.class,
                () -> ClusterCalls.await(new CompletableFuture<String>(), Duration.ofMillis(200)));
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(5).toNanos(), "bounded");
        assertEquals(Optional.of(UnreachableDependency.CLUSTER), UnreachableDependency.of(timeout));
    }

    @Test
    void aFailureIsRethrownAsItself() {
        AvailabilityException degraded = new AvailabilityException();
        assertSame(degraded, assertThrows(AvailabilityException.class,
                () -> ClusterCalls.await(CompletableFuture.failedFuture(degraded), Duration.ofSeconds(1))));
    }

    @Test
    void theBoundIsASettingWithASafeDefaultAndLimits() {
        assertEquals(Duration.ofSeconds(5), ClusterSettings.defaults().operationTimeout());
    }
}

package dev.latchkey.password;

import dev.latchkey.config.SettingsSource;
import dev.latchkey.metrics.Metrics;
import dev.latchkey.problem.ProblemException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bound on concurrent password hashing, and that the hasher really goes through it. */
class PasswordHasherTest {

    private static final String PASSWORD = "correct horse battery staple";

    private final ExecutorService pool = Executors.newFixedThreadPool(16);

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    private static PasswordHasher hasher(int maxConcurrent, long maxWaitMillis) {
        PasswordHasher hasher = new PasswordHasher();
        hasher.settings = PasswordSettings.from(SettingsSource.of(Map.of(
                PasswordSettings.ALGORITHM, "bcrypt",
                "latchkey.password.bcrypt.cost", "10",
                "latchkey.password.max-concurrent-hashes", String.valueOf(maxConcurrent),
                "latchkey.password.max-wait-millis", String.valueOf(maxWaitMillis))));
        hasher.metrics = Metrics.inMemory();
        hasher.init();
        return hasher;
    }

    /** Occupies every slot of the limit until the returned latch is counted down. */
    private CountDownLatch occupyAllSlots(HashingLimit limit) throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch occupied = new CountDownLatch(limit.maxConcurrent());
        for (int i = 0; i < limit.maxConcurrent(); i++) {
            pool.submit(() -> limit.run(() -> {
                occupied.countDown();
                awaitQuietly(release);
                return null;
            }));
        }
        assertTrue(occupied.await(10, TimeUnit.SECONDS), "the slots were taken");
        return release;
    }

    @Test
    void saturatedHashingIsRefusedWith503AndRetryAfterInsteadOfQueueingForever() throws Exception {
        PasswordHasher hasher = hasher(2, 200);
        String stored = hasher.hash(PASSWORD);
        CountDownLatch release = occupyAllSlots(hasher.limit);

        long started = System.nanoTime();
        ProblemException busy = assertThrows(ProblemException.class, () -> hasher.hash(PASSWORD));
        long waitedMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(503, busy.problem().status());
        assertEquals("1", busy.problem().headers().get("Retry-After"));
        assertTrue(waitedMillis >= 150 && waitedMillis < 5_000, "waited the configured while, not forever: " + waitedMillis);
        // Checking a password is hashing too: it is bounded the same way.
        assertEquals(503, assertThrows(ProblemException.class, () -> hasher.verify(PASSWORD, stored)).problem().status());
        assertEquals(503, assertThrows(ProblemException.class, () -> hasher.verifyAgainstDummy(PASSWORD)).problem().status());
        assertEquals(2, hasher.metrics.registry().get("latchkey.password.hashing.active").gauge().value(), "both slots in use");
        assertEquals(3, hasher.metrics.registry().get("latchkey.password.hashing.rejected").functionCounter().count(), "every refusal counted");

        release.countDown();
        assertEquals(PasswordHasher.Outcome.MATCH, hasher.verify(PASSWORD, stored), "slots are released after use");
    }

    @Test
    void aWaitingHashRunsAsSoonAsASlotFreesUp() throws Exception {
        PasswordHasher hasher = hasher(1, 10_000);
        CountDownLatch release = occupyAllSlots(hasher.limit);
        Future<String> waiting = pool.submit(() -> hasher.hash(PASSWORD));
        Thread.sleep(100);
        assertTrue(!waiting.isDone(), "the hash waits for the slot");
        assertEquals(1, hasher.metrics.registry().get("latchkey.password.hashing.queued").gauge().value(), "and is seen waiting");
        release.countDown();
        assertTrue(waiting.get(30, TimeUnit.SECONDS).startsWith("$2b$10$"));
    }

    @Test
    void neverMoreHashesRunAtOnceThanTheLimit() throws Exception {
        HashingLimit limit = new HashingLimit(3, Duration.ofSeconds(30));
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        List<Future<Object>> all = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            all.add(pool.submit(() -> limit.run(() -> {
                mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                sleepQuietly(20);
                running.decrementAndGet();
                return null;
            })));
        }
        for (Future<Object> each : all) {
            each.get(30, TimeUnit.SECONDS);
        }
        assertEquals(3, mostAtOnce.get(), "the limit was reached and never exceeded");
    }

    @Test
    void theDefaultIsOneHashPerCore() {
        assertEquals(Runtime.getRuntime().availableProcessors(), hasher(0, 1000).limit.maxConcurrent());
        assertEquals(5, hasher(5, 1000).limit.maxConcurrent());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

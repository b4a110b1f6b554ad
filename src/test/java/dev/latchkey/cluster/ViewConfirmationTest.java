package dev.latchkey.cluster;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When a node doubts its view after its JVM stood still, and what ends the doubt. Time moves by
 * hand: the monotonic clock for the gap, the wall clock for the senders' stamps.
 */
class ViewConfirmationTest {

    private static final Duration CLOCK_MARGIN = Duration.ofSeconds(5);

    /** Caches whose state each test sets; a reload completes when the test says so. */
    static final class Caches implements ViewConfirmation.Caches {
        int topologyId = 7;
        boolean settled = true;
        int reloads;
        CompletableFuture<Void> reload = CompletableFuture.completedFuture(null);

        @Override
        public int topologyId() {
            return topologyId;
        }

        @Override
        public boolean settled() {
            return settled;
        }

        @Override
        public CompletionStage<Void> reload() {
            reloads++;
            return reload;
        }
    }

    static ViewConfirmation.Caches settledCaches() {
        return new Caches();
    }

    private long nanos = 1_000_000_000L;
    private long millis = 1_800_000_000_000L;
    private final Caches caches = new Caches();
    private ViewConfirmation confirmation;

    @BeforeEach
    void threeMembers() {
        confirmation = new ViewConfirmation(() -> nanos, () -> millis, CLOCK_MARGIN, caches);
        confirmation.viewInstalled("a", List.of("a", "b", "c"));
    }

    private void pass(Duration duration) {
        nanos += duration.toNanos();
        millis += duration.toMillis();
    }

    private void pause() {
        pass(Duration.ofSeconds(20));
        confirmation.running();
    }

    /** The node runs (its tick every half second) for this long. */
    private void run(Duration duration) {
        for (long ticks = duration.toMillis() / 500; ticks > 0; ticks--) {
            pass(Duration.ofMillis(500));
            confirmation.running();
        }
    }

    /** A word from each, sent once the clock margin has passed (and so after whatever came before). */
    private void everyOtherMemberCasts(String... members) {
        run(CLOCK_MARGIN);
        for (String member : members) {
            confirmation.multicastFrom(member, millis);
        }
    }

    @Test
    void aNodeThatKeepsRunningAndHearsFromAMajorityNeverDoubtsItsView() {
        for (int tick = 0; tick < 240; tick++) {
            pass(Duration.ofMillis(500));
            if (tick % 4 == 0) {
                // A heartbeat of b's every two seconds; c has gone silent, and b and a are still two of three.
                confirmation.multicastFrom("b", millis);
            }
            confirmation.running();
        }
        assertTrue(confirmation.isConfirmed());
        confirmation.multicastFrom("b", millis);
        pass(ViewConfirmation.PAUSE.minusMillis(1));
        assertTrue(confirmation.isConfirmed(), "a gap just under the threshold is scheduling, not a pause");
        assertEquals(0, caches.reloads);
    }

    @Test
    void aNodeThatKeepsRunningButHearsFromNoMajorityForTheTermDoubtsItsViewLikeAfterAPause() {
        confirmation.multicastFrom("b", millis);
        for (int tick = 0; tick < 2 * QuorumLease.TERM.toSeconds() - 1; tick++) {
            pass(Duration.ofMillis(500));
            confirmation.running();
        }
        assertTrue(confirmation.isConfirmed(), "just under the term since b's last word");
        pass(Duration.ofMillis(500));
        confirmation.running();
        assertFalse(confirmation.isConfirmed(), "cut off from both others: they may be excluding this node");
        confirmation.multicastFrom("b", millis);
        confirmation.multicastFrom("c", millis);
        assertFalse(confirmation.isConfirmed(), "a word sent within the clock margin of the doubt does not end it");
        everyOtherMemberCasts("b", "c");
        assertTrue(confirmation.isConfirmed());
        assertEquals(1, caches.reloads, "the durable record was read again before the view was trusted");
    }

    @Test
    void aNodeWhoseClockRanAheadIsVouchedForAgainOnceItsClockAgrees() {
        // This node's wall clock a minute ahead of the others' (the doubt comes from the lease: their words look a minute old).
        long minute = Duration.ofMinutes(1).toMillis();
        for (int beat = 0; beat < 5; beat++) {
            pass(Duration.ofSeconds(2));
            confirmation.multicastFrom("b", millis - minute);
            confirmation.multicastFrom("c", millis - minute);
            confirmation.running();
        }
        assertFalse(confirmation.isConfirmed(), "while its clock is off, no word looks fresh");
        run(Duration.ofSeconds(10));
        confirmation.multicastFrom("b", millis - minute);
        confirmation.multicastFrom("c", millis - minute);
        assertFalse(confirmation.isConfirmed());
        // Its clock is set right: the next heartbeats count at once, not a minute later.
        confirmation.multicastFrom("b", millis);
        confirmation.multicastFrom("c", millis);
        assertTrue(confirmation.isConfirmed());
    }

    @Test
    void aMemberExcludedByANewViewMayAnswerUntilItsLeaseRanOut() {
        assertTrue(confirmation.excludedMayAnswerUntil() <= nanos, "nobody excluded yet");
        confirmation.viewInstalled("a", List.of("a", "b"));
        assertEquals(nanos + QuorumLease.fence(CLOCK_MARGIN).toNanos(), confirmation.excludedMayAnswerUntil());
    }

    @Test
    void afterAPauseTheViewIsInDoubtUntilEveryOtherMemberCastsAfterIt() {
        pass(Duration.ofSeconds(20));
        assertFalse(confirmation.isConfirmed(), "the first check after the pause finds the gap itself");
        everyOtherMemberCasts("b");
        assertFalse(confirmation.isConfirmed(), "c has not spoken yet");
        everyOtherMemberCasts("c");
        assertTrue(confirmation.isConfirmed());
        assertEquals(1, caches.reloads, "the durable record was read again before the view was trusted");
    }

    @Test
    void whatWasSentDuringThePauseOrWithinTheClockMarginDoesNotCount() {
        pause();
        long resumedAt = millis;
        confirmation.multicastFrom("b", resumedAt - 8_000);
        confirmation.multicastFrom("c", resumedAt - 1);
        confirmation.multicastFrom("b", resumedAt + CLOCK_MARGIN.toMillis() - 1);
        confirmation.multicastFrom("c", resumedAt + CLOCK_MARGIN.toMillis() - 1);
        assertFalse(confirmation.isConfirmed(), "a sender's clock may run ahead by up to the margin");
    }

    @Test
    void aNewViewChangesWhoseWordIsAwaitedAndNeedsATopologyInstalledAfterThePause() {
        pause();
        everyOtherMemberCasts("b");
        confirmation.viewInstalled("a", List.of("a", "b", "d"));
        everyOtherMemberCasts("d");
        assertFalse(confirmation.isConfirmed(), "the merged view is in, but the caches still have the topology from before the pause");
        caches.topologyId = 9;
        assertTrue(confirmation.isConfirmed());
    }

    @Test
    void unsettledCachesOrAReloadNotYetDoneKeepTheNodeOut() {
        pause();
        caches.settled = false;
        caches.reload = new CompletableFuture<>();
        everyOtherMemberCasts("b", "c");
        assertFalse(confirmation.isConfirmed(), "state transfer or a merge of entries still running");
        caches.settled = true;
        assertFalse(confirmation.isConfirmed(), "the reload has started, not finished");
        assertFalse(confirmation.isConfirmed());
        assertEquals(1, caches.reloads, "one reload at a time");
        caches.reload.complete(null);
        assertTrue(confirmation.isConfirmed());
    }

    @Test
    void aFailedReloadIsTriedAgain() {
        pause();
        caches.reload = CompletableFuture.failedFuture(new IllegalStateException("database down"));
        everyOtherMemberCasts("b", "c");
        assertFalse(confirmation.isConfirmed());
        caches.reload = CompletableFuture.completedFuture(null);
        assertTrue(confirmation.isConfirmed());
        assertEquals(2, caches.reloads);
    }

    @Test
    void aViewOfThisNodeAloneNeedsNoWordButStillSettledCaches() {
        pause();
        confirmation.viewInstalled("a", List.of("a"));
        caches.settled = false;
        assertFalse(confirmation.isConfirmed(), "alone after a split, the caches are degraded");
        caches.settled = true;
        caches.topologyId = 8;
        assertTrue(confirmation.isConfirmed());
    }

    @Test
    void aSecondPauseBeforeTheFirstIsSettledStartsTheCountAgain() {
        pause();
        everyOtherMemberCasts("b");
        pause();
        everyOtherMemberCasts("c");
        assertFalse(confirmation.isConfirmed(), "b's word came before the second pause");
        everyOtherMemberCasts("b");
        assertTrue(confirmation.isConfirmed());
    }

    @Test
    void aReloadStartedBeforeASecondPauseDoesNotConfirmAfterIt() {
        pause();
        caches.reload = new CompletableFuture<>();
        everyOtherMemberCasts("b", "c");
        assertFalse(confirmation.isConfirmed());
        CompletableFuture<Void> first = caches.reload;
        pause();
        first.complete(null);
        assertFalse(confirmation.isConfirmed(), "the first reload answers for the first pause only");
    }
}

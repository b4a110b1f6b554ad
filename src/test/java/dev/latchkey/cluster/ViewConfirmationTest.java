package dev.latchkey.cluster;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When a node doubts its view after its JVM stood still, and what ends the doubt. Time moves by
 * hand: the monotonic clock for the gap, the wall clock for the senders' stamps.
 */
class ViewConfirmationTest {

    private static final Duration CLOCK_MARGIN = Duration.ofSeconds(5);

    private long nanos = 1_000_000_000L;
    private long millis = 1_800_000_000_000L;
    private boolean cachesCaughtUp = true;
    private ViewConfirmation confirmation;

    @BeforeEach
    void threeMembers() {
        confirmation = new ViewConfirmation(() -> nanos, () -> millis, CLOCK_MARGIN, () -> cachesCaughtUp);
        confirmation.viewInstalled("a", List.of("a", "b", "c"));
    }

    private void pass(Duration duration) {
        nanos += duration.toNanos();
        millis += duration.toMillis();
    }

    private void runningEvery(Duration step, Duration total) {
        for (Duration passed = Duration.ZERO; passed.compareTo(total) < 0; passed = passed.plus(step)) {
            pass(step);
            confirmation.running();
        }
    }

    @Test
    void aNodeThatKeepsRunningNeverDoubtsItsView() {
        runningEvery(Duration.ofMillis(500), Duration.ofMinutes(2));
        assertTrue(confirmation.isConfirmed());
        pass(ViewConfirmation.PAUSE.minusMillis(1));
        assertTrue(confirmation.isConfirmed(), "a gap just under the threshold is scheduling, not a pause");
    }

    @Test
    void afterAPauseTheViewIsInDoubtUntilEveryOtherMemberCastsAfterIt() {
        pass(Duration.ofSeconds(20));
        assertFalse(confirmation.isConfirmed(), "the first check after the pause finds the gap itself");
        long resumedAt = millis;
        confirmation.multicastFrom("b", resumedAt + CLOCK_MARGIN.toMillis() + 100);
        assertFalse(confirmation.isConfirmed(), "c has not spoken yet");
        confirmation.multicastFrom("c", resumedAt + CLOCK_MARGIN.toMillis() + 200);
        assertTrue(confirmation.isConfirmed());
    }

    @Test
    void whatWasSentDuringThePauseOrWithinTheClockMarginDoesNotCount() {
        pass(Duration.ofSeconds(20));
        confirmation.running();
        long resumedAt = millis;
        confirmation.multicastFrom("b", resumedAt - 8_000);
        confirmation.multicastFrom("c", resumedAt - 1);
        confirmation.multicastFrom("b", resumedAt + CLOCK_MARGIN.toMillis() - 1);
        confirmation.multicastFrom("c", resumedAt + CLOCK_MARGIN.toMillis() - 1);
        assertFalse(confirmation.isConfirmed(), "a sender's clock may run ahead by up to the margin");
    }

    @Test
    void aNewViewChangesWhoseWordIsAwaited() {
        pass(Duration.ofSeconds(20));
        confirmation.running();
        long fresh = millis + CLOCK_MARGIN.toMillis();
        confirmation.multicastFrom("b", fresh);
        confirmation.viewInstalled("a", List.of("a", "b", "d"));
        assertFalse(confirmation.isConfirmed(), "d joined and has not spoken");
        confirmation.multicastFrom("d", fresh);
        assertTrue(confirmation.isConfirmed());
    }

    @Test
    void aViewOfThisNodeAloneEndsTheDoubtForTheCachesPartitionHandlingTakesOver() {
        pass(Duration.ofSeconds(20));
        confirmation.running();
        confirmation.viewInstalled("a", List.of("a"));
        assertTrue(confirmation.isConfirmed());
    }

    @Test
    void everyMembersWordIsNotEnoughUntilTheCachesHaveCaughtUp() {
        pass(Duration.ofSeconds(20));
        confirmation.running();
        cachesCaughtUp = false;
        confirmation.multicastFrom("b", millis + CLOCK_MARGIN.toMillis());
        confirmation.multicastFrom("c", millis + CLOCK_MARGIN.toMillis());
        assertFalse(confirmation.isConfirmed(), "the merged view is installed, the entries not yet merged");
        cachesCaughtUp = true;
        assertTrue(confirmation.isConfirmed());
    }

    @Test
    void aSecondPauseBeforeTheFirstIsSettledStartsTheCountAgain() {
        pass(Duration.ofSeconds(20));
        confirmation.running();
        confirmation.multicastFrom("b", millis + CLOCK_MARGIN.toMillis());
        pass(Duration.ofSeconds(20));
        confirmation.running();
        confirmation.multicastFrom("c", millis + CLOCK_MARGIN.toMillis());
        assertFalse(confirmation.isConfirmed(), "b's word came before the second pause");
        confirmation.multicastFrom("b", millis + CLOCK_MARGIN.toMillis());
        assertTrue(confirmation.isConfirmed());
    }
}

package dev.latchkey.cluster;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The offset arithmetic behind the clock check, with time in nanoseconds given by the test. */
class ClockOffsetsTest {

    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final long SECOND = 1_000_000_000L;

    @Test
    void withNoPeersTheClockIsInSync() {
        assertFalse(new ClockOffsets().evaluate(0, BOUND).outOfSync());
    }

    @Test
    void aNodeBehindMostOfItsPeersIsOutOfSyncAndTheyAreNot() {
        // This node lags both peers by 60 s.
        ClockOffsets lagging = new ClockOffsets();
        lagging.record("a", 60_000, 0);
        lagging.record("b", 60_000, 0);
        ClockOffsets.Status status = lagging.evaluate(SECOND, BOUND);
        assertTrue(status.outOfSync());
        assertEquals(60_000, status.largestOffsetMillis());
        assertEquals(2, status.peersOutOfStep());

        // A peer of it sees one of two peers off: that is the other's problem, not its own.
        ClockOffsets peer = new ClockOffsets();
        peer.record("lagging", -60_000, 0);
        peer.record("b", 3, 0);
        assertFalse(peer.evaluate(SECOND, BOUND).outOfSync());
        assertEquals(-60_000, peer.evaluate(SECOND, BOUND).largestOffsetMillis());
    }

    @Test
    void withTwoMembersBothReportTheDisagreement() {
        ClockOffsets offsets = new ClockOffsets();
        offsets.record("other", -6_000, 0);
        assertTrue(offsets.evaluate(SECOND, BOUND).outOfSync());
    }

    @Test
    void theBoundItselfIsStillInSync() {
        ClockOffsets offsets = new ClockOffsets();
        offsets.record("other", 5_000, 0);
        assertFalse(offsets.evaluate(SECOND, BOUND).outOfSync());
    }

    @Test
    void aDelayedMessageOrAStepEveryNodeTakesDoesNotCountButALastingOffsetDoes() {
        ClockOffsets offsets = new ClockOffsets();
        offsets.record("a", 0, 0);
        offsets.record("a", -9_000, SECOND); // held in a queue for 9 s
        assertFalse(offsets.evaluate(2 * SECOND, BOUND).outOfSync());
        // The peer's clock really is 9 s behind from now on: it shows once the old window has passed.
        for (long t = 2; t <= 12; t += 2) {
            offsets.record("a", -9_000, t * SECOND);
        }
        assertTrue(offsets.evaluate(12 * SECOND, BOUND).outOfSync());
        // Set right again: back in sync with the next sample.
        offsets.record("a", 1, 13 * SECOND);
        assertFalse(offsets.evaluate(13 * SECOND, BOUND).outOfSync());
    }

    @Test
    void peersNotHeardFromOrNoLongerMembersAreLeftOut() {
        ClockOffsets offsets = new ClockOffsets();
        offsets.record("gone", 60_000, 0);
        assertTrue(offsets.evaluate(SECOND, BOUND).outOfSync());
        assertFalse(offsets.evaluate(ClockOffsets.STALE.toNanos() + 2 * SECOND, BOUND).outOfSync());

        offsets.record("left", 60_000, 0);
        offsets.retainOnly(List.of("someone-else"));
        assertEquals(0, offsets.evaluate(SECOND, BOUND).peersHeard());
    }
}

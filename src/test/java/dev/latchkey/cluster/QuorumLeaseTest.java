package dev.latchkey.cluster;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both halves of the lease, with time moved by hand: when a node stops trusting its replica, and
 * how long the others hold their acknowledgements after they excluded it.
 */
class QuorumLeaseTest {

    private static final Duration MAX_CLOCK_OFFSET = Duration.ofSeconds(5);

    private long now = 5_000_000_000L;
    private QuorumLease lease;

    @BeforeEach
    void threeMembers() {
        lease = new QuorumLease(MAX_CLOCK_OFFSET);
        lease.viewInstalled("a", List.of("a", "b", "c"), now);
    }

    private void pass(Duration duration) {
        now += duration.toNanos();
    }

    @Test
    void aNodeThatHearsFromOneOtherOfThreeHoldsItsLease() {
        for (int beat = 0; beat < 30; beat++) {
            pass(Duration.ofSeconds(2));
            lease.heard("b", QuorumLease.sentNanos(now, 3));
            assertTrue(lease.holds(now), "b and this node are a majority of three");
        }
        assertEquals(Set.of("b"), lease.heardWithinTerm(now));
    }

    @Test
    void aNodeThatHearsFromNoOtherLapsesAfterTheTermAndNotBefore() {
        lease.heard("b", QuorumLease.sentNanos(now, 0));
        lease.heard("c", QuorumLease.sentNanos(now, 0));
        pass(QuorumLease.TERM.minusMillis(1));
        assertTrue(lease.holds(now));
        pass(Duration.ofMillis(1));
        assertFalse(lease.holds(now), "cut off from both others for the whole term");
        lease.heard("c", QuorumLease.sentNanos(now, 0));
        assertTrue(lease.holds(now), "a fresh word from c renews it");
    }

    @Test
    void messagesHeldBackByACutAndDeliveredAtTheHealRenewNothing() {
        pass(Duration.ofSeconds(30));
        // Sealed 29 s ago by the senders' clocks, delivered only now.
        lease.heard("b", QuorumLease.sentNanos(now, 29_000));
        lease.heard("c", QuorumLease.sentNanos(now, 28_500));
        assertFalse(lease.holds(now), "a message counts from when it was sent, not from when it arrived");
    }

    @Test
    void aSenderWhoseClockRunsAheadRenewsFromTheArrivalNotFromTheFuture() {
        pass(Duration.ofSeconds(30));
        lease.heard("b", QuorumLease.sentNanos(now, -4_000));
        pass(QuorumLease.TERM);
        assertFalse(lease.holds(now), "a negative age cannot stretch the term beyond its arrival");
    }

    @Test
    void anOlderMessageNeverTakesTheRenewalBack() {
        pass(Duration.ofSeconds(10));
        lease.heard("b", QuorumLease.sentNanos(now, 0));
        lease.heard("b", QuorumLease.sentNanos(now, 20_000));
        assertTrue(lease.holds(now));
    }

    @Test
    void aMemberThatJoinsCountsAsHeardWhenTheViewNamesIt() {
        pass(Duration.ofSeconds(30));
        lease.viewInstalled("a", List.of("a", "b", "c", "d"), now);
        assertFalse(lease.holds(now), "b and c were silent: a and d are not a majority of four");
        lease.viewInstalled("a", List.of("a", "b", "c", "d", "e"), now);
        assertTrue(lease.holds(now), "a and the two that just joined are three of five");
    }

    @Test
    void aSenderNotInTheViewRenewsNothing() {
        lease.viewInstalled("a", List.of("a", "b"), now);
        pass(Duration.ofSeconds(10));
        lease.heard("c", QuorumLease.sentNanos(now, 0));
        assertFalse(lease.holds(now), "of a two-member view, this node needs b");
    }

    @Test
    void aViewOfThisNodeAloneAlwaysHolds() {
        lease.viewInstalled("a", List.of("a"), now);
        pass(Duration.ofMinutes(5));
        assertTrue(lease.holds(now), "degraded caches, not the lease, refuse what a node alone must not answer");
    }

    @Test
    void noMemberExcludedMeansNoWait() {
        lease.viewInstalled("a", List.of("a", "b", "c", "d"), now);
        assertEquals(now, lease.excludedMayAnswerUntil(now));
        pass(Duration.ofSeconds(1));
        assertEquals(now, lease.excludedMayAnswerUntil(now));
    }

    @Test
    void anExcludedMemberMayAnswerForItsTermPlusTheClockOffsetAndTheViewSpread() {
        pass(Duration.ofSeconds(3));
        long excludedAt = now;
        lease.viewInstalled("a", List.of("a", "b"), now);
        Duration fence = QuorumLease.TERM.plus(MAX_CLOCK_OFFSET).plus(QuorumLease.VIEW_INSTALL_SPREAD);
        assertEquals(fence, QuorumLease.fence(MAX_CLOCK_OFFSET));
        assertEquals(excludedAt + fence.toNanos(), lease.excludedMayAnswerUntil(now));
        pass(Duration.ofSeconds(4));
        lease.viewInstalled("a", List.of("a", "b", "d"), now);
        assertEquals(excludedAt + fence.toNanos(), lease.excludedMayAnswerUntil(now), "a join moves nothing");
        pass(Duration.ofSeconds(1));
        lease.viewInstalled("a", List.of("a", "d"), now);
        assertEquals(now + fence.toNanos(), lease.excludedMayAnswerUntil(now), "a later exclusion moves it on");
    }

    @Test
    void theTermEndsBeforeHeartbeatDetectionOfEveryShippedStackCanExcludeASilentMember() throws IOException {
        for (String stack : List.of("jgroups-tcp.xml", "jgroups-jdbc-ping.xml")) {
            String xml = Files.readString(Path.of("server-config/infinispan", stack));
            Matcher detection = Pattern.compile("<FD_ALL3\\s+timeout=\"(\\d+)s\"\\s+interval=\"(\\d+)s\"").matcher(xml);
            assertTrue(detection.find(), stack + " declares FD_ALL3 with a timeout and an interval in seconds");
            Duration timeout = Duration.ofSeconds(Long.parseLong(detection.group(1)));
            Duration interval = Duration.ofSeconds(Long.parseLong(detection.group(2)));
            // In a clean cut this node stops answering from its replica before the majority's
            // heartbeat detection stops writing to it; one late heartbeat is no lapse.
            assertTrue(QuorumLease.TERM.compareTo(timeout) < 0, stack + ": the term ends before " + timeout);
            assertTrue(QuorumLease.TERM.compareTo(interval.multipliedBy(3)) >= 0, stack + ": three heartbeats fit in the term");
        }
    }
}

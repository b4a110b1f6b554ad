package dev.latchkey.cluster;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How far each peer's clock is from this node's, from the clock reading every cluster message
 * carries ({@link ChannelSeal}), and whether this node's clock is the one out of step.
 *
 * <p>A sample is (peer's clock when it sent) minus (this clock when it arrived), so a message
 * delayed in a queue makes a peer look behind. Per peer the estimate is therefore the sample
 * closest to zero within the last two five-second windows: with failure-detection heartbeats every
 * two seconds that is several samples, a queueing delay or a clock step that every node takes at
 * once (tests move all clocks together) does not count, and a real offset shows within ten seconds.
 *
 * <p>This node is out of sync when its clock disagrees by more than the bound with more than half
 * of the peers it has heard from recently. With three or more members that takes the one node
 * whose clock is off out of rotation and leaves the others ready; with two members neither can tell
 * which is wrong, so both report it (fail closed; run an odd number of nodes).
 */
final class ClockOffsets {

    static final Duration WINDOW = Duration.ofSeconds(5);
    /** Peers not heard from for this long (gone, or partitioned away) are left out. */
    static final Duration STALE = Duration.ofSeconds(30);

    private final Map<String, Samples> peers = new ConcurrentHashMap<>();

    /** @param offsetMillis the peer's clock minus this node's clock */
    void record(String peer, long offsetMillis, long nowNanos) {
        peers.computeIfAbsent(peer, p -> new Samples()).add(offsetMillis, nowNanos);
    }

    /** Forgets every peer not in {@code members} (called with each new view). */
    void retainOnly(Collection<String> members) {
        peers.keySet().retainAll(members);
    }

    Status evaluate(long nowNanos, Duration bound) {
        int heard = 0;
        int outOfStep = 0;
        long largest = 0;
        for (Samples samples : peers.values()) {
            Long estimate = samples.estimate(nowNanos);
            if (estimate == null) {
                continue;
            }
            heard++;
            if (Math.abs(estimate) > Math.abs(largest)) {
                largest = estimate;
            }
            if (Math.abs(estimate) > bound.toMillis()) {
                outOfStep++;
            }
        }
        return new Status(heard, outOfStep, largest, outOfStep * 2 > heard);
    }

    /**
     * @param peersHeard       peers with a recent sample
     * @param peersOutOfStep   of those, the ones whose offset exceeds the bound
     * @param largestOffsetMillis the estimate furthest from zero (signed: positive means a peer is ahead)
     * @param outOfSync        whether this node's clock disagrees with more than half of them
     */
    record Status(int peersHeard, int peersOutOfStep, long largestOffsetMillis, boolean outOfSync) {
        static final Status NONE = new Status(0, 0, 0, false);
    }

    private static final class Samples {
        private long windowStart;
        private Long current;
        private Long previous;
        private long lastSeen;

        synchronized void add(long offset, long now) {
            if (current == null || now - windowStart > WINDOW.toNanos()) {
                previous = current != null && now - windowStart <= 2 * WINDOW.toNanos() ? current : null;
                current = offset;
                windowStart = now;
            } else if (Math.abs(offset) < Math.abs(current)) {
                current = offset;
            }
            lastSeen = now;
        }

        synchronized Long estimate(long now) {
            if (current == null || now - lastSeen > STALE.toNanos()) {
                return null;
            }
            List<Long> candidates = previous == null ? List.of(current) : List.of(current, previous);
            return candidates.stream().min((a, b) -> Long.compare(Math.abs(a), Math.abs(b))).orElseThrow();
        }
    }
}

package dev.latchkey.cluster;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The two halves of a lease that keep a node cut off from the others from answering out of a
 * replica they no longer write to.
 *
 * <p>Issue 19's fault run measured the hole: a node cut off by the network (not frozen, so
 * {@link ViewConfirmation}'s pause check never fires) keeps its old view until its own failure
 * detection excludes the others. When the majority's detection runs ahead of it, a logout there
 * returns {@code 204} without reaching it, and it still answers the revoked token from its own
 * replica: 1.7 s in one run of five. Either half alone leaves a way through:
 * <ul>
 *   <li><b>This node's half.</b> It answers from its replica only while it has heard, within
 *       {@link #TERM}, from enough members to make a majority of its view with itself. A member's
 *       multicast is that member's word that it still counts this node in (over TCP a member casts
 *       to its own view only). A message counts from when it was <em>sent</em>, as far as this node
 *       can tell: its arrival, moved back by its age by the two wall clocks. So messages held back
 *       by a cut network and delivered in a burst at the heal renew nothing, and a clock step that
 *       every node takes at once changes nothing. Failure detection ({@code FD_ALL3}) excludes a
 *       member after 10 s of silence, so in a clean cut this half ends first, by about 4 s.</li>
 *   <li><b>The majority's half.</b> A member can be excluded faster than any lease kept with
 *       heartbeats every 2 s ({@code FD_SOCK2} with {@code VERIFY_SUSPECT2} in about a second), or
 *       while it still hears the others (a one-way cut). So after a view excludes a member, a
 *       revocation is acknowledged only when that member's lease has surely run out
 *       ({@link #excludedMayAnswerUntil}): the term, counted from the last moment this node or
 *       another survivor can have cast to it, plus the clock offset the cluster tolerates
 *       (its lease is counted with its own clock).</li>
 * </ul>
 * The price of the first half: a node that hears from no majority for {@link #TERM} (a cut, or a
 * starved CPU) doubts its view like a node that stood still, and fails closed until it is
 * confirmed again. The price of the second: in the seconds after a member is excluded, revocations
 * on the others wait up to {@link #fence}, then return.
 */
final class QuorumLease {

    /**
     * Three heartbeat intervals of {@code FD_ALL3} (2 s), so one late heartbeat on a busy machine is
     * no lapse; and well inside its 10 s timeout, so that this half ends before the majority's
     * heartbeat detection has excluded the node.
     */
    static final Duration TERM = Duration.ofSeconds(6);

    /**
     * How long after this node another survivor may install a view that excludes a member, and so
     * still cast to it: JGroups' coordinator waits this long ({@code GMS.view_ack_collection_timeout},
     * 2 s) for the members to install a view before it goes on without them.
     */
    static final Duration VIEW_INSTALL_SPREAD = Duration.ofSeconds(2);

    private final long termNanos;
    private final long fenceNanos;

    /** When each other member of the view last cast to this node, on the monotonic clock. */
    private final Map<String, Long> renewedAt = new ConcurrentHashMap<>();
    private volatile String self;
    private volatile List<String> members = List.of();
    private volatile long excludedMayAnswerUntilNanos;
    private volatile boolean anyExcluded;

    QuorumLease(Duration maxClockOffset) {
        this.termNanos = TERM.toNanos();
        this.fenceNanos = fence(maxClockOffset).toNanos();
    }

    /** How long after this node excluded a member a revocation may have to wait. */
    static Duration fence(Duration maxClockOffset) {
        return TERM.plus(maxClockOffset).plus(VIEW_INSTALL_SPREAD);
    }

    /**
     * A new view. A member that joins counts as heard now (the view that names it is its join); a
     * member that is gone may go on answering from its replica until its lease runs out.
     */
    synchronized void viewInstalled(String localMember, List<String> viewMembers, long nowNanos) {
        Set<String> gone = new HashSet<>(members);
        viewMembers.forEach(gone::remove);
        gone.remove(localMember);
        if (!gone.isEmpty()) {
            long until = nowNanos + fenceNanos;
            if (!anyExcluded || until - excludedMayAnswerUntilNanos > 0) {
                excludedMayAnswerUntilNanos = until;
            }
            anyExcluded = true;
        }
        renewedAt.keySet().retainAll(viewMembers);
        for (String member : viewMembers) {
            if (!member.equals(localMember)) {
                renewedAt.putIfAbsent(member, nowNanos);
            }
        }
        self = localMember;
        members = List.copyOf(viewMembers);
    }

    /**
     * When a message was sent, on this node's monotonic clock, as far as this node can tell: its
     * arrival moved back by its age between the two wall clocks. A message held back by a cut and
     * delivered at the heal is as old as it is; one whose sender's clock runs ahead (a negative
     * age) is dated from its arrival, never from the future.
     *
     * @param ageMillis this node's wall clock when it arrived minus the sender's when it was sealed
     */
    static long sentNanos(long arrivedNanos, long ageMillis) {
        return arrivedNanos - Math.max(0, ageMillis) * 1_000_000L;
    }

    /** A multicast from a member of the view, sent at {@link #sentNanos}. */
    void heard(String member, long sentNanos) {
        renewedAt.computeIfPresent(member, (m, previous) -> sentNanos - previous > 0 ? sentNanos : previous);
    }

    /** Whether enough members of the view cast to this node within the term to make a majority with it. */
    boolean holds(long nowNanos) {
        List<String> view = members;
        String local = self;
        int heard = 1;
        for (String member : view) {
            if (member.equals(local)) {
                continue;
            }
            Long renewed = renewedAt.get(member);
            if (renewed != null && nowNanos - renewed < termNanos) {
                heard++;
            }
        }
        // An empty view is the channel still joining: nothing to doubt yet.
        return view.isEmpty() || heard * 2 > view.size();
    }

    /** The others in this node's view that cast to it within the term, for the log. */
    Set<String> heardWithinTerm(long nowNanos) {
        Set<String> heard = new HashSet<>();
        renewedAt.forEach((member, renewed) -> {
            if (nowNanos - renewed < termNanos) {
                heard.add(member);
            }
        });
        return heard;
    }

    /**
     * Until when (monotonic clock) a member this node's views excluded may still answer from its
     * own replica; in the past when none was excluded lately.
     */
    long excludedMayAnswerUntil(long nowNanos) {
        return anyExcluded ? excludedMayAnswerUntilNanos : nowNanos;
    }
}

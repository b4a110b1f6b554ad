package dev.latchkey.cluster;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Whether this node may still trust its own view of the cluster after its JVM stood still.
 *
 * <p>A JVM that is frozen (a long garbage-collection pause, a stunned VM, {@code SIGSTOP}) for longer
 * than failure detection is excluded by the other members, and nothing tells it so when it runs
 * again: it keeps its old view, reports ready, and reads revocations from its own replica, to which
 * the others no longer send their writes. Issue 19's fault run measured it: a token revoked on the
 * other nodes was accepted on the resumed one for up to 41 s, until the partitions merged.
 *
 * <p>So a node that finds it did not run for {@link #PAUSE} (its own clock-driven tick, or a request,
 * finds the gap) counts its view unconfirmed until three things have happened, in this order:
 * <ol>
 *   <li>It has received a multicast from every other member of its current view that was sent
 *       after the pause: a failure-detection heartbeat, which every member casts every two seconds
 *       unless it cast something else meanwhile, or anything else it cast. Over TCP a member casts
 *       only to the members of its own view, so one multicast from every member proves they all
 *       still count this node in; a new view (the merge, or the others gone) changes whose word is
 *       awaited to its members. Messages sent during the pause arrive in a burst at resume and
 *       must not count, so a multicast counts only if it was sent (its arrival moved back by its
 *       age between the two wall clocks, {@link QuorumLease#sentNanos}) at least the largest clock
 *       offset the cluster tolerates after the pause's end.</li>
 *   <li>The caches have settled ({@link Caches#settled}) and, if the view changed since the pause,
 *       in a topology installed after it. A merge installs the view first and merges the caches
 *       afterwards, and until then this node's topology is the one from before the pause, which
 *       still lists every member: the fault run caught a revocation written on another node at
 *       the merge and accepted here.</li>
 *   <li>The durable revocations have been read into this node's replica again ({@link Caches#reload}):
 *       whatever the others revoked while they did not send to this node is in the database, and
 *       from the topology of step 2 on they send it everything new.</li>
 * </ol>
 * While unconfirmed, every cache operation and so every revocation check is refused (503 with
 * {@code Retry-After}) and readiness is {@code DOWN}: failing closed.
 *
 * <p>The threshold is well above scheduling delays of the tick (every 0.5 s on the channel's timer)
 * and below what failure detection needs to exclude a member ({@code FD_ALL3} timeout 10 s).
 *
 * <p>A node that keeps running but hears from no majority of its view for {@link QuorumLease#TERM}
 * (cut off by the network, or starved of CPU) doubts its view the same way and ends the doubt the
 * same way: it cannot tell whether the others have excluded it ({@link QuorumLease}).
 */
final class ViewConfirmation {

    static final Duration PAUSE = Duration.ofSeconds(5);
    private static final long PAUSE_NANOS = PAUSE.toNanos();

    private static final Logger LOG = Logger.getLogger(ViewConfirmation.class.getName());

    /** What the confirmation needs of the caches; never asked on a JGroups thread but {@link #topologyId}. */
    interface Caches {

        /** The revocations cache's current topology id on this node. */
        int topologyId();

        /** Every cache available and not rebalancing, and every member of the view in the revocations' topology. */
        boolean settled();

        /** Reads every durable revocation into this node's replica again; completes when done. */
        CompletionStage<Void> reload();
    }

    private final LongSupplier nanoTime;
    private final LongSupplier wallMillis;
    private final long clockMarginNanos;
    private final Caches caches;
    private final QuorumLease lease;

    private final AtomicLong lastRunningNanos;
    /** Fast path for every request: no lock while nothing is pending. */
    private volatile boolean pending;

    private String self;
    private List<String> members = List.of();
    private long pauses;
    private long pauseEndedNanos;
    private int topologyAtPause;
    private boolean viewChangedSincePause;
    private boolean reloading;
    private final Set<String> heardSincePause = new HashSet<>();

    ViewConfirmation(LongSupplier nanoTime, LongSupplier wallMillis, Duration clockMargin, Caches caches) {
        this.nanoTime = nanoTime;
        this.wallMillis = wallMillis;
        this.clockMarginNanos = clockMargin.toNanos();
        this.caches = caches;
        this.lease = new QuorumLease(clockMargin);
        this.lastRunningNanos = new AtomicLong(nanoTime.getAsLong());
    }

    /** From the channel's start: the time the stack took to build before it is no pause. */
    void startWatching() {
        lastRunningNanos.set(nanoTime.getAsLong());
    }

    /**
     * False from a pause until the view is confirmed again (see the class comment). On every
     * cache operation, so it only reads while the tick keeps the time fresh: the first check after
     * a pause, which may come before the tick runs again, finds the gap itself.
     */
    boolean isConfirmed() {
        long now = nanoTime.getAsLong();
        if (now - lastRunningNanos.get() >= PAUSE_NANOS) {
            running(now);
        }
        if (!pending && !lease.holds(now)) {
            lapsed(now);
        }
        if (pending) {
            settle();
        }
        return !pending;
    }

    /** Called by the periodic tick: a long gap since the last call is a pause. */
    void running() {
        long now = nanoTime.getAsLong();
        running(now);
        if (!pending && !lease.holds(now)) {
            lapsed(now);
        }
    }

    private void running(long now) {
        // Only the first caller after a pause sees the gap; a caller that read the time earlier never moves it back.
        long last = lastRunningNanos.getAndAccumulate(now, Math::max);
        if (now - last >= PAUSE_NANOS) {
            paused(now, now - last);
        }
    }

    private void paused(long now, long gapNanos) {
        doubt(now, () -> "This node did not run for " + Duration.ofNanos(gapNanos).toMillis() + " ms (a garbage-collection pause,"
                + " a stunned VM, a stopped process): the cluster may have excluded it meanwhile.");
    }

    private synchronized void lapsed(long now) {
        if (pending) {
            return;
        }
        doubt(now, () -> "This node has not heard from a majority of its view " + members + " for "
                + QuorumLease.TERM.toSeconds() + " s (only from " + lease.heardWithinTerm(now) + "; cut off by the network, or"
                + " starved of CPU): the others may be excluding it.");
    }

    private synchronized void doubt(long now, Supplier<String> why) {
        pauses++;
        pauseEndedNanos = now;
        topologyAtPause = caches.topologyId();
        viewChangedSincePause = false;
        heardSincePause.clear();
        pending = true;
        LOG.warning(() -> why.get() + " Cache operations, revocation"
                + " checks included, answer 503 and /health/ready reports DOWN until every member of its view " + others()
                + " (or of the view that replaces it) is heard from again, its caches have settled and its revocations are reloaded");
    }

    synchronized void viewInstalled(String localMember, List<String> viewMembers) {
        lease.viewInstalled(localMember, viewMembers, nanoTime.getAsLong());
        self = localMember;
        members = List.copyOf(viewMembers);
        if (pending) {
            viewChangedSincePause = true;
        }
    }

    /** A message the sender cast to its view, stamped with the sender's clock. */
    void multicastFrom(String sender, long sentAtMillis) {
        long sentNanos = QuorumLease.sentNanos(nanoTime.getAsLong(), wallMillis.getAsLong() - sentAtMillis);
        lease.heard(sender, sentNanos);
        if (!pending) {
            return;
        }
        synchronized (this) {
            // The sender's clock may run ahead of this one by up to the margin, which makes a message
            // look younger than it is: only one sent at least the margin after the doubt began counts.
            if (pending && sentNanos - pauseEndedNanos >= clockMarginNanos) {
                heardSincePause.add(sender);
            }
        }
    }

    private synchronized void settle() {
        if (!pending || reloading || !heardSincePause.containsAll(others()) || !caches.settled()
                || (viewChangedSincePause && caches.topologyId() <= topologyAtPause)) {
            return;
        }
        reloading = true;
        long pause = pauses;
        caches.reload().whenComplete((done, failure) -> reloaded(pause, failure));
    }

    private synchronized void reloaded(long pause, Throwable failure) {
        reloading = false;
        if (failure != null) {
            // The next check tries again; until then the node stays out.
            LOG.log(Level.WARNING, "Reloading the revocations after a pause failed with {0}; tried again at the next check",
                    failure.getClass().getName());
            return;
        }
        if (pending && pause == pauses) {
            pending = false;
            long waited = Duration.ofNanos(nanoTime.getAsLong() - pauseEndedNanos).toMillis();
            LOG.info(() -> "This node's view of the cluster " + members + " is confirmed again, " + waited + " ms after the pause");
        }
    }

    /**
     * Until when (monotonic clock) a member that this node's views excluded may still answer from
     * its own replica: a revocation acknowledged before then may not have reached it.
     */
    long excludedMayAnswerUntil() {
        return lease.excludedMayAnswerUntil(nanoTime.getAsLong());
    }

    private Set<String> others() {
        Set<String> others = new HashSet<>(members);
        others.remove(self);
        return others;
    }
}

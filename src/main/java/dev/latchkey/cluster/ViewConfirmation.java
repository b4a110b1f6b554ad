package dev.latchkey.cluster;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
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
 * finds the gap) counts its view unconfirmed until it has received a multicast from every other
 * member of its current view that was sent after the pause: a failure-detection heartbeat, which
 * every member casts every two seconds unless it cast something else meanwhile, or anything else it
 * cast. Over TCP a member casts only to the members of its own view, so one multicast from every
 * member proves they all still count this node in; a new view (the merge, or the others gone) changes whose heartbeats are
 * awaited to its members. And then the caches must have caught up: every member of the view in
 * every cache's topology, no state transfer or conflict resolution running. A merge installs the
 * view first and merges the caches' entries afterwards; the fault run caught a revocation written
 * on another node in that gap and accepted on the resumed one. Messages sent during the pause arrive in a burst at resume and must not count, so a
 * multicast counts only if the sender's clock read at least the pause's end plus the largest clock
 * offset the cluster tolerates. While unconfirmed, every cache operation and so every revocation
 * check is refused (503 with {@code Retry-After}) and readiness is {@code DOWN}: failing closed.
 *
 * <p>The threshold is well above scheduling delays (requests and the tick both count as running)
 * and below what failure detection needs to exclude a member ({@code FD_ALL3} timeout 10 s).
 */
final class ViewConfirmation {

    static final Duration PAUSE = Duration.ofSeconds(5);

    private static final Logger LOG = Logger.getLogger(ViewConfirmation.class.getName());

    private final LongSupplier nanoTime;
    private final LongSupplier wallMillis;
    private final long clockMarginMillis;
    private final BooleanSupplier cachesCaughtUp;

    private final AtomicLong lastRunningNanos;
    /** Fast path for every request: no lock while nothing is pending. */
    private volatile boolean pending;

    private String self;
    private List<String> members = List.of();
    private long pauseEndedNanos;
    private long heartbeatsFromMillis;
    private final Set<String> heardSincePause = new HashSet<>();

    /**
     * @param cachesCaughtUp whether every cache's topology holds every member of the view, with no
     *                       state transfer running; asked only while the view is in doubt, and never
     *                       on a JGroups thread
     */
    ViewConfirmation(LongSupplier nanoTime, LongSupplier wallMillis, Duration clockMargin, BooleanSupplier cachesCaughtUp) {
        this.nanoTime = nanoTime;
        this.wallMillis = wallMillis;
        this.clockMarginMillis = clockMargin.toMillis();
        this.cachesCaughtUp = cachesCaughtUp;
        this.lastRunningNanos = new AtomicLong(nanoTime.getAsLong());
    }

    /** From the channel's start: the time the stack took to build before it is no pause. */
    void startWatching() {
        lastRunningNanos.set(nanoTime.getAsLong());
    }

    /** False from a pause until every member of the view is heard from again. */
    boolean isConfirmed() {
        running();
        if (pending) {
            settle();
        }
        return !pending;
    }

    /** Called by a periodic tick and by every check: a long gap since the last call is a pause. */
    void running() {
        long now = nanoTime.getAsLong();
        // Only the first caller after a pause sees the gap; a caller that read the time earlier never moves it back.
        long last = lastRunningNanos.getAndAccumulate(now, Math::max);
        if (now - last >= PAUSE.toNanos()) {
            paused(now, now - last);
        }
    }

    private synchronized void paused(long now, long gapNanos) {
        pauseEndedNanos = now;
        heartbeatsFromMillis = wallMillis.getAsLong() + clockMarginMillis;
        heardSincePause.clear();
        pending = true;
        LOG.warning(() -> "This node did not run for " + Duration.ofNanos(gapNanos).toMillis() + " ms (a garbage-collection pause,"
                + " a stunned VM, a stopped process): the cluster may have excluded it meanwhile. Cache operations, revocation"
                + " checks included, answer 503 and /health/ready reports DOWN until every member of its view " + others()
                + " is heard from again, or a new view is installed, and its caches have caught up");
    }

    synchronized void viewInstalled(String localMember, List<String> viewMembers) {
        self = localMember;
        members = List.copyOf(viewMembers);
    }

    /** A message the sender cast to its view, stamped with the sender's clock. */
    void multicastFrom(String sender, long sentAtMillis) {
        if (!pending) {
            return;
        }
        synchronized (this) {
            if (pending && sentAtMillis >= heartbeatsFromMillis) {
                heardSincePause.add(sender);
            }
        }
    }

    private synchronized void settle() {
        if (pending && heardSincePause.containsAll(others()) && cachesCaughtUp.getAsBoolean()) {
            pending = false;
            long waited = Duration.ofNanos(nanoTime.getAsLong() - pauseEndedNanos).toMillis();
            LOG.info(() -> "This node's view of the cluster " + members + " is confirmed again, " + waited + " ms after the pause");
        }
    }

    private Set<String> others() {
        Set<String> others = new HashSet<>(members);
        others.remove(self);
        return others;
    }
}

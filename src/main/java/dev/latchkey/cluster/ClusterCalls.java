package dev.latchkey.cluster;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.infinispan.commons.CacheException;
import org.infinispan.commons.TimeoutException;
import org.infinispan.partitionhandling.AvailabilityException;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The one bound on how long a request waits for the cache cluster. A replicated operation on a
 * node the others have excluded, and which has not noticed yet, can wait far longer than the
 * caches' own remote timeout (issue 19's fault run saw waits cut only by the listener's 30 s
 * request deadline, answered 500). Past {@code latchkey.cluster.operation-timeout-seconds} the
 * request gets Infinispan's {@link TimeoutException}, which the problem mapper answers {@code 503}
 * with {@code Retry-After}; the operation itself may still complete in the background.
 *
 * <p>And the one gate: while this node's view of the cluster is unconfirmed after its JVM stood
 * still ({@link ViewConfirmation}), no operation is started at all. The caller gets Infinispan's
 * {@link AvailabilityException}, as on the minority side of a partition, and answers 503.
 */
@ApplicationScoped
public class ClusterCalls {

    @Inject
    ClusterSettings settings;

    @Inject
    CacheContainer container;

    /** For CDI. */
    protected ClusterCalls() {
    }

    /** For code outside a container (unit tests): a single node, never in doubt about its view. */
    public ClusterCalls(ClusterSettings settings) {
        this.settings = settings;
    }

    /** Starts the operation, unless this node's view is in doubt, and waits for it within the bound. */
    public <T> T call(Supplier<? extends CompletionStage<T>> operation) {
        if (container != null && !container.isViewConfirmed()) {
            throw new AvailabilityException("This node's view of the cluster is unconfirmed since its JVM stood still");
        }
        return await(operation.get(), settings.operationTimeout());
    }

    /**
     * Call before acknowledging a revocation: returns once every node that may still answer from its
     * own replica has received it. A member excluded from the view in the last seconds may still do
     * so until its lease runs out ({@link QuorumLease}); then this waits, at most
     * {@link QuorumLease#fence} after the exclusion. Otherwise it returns at once.
     */
    public void awaitExcludedMembersOut() {
        if (container == null) {
            return;
        }
        try {
            container.awaitExcludedMembersOut();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new AvailabilityException("Interrupted while a member excluded from the cluster may still answer from its replica");
        }
    }

    static <T> T await(CompletionStage<T> operation, Duration bound) {
        try {
            return operation.toCompletableFuture().get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException notAnswered) {
            throw new TimeoutException("The cache cluster did not answer within " + bound.toSeconds() + " s");
        } catch (ExecutionException failed) {
            if (failed.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new CacheException(failed.getCause());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new CacheException(interrupted);
        }
    }
}

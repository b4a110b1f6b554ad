package dev.latchkey.dpop;

import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPProofUse;
import com.nimbusds.oauth2.sdk.util.singleuse.AlreadyUsedException;
import com.nimbusds.oauth2.sdk.util.singleuse.SingleUseChecker;
import dev.latchkey.cluster.CacheContainer;
import dev.latchkey.cluster.ClusterCalls;
import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemException;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.infinispan.Cache;
import org.infinispan.partitionhandling.AvailabilityException;

import java.util.concurrent.TimeUnit;

/**
 * Each proof's {@code jti} is accepted once across the whole cluster. Nimbus's own single-use
 * checker is a map in one JVM: a proof replayed against another node would pass there. This one
 * is a replicated Infinispan cache ({@code dpop-proofs}), and {@code putIfAbsent} is decided on
 * the entry's primary owner, so of two nodes that see the same proof at once exactly one wins.
 *
 * <p>Nimbus calls it only after the proof's signature verified, so nobody without the key can
 * use up someone else's {@code jti}. An entry lives as long as a proof with that {@code jti} could
 * still be accepted: the maximum age plus the skew on either side.
 */
@ApplicationScoped
public class ProofReplayCache implements SingleUseChecker<DPoPProofUse> {

    @Inject
    CacheContainer container;

    @Inject
    DpopSettings settings;

    @Inject
    ClusterCalls cluster;

    private Cache<String, String> cache;

    @PostConstruct
    void init() {
        cache = container.cache(CacheContainer.DPOP_PROOFS);
    }

    /** For code outside a container (unit tests), on a cache of its own. */
    static ProofReplayCache on(Cache<String, String> cache, DpopSettings settings, ClusterCalls cluster) {
        ProofReplayCache replayCache = new ProofReplayCache();
        replayCache.cache = cache;
        replayCache.settings = settings;
        replayCache.cluster = cluster;
        return replayCache;
    }

    /**
     * @throws ProblemException 503 when this node is on the minority side of a partition: it
     *                          cannot know whether the other side saw the proof, so it fails closed
     */
    @Override
    public void markAsUsed(DPoPProofUse use) throws AlreadyUsedException {
        // The key holder's thumbprint scopes the jti: two clients that happen to pick the same jti
        // do not collide.
        String key = use.getIssuer().getValue() + "|" + use.getJWTID().getValue();
        long lifespanSeconds = settings.proofMaxAge().toSeconds() + 2 * settings.clockSkew().toSeconds();
        try {
            if (cluster.call(() -> cache.putIfAbsentAsync(key, "1", lifespanSeconds, TimeUnit.SECONDS)) != null) {
                throw new AlreadyUsedException("The DPoP proof was used before");
            }
        } catch (AvailabilityException e) {
            throw new ProblemException(Problem.unavailableHere());
        }
    }
}

package dev.latchkey.health;

import dev.latchkey.cluster.CacheContainer;
import dev.latchkey.keys.SigningKeys;
import dev.latchkey.revocation.RevocationList;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code /health/ready}: green only when this node may serve authenticated traffic, which is when
 * its cache container is running (and, in a cluster, part of a healthy cluster), it holds every
 * durable revocation, and its signing-key set was read from the database recently enough
 * ({@code latchkey.keys.max-staleness-seconds}): a stale key set may still trust a revoked key.
 * Load balancers must route by it.
 */
@Readiness
@ApplicationScoped
public class LatchkeyReadiness implements HealthCheck {

    @Inject
    CacheContainer container;

    @Inject
    RevocationList revocations;

    @Inject
    SigningKeys signingKeys;

    @Override
    public HealthCheckResponse call() {
        boolean keysFresh = signingKeys.isKeySetFresh();
        boolean ready = revocations.isLoaded() && container.isHealthy() && keysFresh;
        return HealthCheckResponse.named("latchkey")
                .status(ready)
                .withData("clustered", container.isClustered())
                .withData("members", container.memberCount())
                .withData("revocationsLoaded", revocations.isLoaded())
                .withData("signingKeysFresh", keysFresh)
                .build();
    }
}

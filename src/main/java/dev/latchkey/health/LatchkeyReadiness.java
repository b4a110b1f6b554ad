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
 * its cache container is running (and, in a cluster, part of a healthy cluster whose clocks agree
 * with its own), it holds every durable revocation, and its signing-key set was read from the
 * database recently enough ({@code latchkey.keys.max-staleness-seconds}): a stale key set may still
 * trust a revoked key. Load balancers must route by it.
 *
 * <p>The clock matters because revocation entries live as long as a duration computed on the node
 * that wrote them, while every verifier judges {@code exp} by its own clock: a node whose clock lags
 * accepts a revoked token for the difference. Such a node goes out of rotation (docs/cluster.md).
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
        CacheContainer.ClockCheck clock = container.clockCheck();
        boolean ready = revocations.isLoaded() && container.isHealthy() && keysFresh && clock.inSync();
        return HealthCheckResponse.named("latchkey")
                .status(ready)
                .withData("clockInSync", clock.inSync())
                .withData("largestClockOffsetMillis", clock.largestOffsetMillis())
                .withData("clustered", container.isClustered())
                .withData("members", container.memberCount())
                .withData("revocationsLoaded", revocations.isLoaded())
                .withData("signingKeysFresh", keysFresh)
                .build();
    }
}

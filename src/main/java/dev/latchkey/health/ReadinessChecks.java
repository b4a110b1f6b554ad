package dev.latchkey.health;

import dev.latchkey.cluster.CacheContainer;
import dev.latchkey.keys.SigningKeys;
import dev.latchkey.mail.MailSender;
import dev.latchkey.persistence.DatabaseProbe;
import dev.latchkey.revocation.RevocationList;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;

/**
 * The health checks, one named check each, so that an operator reads which one failed.
 * {@code /health/ready} is green only when this node may serve authenticated traffic; load
 * balancers must route by it. {@code /health/live} only says the process answers: restarting a
 * node because its database is down would not bring the database back.
 *
 * <p>The bodies name checks and carry counts and flags, never a host name, URL, address or
 * version, for anyone who asks: the endpoint is unauthenticated so that a load balancer can call it.
 */
@ApplicationScoped
public class ReadinessChecks {

    /** Well under a load balancer's usual probe timeout (5 s or more). */
    static final Duration DATABASE_BOUND = Duration.ofSeconds(2);

    @Inject
    DatabaseProbe database;

    @Inject
    SigningKeys signingKeys;

    @Inject
    RevocationList revocations;

    @Inject
    CacheContainer container;

    @Inject
    MailSender mail;

    @Produces
    @Liveness
    HealthCheck process() {
        return () -> HealthCheckResponse.up("process");
    }

    /** Every request that reads or writes a session needs it; the pool's own wait is not our bound. */
    @Produces
    @Readiness
    HealthCheck database() {
        return () -> HealthCheckResponse.named("database").status(database.answersWithin(DATABASE_BOUND)).build();
    }

    /**
     * A key set read from the database too long ago ({@code latchkey.keys.max-staleness-seconds})
     * may still trust a key revoked since.
     */
    @Produces
    @Readiness
    HealthCheck signingKeys() {
        return () -> HealthCheckResponse.named("signing-keys").status(signingKeys.isKeySetFresh())
                .withData("signingKeysFresh", signingKeys.isKeySetFresh()).build();
    }

    /** Until every durable revocation is in the cache, a revoked token could pass. */
    @Produces
    @Readiness
    HealthCheck revocationList() {
        return () -> HealthCheckResponse.named("revocations").status(revocations.isLoaded())
                .withData("revocationsLoaded", revocations.isLoaded()).build();
    }

    /**
     * The cache container runs and, in a cluster, this node is part of a healthy cluster (not a
     * minority partition, which may be missing revocations) whose clocks agree with its own:
     * revocation entries live as long as a duration computed on the node that wrote them, while
     * every verifier judges {@code exp} by its own clock, so a node whose clock lags accepts a
     * revoked token for the difference (docs/cluster.md).
     */
    @Produces
    @Readiness
    HealthCheck cluster() {
        return () -> {
            CacheContainer.ClockCheck clock = container.clockCheck();
            return HealthCheckResponse.named("cluster").status(container.isHealthy() && clock.inSync())
                    .withData("clustered", container.isClustered())
                    .withData("members", container.memberCount())
                    .withData("clockInSync", clock.inSync())
                    .withData("largestClockOffsetMillis", clock.largestOffsetMillis())
                    .build();
        };
    }

    /**
     * Stuck mail is a warning, not a reason to take the node out: every request still works, and
     * taking every node out over SMTP would turn a mail outage into a total one.
     */
    @Produces
    @Readiness
    HealthCheck mailOutbox() {
        return () -> HealthCheckResponse.named("mail").up().withData("stalled", mail.isStalled()).build();
    }
}

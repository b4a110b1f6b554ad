package dev.latchkey.health;

import dev.latchkey.cluster.CacheContainer;
import dev.latchkey.keys.SigningKeys;
import dev.latchkey.mail.MailSender;
import dev.latchkey.persistence.DatabaseProbe;
import dev.latchkey.revocation.RevocationList;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;
import java.util.function.Function;

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

    /**
     * Whether the application has started: every bean that starts itself on the startup event
     * (keys, settings, the cluster) has done so. Until then each readiness check is down without
     * touching those beans. WildFly asks the checks while the deployment is still starting, from
     * a management thread on which the deployment's resources (java:comp) cannot be looked up: a
     * check that touched a bean there failed with an ERROR and a stack trace, and the first probe
     * started the cache cluster itself, outside the deployment's own startup order.
     */
    private volatile boolean started;

    void started(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER + 1000) @Initialized(ApplicationScoped.class) Object event) {
        started = true;
    }

    /** The named check, or that name down while the application is still starting. */
    private HealthCheck onceStarted(String name, Function<HealthCheckResponseBuilder, HealthCheckResponse> check) {
        return () -> started ? check.apply(HealthCheckResponse.named(name))
                : HealthCheckResponse.named(name).down().withData("started", false).build();
    }

    @Produces
    @Liveness
    HealthCheck process() {
        return () -> HealthCheckResponse.up("process");
    }

    /** Every request that reads or writes a session needs it; the pool's own wait is not our bound. */
    @Produces
    @Readiness
    HealthCheck database() {
        return onceStarted("database", check -> check.status(database.answersWithin(DATABASE_BOUND)).build());
    }

    /**
     * A key set read from the database too long ago ({@code latchkey.keys.max-staleness-seconds})
     * may still trust a key revoked since.
     */
    @Produces
    @Readiness
    HealthCheck signingKeys() {
        return onceStarted("signing-keys", check -> check.status(signingKeys.isKeySetFresh())
                .withData("signingKeysFresh", signingKeys.isKeySetFresh()).build());
    }

    /** Until every durable revocation is in the cache, a revoked token could pass. */
    @Produces
    @Readiness
    HealthCheck revocationList() {
        return onceStarted("revocations", check -> check.status(revocations.isLoaded())
                .withData("revocationsLoaded", revocations.isLoaded()).build());
    }

    /**
     * The cache container runs and, in a cluster, this node is part of a healthy cluster (not a
     * minority partition, which may be missing revocations) whose clocks agree with its own:
     * revocation entries live as long as a duration computed on the node that wrote them, while
     * every verifier judges {@code exp} by its own clock, so a node whose clock lags accepts a
     * revoked token for the difference (docs/cluster.md). Nor a node that stood still and has not
     * yet heard that its view's members still count it in (issue 19's pause).
     */
    @Produces
    @Readiness
    HealthCheck cluster() {
        return onceStarted("cluster", check -> {
            CacheContainer.ClockCheck clock = container.clockCheck();
            boolean viewConfirmed = container.isViewConfirmed();
            return check.status(container.isHealthy() && clock.inSync() && viewConfirmed)
                    .withData("clustered", container.isClustered())
                    .withData("viewConfirmed", viewConfirmed)
                    .withData("members", container.memberCount())
                    .withData("clockInSync", clock.inSync())
                    .withData("largestClockOffsetMillis", clock.largestOffsetMillis())
                    .build();
        });
    }

    /**
     * Stuck mail is a warning, not a reason to take the node out: every request still works, and
     * taking every node out over SMTP would turn a mail outage into a total one.
     */
    @Produces
    @Readiness
    HealthCheck mailOutbox() {
        return onceStarted("mail", check -> check.up().withData("stalled", mail.isStalled()).build());
    }
}

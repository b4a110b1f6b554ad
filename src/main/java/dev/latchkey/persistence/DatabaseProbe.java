package dev.latchkey.persistence;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;

/**
 * Whether the database answers now, within a bound. The check runs on another thread because the
 * wait for a pooled connection is the pool's (up to a minute on some servers), not ours: a probe
 * that hangs is worse than one that says no, since the load balancer calling it has its own
 * timeout and would read a hang as the process being gone.
 */
@ApplicationScoped
public class DatabaseProbe {

    @Resource(lookup = DatabaseMigration.DATA_SOURCE)
    DataSource dataSource;

    @Resource
    ManagedExecutorService executor;

    /**
     * Created at boot, on a thread of the application: its resources are looked up in the
     * application's naming context, which the thread that first asks for readiness may not have
     * (WildFly answers /health on its management interface, whose threads have none).
     */
    void createdAtBoot(@Observes @Initialized(ApplicationScoped.class) Object started) {
        // Observing the event is what creates the bean; there is nothing else to do.
    }

    public boolean answersWithin(Duration bound) {
        Future<Boolean> probe = executor.submit(() -> {
            try (Connection connection = dataSource.getConnection()) {
                return connection.isValid((int) Math.max(1, bound.toSeconds()));
            } catch (SQLException unreachable) {
                return false;
            }
        });
        try {
            return probe.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException slow) {
            probe.cancel(true);
            return false;
        } catch (ExecutionException failed) {
            return false;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

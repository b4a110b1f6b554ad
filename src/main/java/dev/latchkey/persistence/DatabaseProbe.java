package dev.latchkey.persistence;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;

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

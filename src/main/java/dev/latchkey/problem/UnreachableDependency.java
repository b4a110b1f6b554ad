package dev.latchkey.problem;

import jakarta.resource.ResourceException;
import org.infinispan.partitionhandling.AvailabilityException;
import org.infinispan.commons.TimeoutException;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.transaction.xa.XAException;

/**
 * Whether a failure means that something this node depends on cannot be reached right now, the
 * database or the other members of the cluster, rather than a fault in Latchkey. Such a failure is
 * answered {@code 503} with {@code Retry-After} (issue 19): the client may retry, and the load
 * balancer, which also sees readiness go down, can send it elsewhere. A {@code 500} would say that
 * Latchkey is broken, and nothing was done in either case.
 *
 * <p>Decided from the types and SQLSTATE classes that JDBC and the SQL standard define, and from
 * the Jakarta Connectors exception every server's connection pool raises when it cannot hand out a
 * connection, so that it holds for every driver and server rather than for one driver's messages.
 * An SQL error of any other class (a constraint, a syntax error) is still a fault, answered 500.
 *
 * <p>A commit that the database's side failed is the database too: the transaction manager reports
 * it as an {@link XAException} whose code blames the resource manager. Payara's pool, when the
 * connection died under a restart between the last statement and the commit, throws exactly that
 * ({@code XAER_RMERR}) with no cause left to read, so the code is all there is to decide by. No
 * constraint of Latchkey's is deferred to commit time, so a statement's own fault surfaces earlier,
 * at the flush, with its SQLSTATE.
 */
public final class UnreachableDependency {

    public static final String DATABASE = "the database";
    public static final String CLUSTER = "the cluster";

    /**
     * SQLSTATE classes of a database that is gone or going, as opposed to a statement that failed:
     * 08 connection exception (SQL standard), 53 insufficient resources and 57P operator
     * intervention (a shutdown, a restart, "cannot connect now": PostgreSQL's), HYT timeouts (ODBC,
     * used by H2 and others).
     */
    private static final List<String> UNREACHABLE_SQL_STATES = List.of("08", "53", "57P", "HYT");

    /** Far more than any real chain; a cycle of causes ends here too. */
    private static final int MAX_CAUSES = 32;

    private UnreachableDependency() {
    }

    /** {@link #DATABASE} or {@link #CLUSTER} when the failure is one of theirs, otherwise nothing. */
    public static Optional<String> of(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Throwable current = failure;
        for (int depth = 0; current != null && depth < MAX_CAUSES && seen.add(current); depth++) {
            if (isDatabaseUnreachable(current)) {
                return Optional.of(DATABASE);
            }
            if (current instanceof TimeoutException || current instanceof AvailabilityException) {
                return Optional.of(CLUSTER);
            }
            current = current.getCause();
        }
        return Optional.empty();
    }

    private static boolean isDatabaseUnreachable(Throwable failure) {
        if (failure instanceof ResourceException) {
            return true;
        }
        if (failure instanceof XAException xa) {
            return xa.errorCode == XAException.XAER_RMFAIL || xa.errorCode == XAException.XAER_RMERR
                    || xa.errorCode == XAException.XA_RBCOMMFAIL;
        }
        if (failure instanceof SQLTransientConnectionException || failure instanceof SQLNonTransientConnectionException
                || failure instanceof SQLRecoverableException || failure instanceof SQLTimeoutException) {
            return true;
        }
        if (failure instanceof SQLException sql && sql.getSQLState() != null) {
            return UNREACHABLE_SQL_STATES.stream().anyMatch(sql.getSQLState()::startsWith);
        }
        return false;
    }
}

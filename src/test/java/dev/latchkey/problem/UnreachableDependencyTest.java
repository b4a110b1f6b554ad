package dev.latchkey.problem;

import jakarta.persistence.PersistenceException;
import jakarta.resource.spi.ResourceAllocationException;
import jakarta.transaction.SystemException;
import jakarta.transaction.TransactionalException;
import org.infinispan.partitionhandling.AvailabilityException;
import org.infinispan.commons.TimeoutException;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.transaction.xa.XAException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which failures are an unreachable database or cluster (503, Retry-After), and which are still
 * faults (500): wrapped as the JPA provider and the transaction interceptor wrap them.
 */
class UnreachableDependencyTest {

    @Test
    void aLostOrRefusedConnectionIsTheDatabaseHoweverDeepItIsWrapped() {
        List<Throwable> failures = List.of(
                new SQLException("connection refused", "08001"),
                new SQLException("I/O error", "08006"),
                new SQLException("terminating connection due to administrator command", "57P01"),
                new SQLException("the database system is starting up", "57P03"),
                new SQLException("too many clients already", "53300"),
                new SQLException("lock timeout", "HYT00"),
                new SQLNonTransientConnectionException("no state at all"),
                new SQLTimeoutException("no state either"),
                // What a server's pool throws when it cannot create or lend a connection.
                new SQLException("Error in allocating a connection", new ResourceAllocationException("pool")),
                // What Payara's transaction manager throws when the connection died before the
                // commit: a SystemException caused by an XAException with no cause of its own.
                systemExceptionCausedBy(new XAException(XAException.XAER_RMERR)),
                systemExceptionCausedBy(new XAException(XAException.XAER_RMFAIL)),
                new XAException(XAException.XA_RBCOMMFAIL));
        for (Throwable failure : failures) {
            Throwable wrapped = new TransactionalException("tx", new PersistenceException(new RuntimeException(failure)));
            assertEquals(Optional.of(UnreachableDependency.DATABASE), UnreachableDependency.of(new PersistenceException(failure)),
                    String.valueOf(failure));
            assertEquals(Optional.of(UnreachableDependency.DATABASE),
                    UnreachableDependency.of(new IllegalStateException(new PersistenceException(new RuntimeException(failure)))));
            assertEquals(Optional.of(UnreachableDependency.DATABASE), UnreachableDependency.of(wrapped));
        }
    }

    @Test
    void aStatementThatFailedIsStillAFault() {
        for (Throwable failure : List.of(
                new SQLIntegrityConstraintViolationException("duplicate key", "23505"),
                new SQLSyntaxErrorException("syntax", "42601"),
                new SQLException("statement timeout (57014 is not an operator's intervention)", "57014"),
                new SQLException("no state"),
                new IllegalStateException("a bug"),
                systemExceptionCausedBy(new XAException(XAException.XAER_PROTO)),
                new XAException(XAException.XA_RBINTEGRITY),
                new NullPointerException())) {
            assertEquals(Optional.empty(), UnreachableDependency.of(new PersistenceException(failure)), String.valueOf(failure));
        }
    }

    private static SystemException systemExceptionCausedBy(XAException cause) {
        SystemException failure = new SystemException();
        failure.initCause(cause);
        return failure;
    }

    @Test
    void aCacheThatTimesOutOrLostItsPartitionIsTheCluster() {
        assertEquals(Optional.of(UnreachableDependency.CLUSTER),
                UnreachableDependency.of(new RuntimeException(new TimeoutException("ISPN000476: Timed out waiting for responses"))));
        assertEquals(Optional.of(UnreachableDependency.CLUSTER),
                UnreachableDependency.of(new AvailabilityException()));
    }

    @Test
    void aCycleOfCausesEnds() {
        RuntimeException first = new RuntimeException("first");
        RuntimeException second = new RuntimeException("second", first);
        first.initCause(second);
        assertEquals(Optional.empty(), UnreachableDependency.of(first));
    }

    @Test
    void theMapperAnswers503WithRetryAfterAndLogsACountNotAStackTraceEach() {
        List<LogRecord> records = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(ProblemExceptionMapper.class.getName());
        logger.addHandler(capture);
        try {
            for (int i = 0; i < 50; i++) {
                Problem problem = ProblemExceptionMapper.problemFor(
                        new PersistenceException(new SQLException("password=hunter2 refused", "08001")));
                assertEquals(503, problem.status());
                assertEquals("5", problem.headers().get("Retry-After"));
            }
            assertTrue(records.size() <= 1, "at most the first line in the minute: " + records.size());
            for (LogRecord record : records) {
                assertTrue(record.getThrown() == null, "no stack trace");
                String line = MessageFormat.format(record.getMessage(), record.getParameters());
                assertFalse(line.contains("hunter2"), "never the driver's message: " + line);
            }
            records.clear();
            Problem fault = ProblemExceptionMapper.problemFor(
                    new PersistenceException(new SQLIntegrityConstraintViolationException("dup", "23505")));
            assertEquals(500, fault.status());
            assertEquals(1, records.size(), "a fault is still logged, every time");
        } finally {
            logger.removeHandler(capture);
        }
    }
}

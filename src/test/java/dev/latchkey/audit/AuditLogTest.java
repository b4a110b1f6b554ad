package dev.latchkey.audit;

import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** An event inside a transaction is written when the transaction ends, and says whether its commit failed. */
class AuditLogTest {

    private final Logger logger = Logger.getLogger("latchkey.audit");
    private final List<String> lines = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        logger.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        logger.removeHandler(capture);
    }

    /** The container's registry, reduced to one transaction in a given state. */
    private static final class OneTransaction implements TransactionSynchronizationRegistry {
        int status;
        final List<Synchronization> synchronizations = new ArrayList<>();

        OneTransaction(int status) {
            this.status = status;
        }

        /** A commit tried, ending as {@code outcome}. */
        void commit(int outcome) {
            synchronizations.forEach(Synchronization::beforeCompletion);
            end(outcome);
        }

        /** A rollback the code asked for (it threw): no commit tried. */
        void end(int outcome) {
            status = outcome;
            synchronizations.forEach(synchronization -> synchronization.afterCompletion(outcome));
        }

        @Override
        public int getTransactionStatus() {
            return status;
        }

        @Override
        public void registerInterposedSynchronization(Synchronization synchronization) {
            synchronizations.add(synchronization);
        }

        @Override
        public Object getTransactionKey() {
            return this;
        }

        @Override
        public void putResource(Object key, Object value) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Object getResource(Object key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void setRollbackOnly() {
            status = Status.STATUS_MARKED_ROLLBACK;
        }

        @Override
        public boolean getRollbackOnly() {
            return status == Status.STATUS_MARKED_ROLLBACK;
        }
    }

    private static AuditLog within(OneTransaction transaction) {
        AuditLog audit = new AuditLog();
        audit.transactions = transaction;
        return audit;
    }

    @Test
    void anEventIsWrittenOnlyOnceItsTransactionCommitted() {
        OneTransaction transaction = new OneTransaction(Status.STATUS_ACTIVE);
        within(transaction).record(AuditEvent.LOGIN, "success", "user-1", null, null);
        assertEquals(List.of(), lines, "nothing is known to have happened yet");
        transaction.commit(Status.STATUS_COMMITTED);
        assertEquals(List.of("{\"event\":\"login\",\"outcome\":\"success\",\"user\":\"user-1\"}"), lines);
    }

    @Test
    void anEventWhoseCommitFailedIsWrittenAsNotCommitted() {
        OneTransaction transaction = new OneTransaction(Status.STATUS_ACTIVE);
        within(transaction).record(AuditEvent.REFRESH_REUSE_DETECTED, "family_revoked", "user-1", "family-1", null);
        transaction.commit(Status.STATUS_ROLLEDBACK);
        assertEquals(List.of("{\"event\":\"refresh_reuse_detected\",\"outcome\":\"family_revoked_not_committed\",\"user\":\"user-1\","
                + "\"family\":\"family-1\"}"), lines);

        lines.clear();
        OneTransaction unknown = new OneTransaction(Status.STATUS_ACTIVE);
        within(unknown).record(AuditEvent.LOGIN, "success", "user-1", null, null);
        unknown.commit(Status.STATUS_UNKNOWN);
        assertEquals(List.of("{\"event\":\"login\",\"outcome\":\"success_not_committed\",\"user\":\"user-1\"}"), lines);
    }

    @Test
    void aRefusalTheCodeRolledBackItselfIsWrittenAsRecorded() {
        OneTransaction transaction = new OneTransaction(Status.STATUS_ACTIVE);
        within(transaction).recordAdminAction(AuditEvent.ADMIN_DISABLE_USER, "refused_no_such_user", "admin-1", null, null);
        transaction.end(Status.STATUS_ROLLEDBACK);
        assertEquals(List.of("{\"event\":\"admin_disable_user\",\"outcome\":\"refused_no_such_user\",\"actor\":\"admin-1\"}"), lines);
    }

    @Test
    void anEventOutsideATransactionIsWrittenAtOnce() {
        within(new OneTransaction(Status.STATUS_NO_TRANSACTION)).record(AuditEvent.LOGIN, "failure_unknown_account", null, null, null);
        assertEquals(List.of("{\"event\":\"login\",\"outcome\":\"failure_unknown_account\"}"), lines);
    }
}

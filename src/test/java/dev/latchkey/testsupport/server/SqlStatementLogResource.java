package dev.latchkey.testsupport.server;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.PersistenceUnit;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.persistence.internal.databaseaccess.DatabaseCall;
import org.eclipse.persistence.jpa.JpaEntityManagerFactory;
import org.eclipse.persistence.sessions.SessionEvent;
import org.eclipse.persistence.sessions.SessionEventAdapter;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test deployments only: records every SQL statement EclipseLink sends to the database from an
 * HTTP request thread while recording is on, with the JTA transaction it ran in. It is how a test
 * proves what one request costs the database (issue 7: one refresh is one transaction of at most
 * three statements). The SQL is recorded with its {@code ?} placeholders, never bound values.
 */
@Path("/test-support/sql")
@ApplicationScoped
public class SqlStatementLogResource {

    @PersistenceUnit(unitName = "latchkey")
    EntityManagerFactory entityManagerFactory;

    @Resource
    TransactionSynchronizationRegistry transactions;

    private final List<String> statements = new ArrayList<>();
    private final Map<Object, Integer> transactionNumbers = new IdentityHashMap<>();
    private volatile boolean recording;
    private boolean listening;

    /** Starts a fresh recording. */
    @POST
    public synchronized void start() {
        if (!listening) {
            entityManagerFactory.unwrap(JpaEntityManagerFactory.class).getServerSession().getEventManager().addListener(new Recorder(this));
            listening = true;
        }
        statements.clear();
        transactionNumbers.clear();
        recording = true;
    }

    @DELETE
    public void stop() {
        recording = false;
    }

    /**
     * {@code {"statements":["1 SELECT ...", ...], "transactions":1}}: each statement prefixed with
     * the number of the database transaction it ran in, 0 for none (autocommit).
     */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public synchronized JsonObject recorded() {
        JsonArrayBuilder list = Json.createArrayBuilder();
        statements.forEach(list::add);
        return Json.createObjectBuilder()
                .add("statements", list)
                .add("transactions", transactionNumbers.size())
                .build();
    }

    private synchronized void record(String sql, boolean onTheTransactionsConnection) {
        Object key = onTheTransactionsConnection ? transactions.getTransactionKey() : null;
        int number = key == null ? 0 : transactionNumbers.computeIfAbsent(key, k -> transactionNumbers.size() + 1);
        statements.add(number + " " + sql);
    }

    /** A worker of the server's HTTP listener: Payara's (Grizzly) or WildFly's (Undertow). */
    static boolean isRequestThread(String threadName) {
        return threadName.startsWith("http-thread-pool") || threadName.startsWith("default task-");
    }

    /** Sees every call EclipseLink makes; keeps those of request threads (not the key-ring refresher's). */
    static final class Recorder extends SessionEventAdapter {
        private final SqlStatementLogResource log;

        Recorder(SqlStatementLogResource log) {
            this.log = log;
        }

        @Override
        public void postExecuteCall(SessionEvent event) {
            if (log.recording && isRequestThread(Thread.currentThread().getName())
                    && event.getCall() instanceof DatabaseCall call) {
                // A call made by the server session itself went through EclipseLink's shared read
                // connections, outside the database transaction, whatever the JTA context says.
                log.record(call.getSQLString(), !event.getSession().isServerSession());
            }
        }
    }
}

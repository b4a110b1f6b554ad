package dev.latchkey.edge;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Keeps unauthenticated garbage from flooding the server log (issue 21). On Payara 6 a request
 * whose path holds a malformed percent-escape ({@code /api/me%zz}) or whose Host header is empty
 * fails in the web container's own request parsing (CoyoteAdapter.postParseRequest), before
 * any application hook; the container logs each one as a SEVERE stack trace of 30 lines
 * (AS-WEB-CORE-00037) and answers an empty 200, which no application code can change
 * (docs/threat-model.md, "The HTTP edge").
 *
 * <p>What the application can reach is the container's logger: a filter on it drops exactly those
 * records, recognised by the Grizzly class that threw, and writes instead at most one WARNING line
 * a minute with how many there were. The line names the kind of failure only, never the request,
 * whose path and headers are the attacker's. Every other record passes unchanged.
 */
@ApplicationScoped
public class ContainerParseFailureLog {

    static final String CONTAINER_LOGGER = "jakarta.enterprise.web.core";

    private static final Logger LOG = Logger.getLogger(ContainerParseFailureLog.class.getName());
    private static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** Held strongly: the log manager keeps loggers only weakly, and the filter lives on the logger. */
    private final Logger containerLogger = Logger.getLogger(CONTAINER_LOGGER);
    private Filter previous;
    private Filter installed;

    void install(@Observes @Initialized(ApplicationScoped.class) Object started) {
        synchronized (containerLogger) {
            previous = containerLogger.getFilter();
            installed = new Collapsing(previous);
            containerLogger.setFilter(installed);
        }
    }

    /** Nothing of this application's class loader may stay on the container's logger after undeploy. */
    void uninstall(@Observes @BeforeDestroyed(ApplicationScoped.class) Object stopping) {
        synchronized (containerLogger) {
            if (installed != null && containerLogger.getFilter() == installed) {
                containerLogger.setFilter(previous);
            }
            installed = null;
        }
    }

    /** The kind of unparsable request a record reports, or null for any other record. */
    static String parseFailure(LogRecord record) {
        Throwable thrown = record.getThrown();
        if (record.getLevel() != Level.SEVERE || thrown == null || thrown.getStackTrace().length == 0) {
            return null;
        }
        String thrower = thrown.getStackTrace()[0].getClassName();
        if (thrower.equals("org.glassfish.grizzly.http.util.URLDecoder")) {
            return "a malformed percent-escape in the path";
        }
        if (thrower.equals("org.glassfish.grizzly.http.server.util.Mapper") && "Host is not set".equals(thrown.getMessage())) {
            return "an empty Host header";
        }
        return null;
    }

    static final class Collapsing implements Filter {
        private final Filter previous;
        private final AtomicLong dropped = new AtomicLong();
        private final AtomicLong nextLineAt = new AtomicLong(System.nanoTime());

        Collapsing(Filter previous) {
            this.previous = previous;
        }

        @Override
        public boolean isLoggable(LogRecord record) {
            String failure = parseFailure(record);
            if (failure == null) {
                return previous == null || previous.isLoggable(record);
            }
            dropped.incrementAndGet();
            long now = System.nanoTime();
            long due = nextLineAt.get();
            // One thread wins the line for this minute; the others only count.
            if (now - due >= 0 && nextLineAt.compareAndSet(due, now + INTERVAL_NANOS)) {
                LOG.log(Level.WARNING, "The web container could not parse {0} request(s) since the last line like this (at most one a minute), the latest with {1};"
                        + " it answered them itself (an empty 200), before Latchkey. Stack traces suppressed.",
                        new Object[] {dropped.getAndSet(0), failure});
            }
            return false;
        }
    }
}

package dev.latchkey.edge;

import dev.latchkey.problem.CountedWarning;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Keeps unauthenticated garbage from flooding the server log (issue 21). These requests make the
 * container log a SEVERE line or a stack trace each, and no application hook comes before them:
 * <ul>
 * <li>a path with a malformed percent-escape ({@code /api/me%zz}) or an empty Host header fails in
 * the web container's own request parsing (CoyoteAdapter.postParseRequest, payara/Payara#8000),
 * logged SEVERE with some 30 lines (AS-WEB-CORE-00037), answered with an empty 200 that no
 * application code can change (docs/threat-model.md, section 6);</li>
 * <li>a path that ends in {@code /..} ({@code /api/me/..}): Grizzly's URI normaliser runs past the
 * end of its buffer ({@code HttpRequestURIDecoder.normalizeBytes},
 * {@code ArrayIndexOutOfBoundsException}), on the same path and with the same answer as the two
 * above (found by the HTTP fuzzer, {@code HttpFuzzIT});</li>
 * <li>a request with both {@code Content-Length} and {@code Transfer-Encoding}: Grizzly's HTTP
 * parser refuses it, and logs a SEVERE line for each (also found by {@code HttpFuzzIT});</li>
 * <li>a client that closes its connection before its answer (typically one that sent part of a
 * body): Jersey logs SEVERE "Connection is closed" while committing the answer, and the web
 * container a WARNING when it flushes the error page that follows (ContainerErrorServlet itself
 * stops quietly). That WARNING goes through Catalina's own logger, which prints the stack trace
 * into the message, so it is recognised by its text;</li>
 * <li>on WildFly, a request refused by the authentication mechanism whose body it left unread
 * (larger than Latchkey reads, too slow, or behind a malformed head; it reads the others first):
 * Undertow then calls {@code sendError} on the committed problem and logs the
 * {@code IllegalStateException} at ERROR with its stack.</li>
 * </ul>
 *
 * <p>What the application can reach is the container's loggers: a filter on each drops exactly
 * those records, recognised by the Grizzly class that threw, and writes instead at most one WARNING
 * line a minute with how many there were of each kind. The line never names the request, whose
 * path and headers are the attacker's. Every other record passes unchanged.
 */
@ApplicationScoped
public class ContainerLogNoise {

    static final List<String> CONTAINER_LOGGERS = List.of(
            "jakarta.enterprise.web.core", "jakarta.enterprise.web", "org.glassfish.jersey.server.ServerRuntime$Responder",
            "org.glassfish.grizzly.http.HttpServerFilter", "io.undertow.request");

    static final String MALFORMED_ESCAPE = "a malformed percent-escape in the path";
    static final String EMPTY_HOST = "an empty Host header";
    static final String DOT_DOT_AT_THE_END = "a path ending in /..";
    static final String BOTH_LENGTHS = "both Content-Length and Transfer-Encoding";

    /** Grizzly's own words (HttpServerFilter), logged without an exception. */
    private static final String BOTH_LENGTHS_MESSAGE = "Can't use both headers Content-Length and Transfer-Encoding from the same request";
    static final String CLIENT_GONE = "a client that closed its connection before its answer";
    static final String UNREAD_BODY_REFUSED = "a refused request whose body Latchkey did not read";

    private static final Logger LOG = Logger.getLogger(ContainerLogNoise.class.getName());

    /** Held strongly: the log manager keeps loggers only weakly, and the filters live on them. */
    private final Map<Logger, Filter> previous = new LinkedHashMap<>();
    private final Map<Logger, Filter> installed = new LinkedHashMap<>();

    void install(@Observes @Initialized(ApplicationScoped.class) Object started) {
        CountedWarning counts = counts();
        for (String name : CONTAINER_LOGGERS) {
            Logger logger = Logger.getLogger(name);
            synchronized (logger) {
                Filter filter = new Collapsing(logger.getFilter(), counts);
                previous.put(logger, logger.getFilter());
                installed.put(logger, filter);
                logger.setFilter(filter);
            }
        }
    }

    /** Nothing of this application's class loader may stay on the container's loggers after undeploy. */
    void uninstall(@Observes @BeforeDestroyed(ApplicationScoped.class) Object stopping) {
        installed.forEach((logger, filter) -> {
            synchronized (logger) {
                if (logger.getFilter() == filter) {
                    logger.setFilter(previous.get(logger));
                }
            }
        });
        installed.clear();
        previous.clear();
    }

    /** The kind of hostile or broken request a record reports, or null for any other record. */
    static String noise(LogRecord record) {
        for (Throwable thrown = record.getThrown(); thrown != null; thrown = thrown.getCause()) {
            String thrower = thrown.getStackTrace().length == 0 ? "" : thrown.getStackTrace()[0].getClassName();
            if (record.getLevel() == Level.SEVERE && thrower.equals("org.glassfish.grizzly.http.util.URLDecoder")) {
                return MALFORMED_ESCAPE;
            }
            // After a few thousand, HotSpot throws this one preallocated, without a stack trace
            // (OmitStackTraceInFastThrow): an index error with no frames, reported by the
            // container's request processing, can only come from before any application code,
            // whose exceptions Latchkey's own mappers and filters catch.
            if (record.getLevel() == Level.SEVERE && thrown instanceof ArrayIndexOutOfBoundsException
                    && (thrower.equals("org.glassfish.grizzly.http.util.HttpRequestURIDecoder") || thrower.isEmpty())) {
                return DOT_DOT_AT_THE_END;
            }
            if (record.getLevel() == Level.SEVERE && thrower.equals("org.glassfish.grizzly.http.server.util.Mapper")
                    && "Host is not set".equals(thrown.getMessage())) {
                return EMPTY_HOST;
            }
            if (thrown instanceof IllegalStateException && thrower.equals("io.undertow.servlet.spec.HttpServletResponseImpl")
                    && "sendError".equals(thrown.getStackTrace()[0].getMethodName())) {
                return UNREAD_BODY_REFUSED;
            }
            if (thrown instanceof IOException && thrower.equals("org.glassfish.grizzly.nio.NIOConnection")
                    && "Connection is closed".equals(thrown.getMessage())) {
                return CLIENT_GONE;
            }
        }
        String message = record.getThrown() == null ? record.getMessage() : null;
        if (record.getLevel() == Level.SEVERE && BOTH_LENGTHS_MESSAGE.equals(message)) {
            return BOTH_LENGTHS;
        }
        if (message != null && message.contains("java.io.IOException: Connection is closed")
                && message.contains("at org.glassfish.grizzly.nio.NIOConnection.assertOpen(")) {
            return CLIENT_GONE;
        }
        return null;
    }

    /** Shared by the filters of all the loggers, so that all of them together write one line a minute. */
    static CountedWarning counts() {
        return new CountedWarning(LOG, "Container log records suppressed since the last line like this (at most one a minute),"
                + " with their stack traces: {0}. Each is a request Latchkey never saw, or a client gone before its answer.");
    }

    static final class Collapsing implements Filter {
        private final Filter previous;
        private final CountedWarning counts;

        Collapsing(Filter previous, CountedWarning counts) {
            this.previous = previous;
            this.counts = counts;
        }

        @Override
        public boolean isLoggable(LogRecord record) {
            String kind = noise(record);
            if (kind == null) {
                return previous == null || previous.isLoggable(record);
            }
            counts.count(kind);
            return false;
        }
    }
}

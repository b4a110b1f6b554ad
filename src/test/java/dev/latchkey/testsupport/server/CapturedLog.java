package dev.latchkey.testsupport.server;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Test deployments only: keeps a copy of every log record the server writes while the application
 * runs (the root logger sees the application's loggers, latchkey.audit among them, and the
 * server's and libraries' own), rendered as a log file would show it: message with its
 * parameters filled in, and any exception with its messages and stack. Tests read it through
 * {@link CapturedLogResource} to prove that no secret ever reaches a log line.
 */
@ApplicationScoped
public class CapturedLog {

    /** Bounded, so that a long test run cannot exhaust the server's memory. */
    private static final int MAX_LINES = 100_000;

    private final Deque<String> lines = new ArrayDeque<>();
    private final Handler handler = new CopyingHandler(this);

    void install(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) @Initialized(ApplicationScoped.class) Object started) {
        Logger.getLogger("").addHandler(handler);
    }

    void uninstall(@Observes @BeforeDestroyed(ApplicationScoped.class) Object stopping) {
        Logger.getLogger("").removeHandler(handler);
    }

    private synchronized void add(String line) {
        if (lines.size() == MAX_LINES) {
            lines.removeFirst();
        }
        lines.addLast(line);
    }

    public synchronized String text() {
        return String.join("\n", lines);
    }

    static final class CopyingHandler extends Handler {
        private final CapturedLog log;
        private final SimpleFormatter formatter = new SimpleFormatter();

        CopyingHandler(CapturedLog log) {
            this.log = log;
        }

        @Override
        public void publish(LogRecord record) {
            StringBuilder line = new StringBuilder()
                    .append(record.getLevel()).append(' ').append(record.getLoggerName()).append(' ')
                    .append(formatter.formatMessage(record));
            if (record.getThrown() != null) {
                StringWriter stack = new StringWriter();
                record.getThrown().printStackTrace(new PrintWriter(stack));
                line.append('\n').append(stack);
            }
            log.add(line.toString());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}

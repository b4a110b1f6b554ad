package dev.latchkey.edge;

import org.junit.jupiter.api.Test;

import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContainerParseFailureLogTest {

    @Test
    void onlyTheContainersParseFailuresAreRecognised() {
        assertEquals("a malformed percent-escape in the path",
                ContainerParseFailureLog.parseFailure(severe(thrownBy("org.glassfish.grizzly.http.util.URLDecoder",
                        new IllegalArgumentException("URLDecoder: Illegal hex characters in escape (%) pattern - %zz")))));
        assertEquals("a malformed percent-escape in the path",
                ContainerParseFailureLog.parseFailure(severe(thrownBy("org.glassfish.grizzly.http.util.URLDecoder",
                        new IllegalStateException("Unexpected termination")))));
        assertEquals("an empty Host header", ContainerParseFailureLog.parseFailure(severe(
                thrownBy("org.glassfish.grizzly.http.server.util.Mapper", new Exception("Host is not set")))));

        assertNull(ContainerParseFailureLog.parseFailure(severe(
                thrownBy("org.glassfish.grizzly.http.server.util.Mapper", new Exception("something else")))));
        assertNull(ContainerParseFailureLog.parseFailure(severe(
                thrownBy("dev.latchkey.Anything", new IllegalArgumentException("URLDecoder: Illegal hex")))));
        LogRecord warning = severe(thrownBy("org.glassfish.grizzly.http.util.URLDecoder", new IllegalArgumentException("x")));
        warning.setLevel(Level.WARNING);
        assertNull(ContainerParseFailureLog.parseFailure(warning));
        assertNull(ContainerParseFailureLog.parseFailure(new LogRecord(Level.SEVERE, "no exception")));
    }

    @Test
    void parseFailuresAreDroppedAndEverythingElseGoesToThePreviousFilter() {
        ContainerParseFailureLog.Collapsing filter = new ContainerParseFailureLog.Collapsing(record -> !record.getMessage().equals("vetoed"));
        for (int i = 0; i < 100; i++) {
            assertFalse(filter.isLoggable(severe(thrownBy("org.glassfish.grizzly.http.util.URLDecoder", new IllegalArgumentException("x")))));
        }
        assertTrue(filter.isLoggable(new LogRecord(Level.SEVERE, "a real failure")));
        assertFalse(filter.isLoggable(new LogRecord(Level.INFO, "vetoed")));
    }

    private static LogRecord severe(Throwable thrown) {
        LogRecord record = new LogRecord(Level.SEVERE, "AS-WEB-CORE-00037");
        record.setThrown(thrown);
        return record;
    }

    private static <T extends Throwable> T thrownBy(String className, T thrown) {
        thrown.setStackTrace(new StackTraceElement[] {new StackTraceElement(className, "decode", "X.java", 1)});
        return thrown;
    }
}

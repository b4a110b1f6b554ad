package dev.latchkey.edge;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContainerLogNoiseTest {

    @Test
    void onlyTheContainersRecordsOfHostileOrVanishedRequestsAreRecognised() {
        assertEquals(ContainerLogNoise.MALFORMED_ESCAPE, ContainerLogNoise.noise(record(Level.SEVERE,
                thrownBy("org.glassfish.grizzly.http.util.URLDecoder", new IllegalArgumentException("URLDecoder: Illegal hex - %zz")))));
        assertEquals(ContainerLogNoise.MALFORMED_ESCAPE, ContainerLogNoise.noise(record(Level.SEVERE,
                thrownBy("org.glassfish.grizzly.http.util.URLDecoder", new IllegalStateException("Unexpected termination")))));
        assertEquals(ContainerLogNoise.EMPTY_HOST, ContainerLogNoise.noise(record(Level.SEVERE,
                thrownBy("org.glassfish.grizzly.http.server.util.Mapper", new Exception("Host is not set")))));
        IOException gone = thrownBy("org.glassfish.grizzly.nio.NIOConnection", new IOException("Connection is closed"));
        assertEquals(ContainerLogNoise.CLIENT_GONE, ContainerLogNoise.noise(record(Level.SEVERE, new UncheckedIOException(gone))));
        assertEquals(ContainerLogNoise.CLIENT_GONE, ContainerLogNoise.noise(record(Level.WARNING, gone)));
        assertEquals(ContainerLogNoise.CLIENT_GONE, ContainerLogNoise.noise(new LogRecord(Level.WARNING,
                "StandardHostValve@7ae94faa: Exception processing ErrorPage[errorCode=500, location=/container-error]\n"
                        + "java.io.IOException: Connection is closed\n\tat org.glassfish.grizzly.nio.NIOConnection.assertOpen(NIOConnection.java:427)\n")));
        assertNull(ContainerLogNoise.noise(new LogRecord(Level.WARNING, "java.io.IOException: Connection is closed, says a client")));
        assertEquals(ContainerLogNoise.DOT_DOT_AT_THE_END, ContainerLogNoise.noise(record(Level.SEVERE,
                thrownBy("org.glassfish.grizzly.http.util.HttpRequestURIDecoder", new ArrayIndexOutOfBoundsException(14)))));
        ArrayIndexOutOfBoundsException withoutFrames = new ArrayIndexOutOfBoundsException();
        withoutFrames.setStackTrace(new StackTraceElement[0]);
        assertEquals(ContainerLogNoise.DOT_DOT_AT_THE_END, ContainerLogNoise.noise(record(Level.SEVERE, withoutFrames)));
        assertNull(ContainerLogNoise.noise(record(Level.SEVERE,
                thrownBy("dev.latchkey.Anything", new ArrayIndexOutOfBoundsException(3)))));
        assertEquals(ContainerLogNoise.BOTH_LENGTHS, ContainerLogNoise.noise(new LogRecord(Level.SEVERE,
                "Can't use both headers Content-Length and Transfer-Encoding from the same request")));
        assertNull(ContainerLogNoise.noise(record(Level.SEVERE,
                thrownBy("org.glassfish.grizzly.http.util.HttpRequestURIDecoder", new IllegalStateException("other")))));
        assertNull(ContainerLogNoise.noise(new LogRecord(Level.SEVERE, "Can't use both headers, says someone else")));

        assertNull(ContainerLogNoise.noise(record(Level.SEVERE,
                thrownBy("org.glassfish.grizzly.http.server.util.Mapper", new Exception("something else")))));
        assertNull(ContainerLogNoise.noise(record(Level.SEVERE,
                thrownBy("dev.latchkey.Anything", new IllegalArgumentException("URLDecoder: Illegal hex")))));
        assertNull(ContainerLogNoise.noise(record(Level.SEVERE,
                thrownBy("org.glassfish.grizzly.nio.NIOConnection", new IOException("No space left on device")))));
        assertNull(ContainerLogNoise.noise(record(Level.WARNING,
                thrownBy("org.glassfish.grizzly.http.util.URLDecoder", new IllegalArgumentException("x")))));
        assertNull(ContainerLogNoise.noise(new LogRecord(Level.SEVERE, "no exception")));

        IllegalStateException committed = new IllegalStateException("UT010019: Response already commited");
        committed.setStackTrace(new StackTraceElement[] {
                new StackTraceElement("io.undertow.servlet.spec.HttpServletResponseImpl", "sendError", "X.java", 139)});
        assertEquals(ContainerLogNoise.UNREAD_BODY_REFUSED, ContainerLogNoise.noise(record(Level.SEVERE, committed)));
        assertNull(ContainerLogNoise.noise(record(Level.SEVERE,
                thrownBy("io.undertow.servlet.spec.HttpServletResponseImpl", new IllegalStateException("elsewhere")))));
    }

    @Test
    void noiseIsDroppedAndEverythingElseGoesToThePreviousFilter() {
        ContainerLogNoise.Collapsing filter = new ContainerLogNoise.Collapsing(
                record -> !record.getMessage().equals("vetoed"), ContainerLogNoise.counts());
        for (int i = 0; i < 100; i++) {
            assertFalse(filter.isLoggable(record(Level.SEVERE,
                    thrownBy("org.glassfish.grizzly.http.util.URLDecoder", new IllegalArgumentException("x")))));
        }
        assertTrue(filter.isLoggable(new LogRecord(Level.SEVERE, "a real failure")));
        assertFalse(filter.isLoggable(new LogRecord(Level.INFO, "vetoed")));
    }

    private static LogRecord record(Level level, Throwable thrown) {
        LogRecord record = new LogRecord(level, "AS-WEB-CORE-00037");
        record.setThrown(thrown);
        return record;
    }

    private static <T extends Throwable> T thrownBy(String className, T thrown) {
        thrown.setStackTrace(new StackTraceElement[] {new StackTraceElement(className, "decode", "X.java", 1)});
        return thrown;
    }
}

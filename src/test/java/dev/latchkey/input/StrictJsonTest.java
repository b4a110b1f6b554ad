package dev.latchkey.input;

import dev.latchkey.http.RequestLimits;
import dev.latchkey.problem.ProblemException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StrictJsonTest {

    @Test
    void aFlagIsAJsonBooleanAndNothingElse() {
        assertEquals("true", read("{\"email\":\"a@example.com\",\"remember_me\":true}").get("remember_me"));
        assertEquals("false", read("{\"email\":\"a@example.com\",\"remember_me\":false}").get("remember_me"));
        assertFalse(read("{\"email\":\"a@example.com\"}").containsKey("remember_me"));
        for (String value : new String[] {"\"true\"", "1", "null", "[true]", "{}"}) {
            assertThrows(ProblemException.class, () -> read("{\"email\":\"a@example.com\",\"remember_me\":" + value + "}"), value);
        }
        assertThrows(ProblemException.class, () -> read("{\"email\":\"a@example.com\",\"remember_me\":true,\"remember_me\":false}"),
                "a flag given twice");
        assertThrows(ProblemException.class, () -> read("{\"email\":true}"), "a string field is no flag");
    }

    @Test
    void aBodyThatTricklesPastTheDeadlineIsRefusedWith408AndAClosedConnection() {
        byte[] body = "{\"email\":\"someone@example.test\"}".getBytes(StandardCharsets.UTF_8);
        // One byte a read, and one second of monotonic time per look at the clock.
        long[] now = {0};
        LongSupplier clock = () -> now[0]++ * 1_000_000_000L;
        ProblemException late = assertThrows(ProblemException.class,
                () -> StrictJson.readBounded(oneByteAtATime(body), clock));
        assertEquals(408, late.problem().status());
        assertEquals("close", late.problem().headers().get("Connection"));
        assertTrue(now[0] <= RequestLimits.BODY_READ_DEADLINE.toSeconds() + 2, "refused at the deadline, not at the end: " + now[0]);

        // The same body, read as slowly but within the deadline, is read whole.
        long[] fast = {0};
        assertArrayEquals(body, StrictJson.readBounded(oneByteAtATime(body), () -> fast[0]++ * 1_000_000L));
    }

    @Test
    void aBodyOverTheLimitIsRefusedWith413WhateverItsPace() {
        byte[] body = new byte[RequestLimits.MAX_BODY_BYTES + 1];
        ProblemException tooLarge = assertThrows(ProblemException.class,
                () -> StrictJson.readBounded(new ByteArrayInputStream(body), () -> 0L));
        assertEquals(413, tooLarge.problem().status());
        assertEquals(RequestLimits.MAX_BODY_BYTES,
                StrictJson.readBounded(new ByteArrayInputStream(new byte[RequestLimits.MAX_BODY_BYTES]), () -> 0L).length);
    }

    private static InputStream oneByteAtATime(byte[] bytes) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] into, int offset, int length) {
                return super.read(into, offset, Math.min(1, length));
            }
        };
    }

    private static Map<String, String> read(String json) {
        return StrictJson.readObject(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), Set.of("email"), Set.of(),
                Set.of("remember_me"));
    }
}

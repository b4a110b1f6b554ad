package dev.latchkey.input;

import dev.latchkey.http.RequestLimits;
import dev.latchkey.problem.ProblemException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StrictFormTest {

    private static final Set<String> KNOWN = Set.of("token", "client_id");

    private static Map<String, String> read(String body) {
        return StrictForm.read(new ByteArrayInputStream(body.getBytes(StandardCharsets.ISO_8859_1)), KNOWN);
    }

    private static void assertBadRequest(String body) {
        ProblemException problem = assertThrows(ProblemException.class, () -> read(body), body);
        assertEquals(400, problem.problem().status());
    }

    @Test
    void knownParametersAreDecodedAndUnknownOnesIgnored() {
        assertEquals(Map.of("token", "a b+c/=", "client_id", "orders"),
                read("token=a+b%2Bc%2F%3D&client_id=orders&unknown=1&&flag"));
        assertEquals(Map.of(), read(""));
        assertEquals(Map.of("token", ""), read("token="));
    }

    @Test
    void repeatedParametersMalformedEncodingAndNonAsciiAreBadRequests() {
        assertBadRequest("token=a&token=b");
        assertBadRequest("token=a&client_id=x&token=a");
        assertBadRequest("token=%zz");
        assertBadRequest("token=%4");
        assertBadRequest("token=caf\u00e9");
        assertBadRequest("token=a\nb");
    }

    @Test
    void oversizedBodiesAreRefused() {
        ProblemException problem = assertThrows(ProblemException.class,
                () -> read("token=" + "a".repeat(RequestLimits.MAX_BODY_BYTES)));
        assertEquals(413, problem.problem().status());
    }
}

package dev.latchkey.input;

import dev.latchkey.problem.ProblemException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

    private static Map<String, String> read(String json) {
        return StrictJson.readObject(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), Set.of("email"), Set.of(),
                Set.of("remember_me"));
    }
}

package dev.latchkey.input;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.latchkey.json.JsonValues;
import dev.latchkey.problem.ProblemException;
import dev.latchkey.testsupport.FuzzBudget;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

import static dev.latchkey.testsupport.FuzzBudget.assertClientError;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The JSON endpoints' bodies: any bytes are read or refused with a 4xx problem, and a valid
 * object, however odd its strings, reads back as written.
 */
class StrictJsonFuzzTest {

    private static final Set<String> REQUIRED = Set.of("email");
    private static final Set<String> OPTIONAL = Set.of("password");
    private static final Set<String> BOOLEANS = Set.of("remember_me");

    @FuzzTest(maxDuration = "60s")
    void bodiesAreReadOrRefusedWithAProblem(FuzzedDataProvider data) {
        if (data.consumeBoolean()) {
            byte[] body = data.consumeRemainingAsBytes();
            FuzzBudget.timed(() -> {
                read(() -> StrictJson.readObject(new ByteArrayInputStream(body), REQUIRED, OPTIONAL, BOOLEANS));
                read(() -> StrictJson.readObjectWithLists(new ByteArrayInputStream(body), Set.of("roles"), Set.of("reason")));
            });
            return;
        }
        String email = data.consumeString(300);
        String password = data.consumeRemainingAsString();
        byte[] body = JsonValues.createObjectBuilder().add("email", email).add("password", password).build().toString()
                .getBytes(StandardCharsets.UTF_8);
        try {
            assertEquals(Map.of("email", email, "password", password),
                    StrictJson.readObject(new ByteArrayInputStream(body), REQUIRED, OPTIONAL, BOOLEANS));
        } catch (ProblemException refused) {
            // Refused in valid JSON on purpose: control characters or unpaired surrogates in a
            // value (not valid Unicode text), and bodies over the size limit.
            assertClientError(refused);
        }
    }

    private static void read(Runnable reading) {
        try {
            reading.run();
        } catch (ProblemException refused) {
            assertClientError(refused);
        }
    }
}

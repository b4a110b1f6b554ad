package dev.latchkey.input;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.latchkey.problem.ProblemException;
import dev.latchkey.testsupport.FuzzBudget;

import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.latchkey.testsupport.FuzzBudget.assertClientError;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * URL-encoded forms (introspection) and HTTP Basic credentials: any bytes are read or refused as
 * a client error, an encoded form reads back as written, and any Authorization headers give
 * credentials or none.
 */
class StrictFormFuzzTest {

    private static final Set<String> KNOWN = Set.of("token", "token_type_hint", "client_id", "client_secret");

    @FuzzTest(maxDuration = "60s")
    void formsAndBasicCredentialsAreReadOrRefused(FuzzedDataProvider data) {
        switch (data.consumeInt(0, 2)) {
            case 0 -> {
                byte[] body = data.consumeRemainingAsBytes();
                FuzzBudget.timed(() -> {
                    try {
                        StrictForm.read(new ByteArrayInputStream(body), KNOWN);
                    } catch (ProblemException refused) {
                        assertClientError(refused);
                    }
                });
            }
            case 1 -> {
                String token = data.consumeString(500);
                String clientId = data.consumeRemainingAsString();
                String body = "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)
                        + "&client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8);
                try {
                    assertEquals(Map.of("token", token, "client_id", clientId),
                            StrictForm.read(new ByteArrayInputStream(body.getBytes(StandardCharsets.US_ASCII)), KNOWN));
                } catch (ProblemException refused) {
                    // Refused on purpose: values that are not valid Unicode text, and bodies over the limit.
                    assertClientError(refused);
                }
            }
            default -> {
                List<String> headers = new ArrayList<>();
                for (int i = data.consumeInt(0, 2); i > 0; i--) {
                    headers.add(data.consumeString(300));
                }
                FuzzBudget.timed(() -> BasicCredentials.from(headers));
            }
        }
    }
}

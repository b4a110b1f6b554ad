package dev.latchkey.input;

import dev.latchkey.problem.ProblemException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads an {@code application/x-www-form-urlencoded} body, the format OAuth endpoints speak
 * (RFC 6749, RFC 7662). Parsed here rather than by the container, so that the same rules as for
 * JSON bodies apply: bounded size, refusal of malformed encodings with 400, and refusal of a
 * parameter that appears twice (RFC 6749 section 3.2: parameters MUST NOT be included more than
 * once, and two copies read first-wins by one component and last-wins by another is how checks
 * get bypassed). Unknown parameters are ignored, as RFC 6749 requires.
 */
public final class StrictForm {

    private StrictForm() {
    }

    /** @return the known parameters present, by name */
    public static Map<String, String> read(InputStream body, Set<String> known) {
        byte[] bytes = StrictJson.readBounded(body);
        Map<String, String> parameters = new HashMap<>();
        for (byte b : bytes) {
            if (b < 0x20 || b > 0x7e) {
                // Form bodies are ASCII: anything else arrives percent-encoded.
                throw ProblemException.badRequest("The form body must be URL-encoded ASCII.");
            }
        }
        for (String pair : new String(bytes, StandardCharsets.US_ASCII).split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decodeComponent(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decodeComponent(pair.substring(equals + 1));
            if (!known.contains(name)) {
                continue;
            }
            if (parameters.putIfAbsent(name, value) != null) {
                throw ProblemException.badRequest("Parameter '" + name + "' appears more than once.");
            }
        }
        return parameters;
    }

    /** Form-decodes one component; 400 when it is not valid URL encoding. */
    public static String decodeComponent(String encoded) {
        try {
            return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            throw ProblemException.badRequest("The form body is not valid URL encoding.");
        }
    }
}

package dev.latchkey.web;

import jakarta.json.Json;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParsingException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads a request body that must be one flat JSON object of string fields, and nothing else.
 *
 * <p>Authentication endpoints are where parser differentials bite: a duplicate {@code "email"}
 * key read first-wins by one component and last-wins by another, or an unexpected field that some
 * later version starts honouring. So this reader is deliberately stricter than JSON-B: duplicate
 * keys, unknown fields, non-string values, nesting and trailing content are all refused with 400,
 * and the body is bounded at {@link RequestLimits#MAX_BODY_BYTES} however it was sent.
 */
public final class StrictJson {

    private StrictJson() {
    }

    /**
     * @param body     the raw request body
     * @param required fields that must be present
     * @param optional fields that may be present
     * @return the fields present, by name
     */
    public static Map<String, String> readObject(InputStream body, Set<String> required, Set<String> optional) {
        byte[] bytes = readBounded(body);
        if (bytes.length == 0) {
            throw ProblemException.badRequest("A JSON object body is required.");
        }
        Map<String, String> fields = new HashMap<>();
        try (JsonParser parser = Json.createParser(new ByteArrayInputStream(bytes))) {
            if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) {
                throw ProblemException.badRequest("The body must be a JSON object.");
            }
            while (true) {
                JsonParser.Event event = parser.next();
                if (event == JsonParser.Event.END_OBJECT) {
                    break;
                }
                String name = parser.getString();
                if (!required.contains(name) && !optional.contains(name)) {
                    // The unknown name is not echoed: it is attacker-chosen, or a secret typed
                    // into the wrong place.
                    throw ProblemException.badRequest("The body may contain only these fields: "
                            + String.join(", ", new java.util.TreeSet<>(allowed(required, optional))) + ".");
                }
                if (fields.containsKey(name)) {
                    throw ProblemException.badRequest("Field '" + name + "' appears more than once.");
                }
                if (parser.next() != JsonParser.Event.VALUE_STRING) {
                    throw ProblemException.badRequest("Field '" + name + "' must be a string.");
                }
                fields.put(name, parser.getString());
            }
            if (parser.hasNext()) {
                throw ProblemException.badRequest("Nothing may follow the JSON object.");
            }
        } catch (JsonParsingException | java.util.NoSuchElementException e) {
            throw new ProblemException(Problem.of(400, "malformed-json", "Bad Request",
                    "The request body is not valid JSON."));
        }
        for (String name : required) {
            if (!fields.containsKey(name)) {
                throw ProblemException.badRequest("Field '" + name + "' is required.");
            }
        }
        return fields;
    }

    private static byte[] readBounded(InputStream body) {
        if (body == null) {
            return new byte[0];
        }
        try {
            byte[] bytes = body.readNBytes(RequestLimits.MAX_BODY_BYTES + 1);
            if (bytes.length > RequestLimits.MAX_BODY_BYTES) {
                throw new ProblemException(RequestLimits.payloadTooLarge());
            }
            return bytes;
        } catch (IOException e) {
            throw ProblemException.badRequest("The request body could not be read.");
        }
    }

    private static Set<String> allowed(Set<String> required, Set<String> optional) {
        Set<String> all = new java.util.HashSet<>(required);
        all.addAll(optional);
        return all;
    }
}

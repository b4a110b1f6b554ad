package dev.latchkey.input;

import dev.latchkey.http.BoundedBody;
import dev.latchkey.http.RequestLimits;
import dev.latchkey.json.JsonValues;
import dev.latchkey.problem.Problem;
import dev.latchkey.problem.ProblemException;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParsingException;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

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
        return readObject(body, required, optional, Set.of());
    }

    /**
     * As {@link #readObject(InputStream, Set, Set)}, with optional yes/no fields as well: each must
     * be the JSON literal {@code true} or {@code false} (not a string, not a number), and is
     * returned as the text {@code "true"} or {@code "false"}.
     *
     * @param optionalFlags fields that may be present, each a JSON boolean
     */
    public static Map<String, String> readObject(InputStream body, Set<String> required, Set<String> optional,
                                                 Set<String> optionalFlags) {
        return read(body, required, optional, optionalFlags, Set.of()).strings();
    }

    /** The most strings a list field may hold. */
    public static final int MAX_LIST_SIZE = 1000;

    /**
     * A JSON object's fields: strings, and lists of strings.
     *
     * @param lists each present list field (all of them are required), in the order sent
     */
    public record Document(Map<String, String> strings, Map<String, List<String>> lists) {
    }

    /**
     * As {@link #readObject(InputStream, Set, Set)}, with required fields that are arrays of
     * strings (at most {@link #MAX_LIST_SIZE}, no nesting, no other kind of element).
     */
    public static Document readObjectWithLists(InputStream body, Set<String> requiredLists, Set<String> optional) {
        return read(body, Set.of(), optional, Set.of(), requiredLists);
    }

    private static Document read(InputStream body, Set<String> required, Set<String> optional, Set<String> optionalFlags,
                                 Set<String> requiredLists) {
        byte[] bytes = readBounded(body);
        if (bytes.length == 0) {
            throw ProblemException.badRequest("A JSON object body is required.");
        }
        Map<String, String> fields = new HashMap<>();
        Map<String, List<String>> lists = new HashMap<>();
        try (JsonParser parser = JsonValues.createParser(new StringReader(decodeUtf8(bytes)))) {
            if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) {
                throw ProblemException.badRequest("The body must be a JSON object.");
            }
            while (true) {
                JsonParser.Event event = parser.next();
                if (event == JsonParser.Event.END_OBJECT) {
                    break;
                }
                String name = parser.getString();
                if (!required.contains(name) && !optional.contains(name) && !optionalFlags.contains(name)
                        && !requiredLists.contains(name)) {
                    // The unknown name is not echoed: it is attacker-chosen, or a secret typed
                    // into the wrong place.
                    throw ProblemException.badRequest("The body may contain only these fields: "
                            + String.join(", ", new java.util.TreeSet<>(allowed(required, optional, optionalFlags, requiredLists))) + ".");
                }
                if (fields.containsKey(name) || lists.containsKey(name)) {
                    throw ProblemException.badRequest("Field '" + name + "' appears more than once.");
                }
                JsonParser.Event kind = parser.next();
                if (requiredLists.contains(name)) {
                    lists.put(name, readStringList(parser, kind, name));
                    continue;
                }
                if (optionalFlags.contains(name)) {
                    if (kind != JsonParser.Event.VALUE_TRUE && kind != JsonParser.Event.VALUE_FALSE) {
                        throw ProblemException.badRequest("Field '" + name + "' must be true or false.");
                    }
                    fields.put(name, String.valueOf(kind == JsonParser.Event.VALUE_TRUE));
                    continue;
                }
                if (kind != JsonParser.Event.VALUE_STRING) {
                    throw ProblemException.badRequest("Field '" + name + "' must be a string.");
                }
                String value = parser.getString();
                if (hasUnpairedSurrogate(value)) {
                    // "\ud800" is valid JSON but no valid text: encoders would turn it into "?",
                    // making two different passwords hash alike.
                    throw ProblemException.badRequest("Field '" + name + "' is not valid Unicode text.");
                }
                fields.put(name, value);
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
        for (String name : requiredLists) {
            if (!lists.containsKey(name)) {
                throw ProblemException.badRequest("Field '" + name + "' is required.");
            }
        }
        return new Document(fields, lists);
    }

    private static List<String> readStringList(JsonParser parser, JsonParser.Event kind, String name) {
        if (kind != JsonParser.Event.START_ARRAY) {
            throw ProblemException.badRequest("Field '" + name + "' must be an array of strings.");
        }
        List<String> values = new ArrayList<>();
        while (true) {
            JsonParser.Event element = parser.next();
            if (element == JsonParser.Event.END_ARRAY) {
                return values;
            }
            if (element != JsonParser.Event.VALUE_STRING) {
                throw ProblemException.badRequest("Field '" + name + "' must be an array of strings.");
            }
            String value = parser.getString();
            if (hasUnpairedSurrogate(value)) {
                throw ProblemException.badRequest("Field '" + name + "' is not valid Unicode text.");
            }
            if (values.size() == MAX_LIST_SIZE) {
                throw ProblemException.badRequest("Field '" + name + "' may hold at most " + MAX_LIST_SIZE + " strings.");
            }
            values.add(value);
        }
    }

    /**
     * Strict UTF-8 (RFC 8259 8.1): malformed bytes are refused, not replaced with U+FFFD, which
     * would silently turn different passwords into the same one.
     */
    private static String decodeUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw ProblemException.badRequest("The request body is not valid UTF-8.");
        }
    }

    private static boolean hasUnpairedSurrogate(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    return true;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    static byte[] readBounded(InputStream body) {
        return readBounded(body, System::nanoTime);
    }

    /** The body as {@link BoundedBody} reads it, or the problem that says why it was not read whole. */
    static byte[] readBounded(InputStream body, LongSupplier nanoTime) {
        BoundedBody.Result result;
        try {
            result = BoundedBody.read(body, nanoTime);
        } catch (IOException e) {
            throw ProblemException.badRequest("The request body could not be read.");
        }
        return switch (result.outcome()) {
            case READ -> result.bytes();
            case TOO_LARGE -> throw new ProblemException(Problem.payloadTooLarge());
            case TOO_SLOW -> throw new ProblemException(Problem.requestTimeout());
        };
    }

    private static Set<String> allowed(Set<String> required, Set<String> optional, Set<String> optionalFlags,
                                       Set<String> lists) {
        Set<String> all = new java.util.HashSet<>(required);
        all.addAll(optional);
        all.addAll(optionalFlags);
        all.addAll(lists);
        return all;
    }
}

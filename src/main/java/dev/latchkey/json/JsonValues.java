package dev.latchkey.json;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;

import java.io.Reader;
import java.util.Collection;
import java.util.function.Function;

/**
 * The one way Latchkey builds and parses JSON values: {@link jakarta.json.Json}'s factory methods,
 * from one provider looked up once. {@code JsonValues.createObjectBuilder()} and friends look the provider
 * up again on every call, which is a {@link java.util.ServiceLoader} scan of the application's
 * class path: in a JFR profile of {@code GET /api/me} under load that scan was about 15% of all
 * CPU samples (issue 7).
 */
public final class JsonValues {

    private static final JsonProvider PROVIDER = JsonProvider.provider();

    private JsonValues() {
    }

    public static JsonObjectBuilder createObjectBuilder() {
        return PROVIDER.createObjectBuilder();
    }

    public static JsonArrayBuilder createArrayBuilder() {
        return PROVIDER.createArrayBuilder();
    }

    public static JsonArrayBuilder createArrayBuilder(Collection<?> values) {
        return PROVIDER.createArrayBuilder(values);
    }

    /** {@code {"name": [each item as an object]}}: how a resource answers with a list. */
    public static <T> JsonObject objectWithList(String name, Collection<T> items, Function<T, JsonObjectBuilder> toJson) {
        JsonArrayBuilder list = PROVIDER.createArrayBuilder();
        items.forEach(item -> list.add(toJson.apply(item)));
        return PROVIDER.createObjectBuilder().add(name, list).build();
    }

    /** Adds the member only when there is a value: absent stays absent, never {@code null} or "null". */
    public static JsonObjectBuilder addIfPresent(JsonObjectBuilder object, String name, Object value) {
        return value == null ? object : object.add(name, value.toString());
    }

    public static JsonParser createParser(Reader reader) {
        return PROVIDER.createParser(reader);
    }

    /** A JSON object this application wrote itself (a stored column), read back. */
    public static JsonObject parseObject(String json) {
        try (var reader = PROVIDER.createReader(new java.io.StringReader(json))) {
            return reader.readObject();
        }
    }
}

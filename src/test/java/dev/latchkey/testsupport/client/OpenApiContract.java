package dev.latchkey.testsupport.client;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

import java.io.StringReader;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Holds every response the integration tests receive to Latchkey's OpenAPI document
 * ({@code /openapi.json}, the classpath copy the WAR serves): the operation is found by method and
 * path template, the response by status (or {@code default}), the media type by the response's
 * {@code Content-Type}, and a JSON body is validated against that schema (JSON Schema 2020-12, by
 * networknt's validator). A response the document does not describe fails the test that received
 * it. Requests to paths the document has no template for (the test-support endpoints, unknown
 * paths, another application), and the answers the HTTP parser writes before any Latchkey code
 * runs, are not checked here.
 */
public final class OpenApiContract {

    public static final String RESOURCE = "/dev/latchkey/discovery/openapi.json";
    private static final String DOCUMENT_URI = "https://latchkey.invalid/openapi.json";
    private static final OpenApiContract INSTANCE = new OpenApiContract();

    private final JsonObject document;
    private final List<Route> routes = new ArrayList<>();
    private final SchemaRegistry registry;
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    private record Route(String template, Pattern pattern, int parameters) {
    }

    private OpenApiContract() {
        String text = ClasspathText.read(RESOURCE);
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            document = reader.readObject();
        }
        for (String template : document.getJsonObject("paths").keySet()) {
            String regex = Pattern.quote(template).replaceAll("\\{[^}/]+}", "\\\\E[^/]+\\\\Q");
            routes.add(new Route(template, Pattern.compile(regex), template.split("\\{", -1).length - 1));
        }
        // A literal segment wins over a parameter: /admin/users/{id} must not take /admin/users/search.
        routes.sort(Comparator.comparingInt(Route::parameters));
        registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemas(Map.of(DOCUMENT_URI, text)));
    }

    public static OpenApiContract instance() {
        return INSTANCE;
    }

    public JsonObject document() {
        return document;
    }

    /** @throws AssertionError naming the request and every way its response departs from the document */
    public void check(HttpResponse<String> response) {
        String method = response.request().method().toLowerCase(Locale.ROOT);
        String path = response.request().uri().getRawPath();
        Optional<Route> route = routes.stream().filter(candidate -> candidate.pattern().matcher(path).matches()).findFirst();
        if (route.isEmpty() || method.equals("head") || method.equals("options") || !writtenByLatchkey(response)) {
            return;
        }
        String where = method.toUpperCase(Locale.ROOT) + " " + path + " (" + route.get().template() + ") answered "
                + response.statusCode();
        JsonObject operation = document.getJsonObject("paths").getJsonObject(route.get().template()).getJsonObject(method);
        if (operation == null) {
            // A method the path does not have: the container's 405, checked as any error is.
            operation = Json.createObjectBuilder().add("responses", Json.createObjectBuilder()
                    .add("default", Json.createObjectBuilder().add("$ref", "#/components/responses/Problem"))).build();
        }
        JsonObject responses = operation.getJsonObject("responses");
        String statusKey = String.valueOf(response.statusCode());
        String responsePointer;
        JsonObject described;
        if (responses.containsKey(statusKey)) {
            responsePointer = pointerOf(route.get().template(), method) + "/responses/" + statusKey;
            described = responses.getJsonObject(statusKey);
        } else if (responses.containsKey("default")) {
            responsePointer = pointerOf(route.get().template(), method) + "/responses/default";
            described = responses.getJsonObject("default");
        } else {
            throw new AssertionError(where + ", a status the document does not list");
        }
        if (described.containsKey("$ref")) {
            String ref = described.getString("$ref");
            responsePointer = ref.substring(1);
            described = resolve(ref);
        }
        JsonObject content = described.getJsonObject("content");
        if (content == null || content.isEmpty()) {
            if (!response.body().isEmpty()) {
                throw new AssertionError(where + " with a body the document does not describe: " + response.body());
            }
            return;
        }
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        String mediaType = contentType.split(";")[0].strip().toLowerCase(Locale.ROOT);
        if (!content.containsKey(mediaType)) {
            throw new AssertionError(where + " as " + contentType + "; the document lists " + content.keySet());
        }
        if (!mediaType.endsWith("json") || !content.getJsonObject(mediaType).containsKey("schema")) {
            return;
        }
        String schemaPointer = responsePointer + "/content/" + escape(mediaType) + "/schema";
        Schema schema = schemas.computeIfAbsent(schemaPointer,
                pointer -> registry.getSchema(SchemaLocation.of(DOCUMENT_URI + "#" + pointer)));
        List<Error> errors = schema.validate(response.body(), InputFormat.JSON);
        if (!errors.isEmpty()) {
            throw new AssertionError(where + " with a body that does not match " + schemaPointer + ": " + errors
                    + "\nbody: " + response.body());
        }
    }

    /**
     * Whether Latchkey wrote the response: everything it writes, from any layer, carries its
     * security headers. The few answers the HTTP parser gives before any hook runs (a request
     * whose headers overflow the buffer, say) do not, and are not Latchkey's to describe:
     * docs/threat-model.md lists them, and HttpEdgeIT holds them to a bare 4xx.
     */
    private static boolean writtenByLatchkey(HttpResponse<String> response) {
        return response.headers().firstValue("X-Content-Type-Options").isPresent();
    }

    private JsonObject resolve(String ref) {
        JsonValue value = document;
        for (String token : ref.substring(2).split("/")) {
            value = value.asJsonObject().get(token.replace("~1", "/").replace("~0", "~"));
        }
        return value.asJsonObject();
    }

    private static String pointerOf(String template, String method) {
        return "/paths/" + escape(template) + "/" + method;
    }

    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}

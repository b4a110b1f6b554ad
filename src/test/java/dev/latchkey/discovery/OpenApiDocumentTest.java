package dev.latchkey.discovery;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.latchkey.metrics.RouteTemplates;
import dev.latchkey.testsupport.client.OpenApiContract;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import org.junit.jupiter.api.Test;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps {@code /openapi.json} true to the code: every JAX-RS resource method is in it, under the
 * template the router matches, and it lists nothing that does not exist. The integration tests
 * hold the responses to its schemas (OpenApiContract, in every request they send).
 */
class OpenApiDocumentTest {

    /** Served by the container (MicroProfile Health), not by a resource of ours, and documented all the same. */
    private static final Set<String> CONTAINER_ROUTES = Set.of("GET /health/live", "GET /health/ready");
    private static final Set<String> OPERATIONS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    private final JsonObject document = OpenApiContract.instance().document();

    @Test
    void everyRouteIsDocumentedAndEveryDocumentedRouteExists() {
        Set<String> routes = new TreeSet<>(CONTAINER_ROUTES);
        for (JavaClass resource : new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.latchkey")) {
            Class<?> type = resource.reflect();
            if (type.getAnnotation(Path.class) == null) {
                continue;
            }
            for (Method method : type.getDeclaredMethods()) {
                httpMethod(method).ifPresent(verb -> routes.add(verb + " " + RouteTemplates.template(type, method)));
            }
        }
        Set<String> documented = new TreeSet<>();
        document.getJsonObject("paths").forEach((template, item) -> item.asJsonObject().keySet().stream()
                .filter(OPERATIONS::contains)
                .forEach(verb -> documented.add(verb.toUpperCase(Locale.ROOT) + " " + template)));

        Set<String> missing = new TreeSet<>(routes);
        missing.removeAll(documented);
        Set<String> extra = new TreeSet<>(documented);
        extra.removeAll(routes);
        assertEquals(Set.of(), missing, "routes the document leaves out");
        assertEquals(Set.of(), extra, "documented routes that do not exist");
    }

    @Test
    void everyOperationDescribesItsErrorsAsProblemsAndNamesItsSecurity() {
        List<String> faults = new ArrayList<>();
        document.getJsonObject("paths").forEach((template, item) -> item.asJsonObject().forEach((verb, value) -> {
            if (!OPERATIONS.contains(verb)) {
                return;
            }
            JsonObject operation = value.asJsonObject();
            String where = verb.toUpperCase(Locale.ROOT) + " " + template;
            JsonObject responses = operation.getJsonObject("responses");
            if (responses == null || !responses.containsKey("default")) {
                faults.add(where + " has no default response");
            }
            if (!operation.containsKey("security") && !document.containsKey("security")) {
                faults.add(where + " does not say how it is authenticated (security: [] when public)");
            }
            if (!operation.containsKey("operationId")) {
                faults.add(where + " has no operationId");
            }
        }));
        assertEquals(List.of(), faults);
        assertEquals("3.1.0", document.getString("openapi"));
        JsonObject problem = document.getJsonObject("components").getJsonObject("responses").getJsonObject("Problem");
        assertNotNull(problem.getJsonObject("content").getJsonObject("application/problem+json"), "problems are problem+json");
    }

    @Test
    void everyReferenceResolves() {
        List<String> unresolved = new ArrayList<>();
        collectReferences(document, unresolved);
        assertTrue(unresolved.isEmpty(), "unresolved: " + unresolved);
    }

    private void collectReferences(JsonValue value, List<String> unresolved) {
        if (value.getValueType() == JsonValue.ValueType.OBJECT) {
            JsonObject object = value.asJsonObject();
            if (object.containsKey("$ref") && object.get("$ref").getValueType() == JsonValue.ValueType.STRING) {
                String ref = object.getString("$ref");
                if (!resolves(ref)) {
                    unresolved.add(ref);
                }
            }
            object.values().forEach(child -> collectReferences(child, unresolved));
        } else if (value.getValueType() == JsonValue.ValueType.ARRAY) {
            value.asJsonArray().forEach(child -> collectReferences(child, unresolved));
        }
    }

    private boolean resolves(String ref) {
        if (!ref.startsWith("#/")) {
            return false;
        }
        JsonValue current = document;
        for (String token : ref.substring(2).split("/")) {
            String key = token.replace("~1", "/").replace("~0", "~");
            if (current.getValueType() != JsonValue.ValueType.OBJECT || !current.asJsonObject().containsKey(key)) {
                return false;
            }
            current = current.asJsonObject().get(key);
        }
        return true;
    }

    private static java.util.Optional<String> httpMethod(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            HttpMethod designator = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (designator != null) {
                return java.util.Optional.of(designator.value());
            }
        }
        return java.util.Optional.empty();
    }
}

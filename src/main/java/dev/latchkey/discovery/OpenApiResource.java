package dev.latchkey.discovery;

import dev.latchkey.json.JsonValues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.json.JsonException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /openapi.json}: Latchkey's own OpenAPI 3.1 document, written by hand beside the code
 * and held to it by tests: every JAX-RS route is in it and nothing else (OpenApiDocumentTest), and
 * every response the integration tests receive matches its schemas (OpenApiContract). Not the
 * container's generated one, which Payara's configuration switches off: a generated document knows
 * the Java signatures, not the JSON bodies, the problems or the cookies.
 */
@Path("/openapi.json")
@ApplicationScoped
public class OpenApiResource {

    static final String DOCUMENT = "/dev/latchkey/discovery/openapi.json";

    private String document;

    /** Read at boot: a missing or malformed document stops the deployment rather than the first request. */
    void load(@Observes @Initialized(ApplicationScoped.class) Object started) {
        try (InputStream in = OpenApiResource.class.getResourceAsStream(DOCUMENT)) {
            if (in == null) {
                throw new IllegalStateException(DOCUMENT + " is missing from the application");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            JsonValues.parseObject(text);
            document = text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JsonException e) {
            throw new IllegalStateException(DOCUMENT + " is not valid JSON", e);
        }
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response document() {
        return Response.ok(document).build();
    }
}

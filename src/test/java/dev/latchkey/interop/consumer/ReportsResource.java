package dev.latchkey.interop.consumer;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/**
 * What docs/roles.md tells a consuming application to do, with stock MicroProfile JWT: the role
 * through {@code @RolesAllowed} (Latchkey's {@code groups}), the permission through
 * {@code JsonWebToken.getClaim("permissions")}, and introspection when the token says
 * {@code permissions_truncated}.
 */
@Path("reports")
@RequestScoped
public class ReportsResource {

    @Inject
    JsonWebToken jwt;

    @GET
    @RolesAllowed("reports-reader")
    public Response reports() throws IOException, InterruptedException {
        boolean truncated = isTrue(jwt.getClaim("permissions_truncated"));
        Set<String> permissions = truncated ? introspectedPermissions(jwt.getRawToken()) : strings(jwt.getClaim("permissions"));
        if (!permissions.contains("reports:read")) {
            return Response.status(Response.Status.FORBIDDEN).entity("reports:read required").build();
        }
        return Response.ok("reports:read from " + (truncated ? "introspection" : "token")).build();
    }

    /** RFC 7662, as a registered resource server (client_secret_basic). */
    private static Set<String> introspectedPermissions(String token) throws IOException, InterruptedException {
        Config config = ConfigProvider.getConfig();
        String client = config.getValue("consumer.introspection.client-id", String.class) + ":"
                + config.getValue("consumer.introspection.client-secret", String.class);
        HttpRequest request = HttpRequest.newBuilder(URI.create(config.getValue("consumer.introspection.url", String.class)))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(client.getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        try (JsonReader reader = Json.createReader(new StringReader(response.body()))) {
            JsonObject answer = reader.readObject();
            if (response.statusCode() != 200 || !answer.getBoolean("active", false)) {
                return Set.of();
            }
            return strings(answer.getJsonArray("permissions"));
        }
    }

    private static boolean isTrue(Object claim) {
        return Boolean.TRUE.equals(claim) || JsonValue.TRUE.equals(claim);
    }

    private static Set<String> strings(Object claim) {
        Set<String> values = new TreeSet<>();
        if (claim instanceof JsonArray array) {
            array.getValuesAs(JsonString.class).forEach(value -> values.add(value.getString()));
        } else if (claim instanceof Collection<?> collection) {
            collection.forEach(value -> values.add(value instanceof JsonString text ? text.getString() : String.valueOf(value)));
        }
        return values;
    }
}

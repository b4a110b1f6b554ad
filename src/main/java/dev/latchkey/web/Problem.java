package dev.latchkey.web;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * An RFC 9457 problem detail: the only shape an error takes in Latchkey, whichever layer
 * (JAX-RS, servlet filter, authentication mechanism) produces it.
 *
 * <p>The {@code detail} is always a fixed, server-authored sentence. Client input, exception
 * messages and stack traces never reach it, so nothing a caller sent (a password, a token) can be
 * echoed back, and nothing about the server's internals leaks.
 */
public record Problem(int status, String type, String title, String detail, Map<String, String> headers) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public Problem {
        Objects.requireNonNull(type);
        Objects.requireNonNull(title);
        Objects.requireNonNull(detail);
        headers = Map.copyOf(headers);
    }

    public static Problem of(int status, String slug, String title, String detail) {
        return new Problem(status, "urn:latchkey:problem:" + slug, title, detail, Map.of());
    }

    /** The generic problem for a status that carries no more specific story. */
    public static Problem forStatus(int status) {
        Response.StatusType statusType = Response.Status.fromStatusCode(status);
        String title = statusType != null ? statusType.getReasonPhrase() : (status < 500 ? "Client Error" : "Server Error");
        return switch (status) {
            case 400 -> of(400, "invalid-request", title, "The request is malformed.");
            case 401 -> of(401, "unauthorized", title, "Authentication is required.");
            case 403 -> of(403, "forbidden", title, "You are not allowed to do this.");
            case 404 -> of(404, "not-found", title, "No resource exists at this address.");
            case 405 -> of(405, "method-not-allowed", title, "This method is not allowed on this resource.");
            case 406 -> of(406, "not-acceptable", title, "No acceptable representation is available.");
            case 413 -> RequestLimits.payloadTooLarge();
            case 415 -> of(415, "unsupported-media-type", title, "The request body must be application/json.");
            case 503 -> of(503, "unavailable", title, "The service is temporarily unavailable on this node. Try again shortly.");
            default -> status < 500
                    ? of(status, "client-error", title, "The request could not be processed.")
                    : of(500, "internal-error", "Internal Server Error", "The server could not complete the request.");
        };
    }

    public Problem withHeader(String name, String value) {
        var merged = new java.util.HashMap<>(headers);
        merged.put(name, value);
        return new Problem(status, type, title, detail, merged);
    }

    public JsonObject toJson() {
        JsonObjectBuilder body = JsonValues.createObjectBuilder()
                .add("type", type)
                .add("title", title)
                .add("status", status)
                .add("detail", detail);
        return body.build();
    }

    public Response toResponse() {
        Response.ResponseBuilder response = Response.status(status)
                .type(MEDIA_TYPE)
                .entity(toJson().toString());
        headers.forEach(response::header);
        return response.build();
    }

    /** For the layers that run before JAX-RS: servlet filters and the authentication mechanism. */
    public void writeTo(HttpServletResponse response) throws IOException {
        response.setStatus(status);
        response.setContentType(MEDIA_TYPE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        headers.forEach(response::setHeader);
        byte[] body = toJson().toString().getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
    }
}

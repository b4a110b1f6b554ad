package dev.latchkey.testsupport;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A small real-HTTP client for integration tests against a deployed Latchkey. */
public final class Http {

    /**
     * HTTP/1.1: production clients reach Latchkey over TLS or through a proxy, not by a cleartext
     * h2c upgrade, and with h2c this Payara answered some requests with 431 after an oversized
     * header had been refused (under investigation for the HTTP hardening work).
     */
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final URI base;

    public Http(URL base) {
        this.base = URI.create(base.toString().endsWith("/") ? base.toString() : base + "/");
    }

    public URI uri(String path) {
        return base.resolve(path.startsWith("/") ? path.substring(1) : path);
    }

    public HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return client.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("HTTP request failed", e);
        }
    }

    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path));
    }

    public HttpResponse<String> postJson(String path, String json) {
        return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public HttpResponse<String> get(String path) {
        return send(request(path).GET());
    }

    public HttpResponse<String> getWithBearer(String path, String token) {
        return send(request(path).header("Authorization", "Bearer " + token).GET());
    }

    public static String credentials(String email, String password) {
        return Json.createObjectBuilder().add("email", email).add("password", password).build().toString();
    }

    public HttpResponse<String> register(String email, String password) {
        return postJson("/auth/register", credentials(email, password));
    }

    public HttpResponse<String> login(String email, String password) {
        return postJson("/auth/login", credentials(email, password));
    }

    /** Registers a fresh account and logs it in. @return the access token */
    public String registerAndLogin(String email, String password) {
        assertEquals(202, register(email, password).statusCode());
        HttpResponse<String> login = login(email, password);
        assertEquals(200, login.statusCode(), login.body());
        return json(login).getString("access_token");
    }

    public void advanceClock(long seconds) {
        assertEquals(204, send(request("/test-support/clock/advance?seconds=" + seconds)
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode());
    }

    public void resetClock() {
        assertEquals(204, send(request("/test-support/clock/reset").POST(HttpRequest.BodyPublishers.noBody())).statusCode());
    }

    /** The {@code kid} in a compact JWS's header. */
    public static String kid(String token) {
        String header = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[0]), java.nio.charset.StandardCharsets.UTF_8);
        try (JsonReader reader = Json.createReader(new StringReader(header))) {
            return reader.readObject().getString("kid");
        }
    }

    /** The {@code kid}s of the keys Latchkey publishes now. */
    public java.util.Set<String> publishedKids() {
        HttpResponse<String> jwks = get("/.well-known/jwks.json");
        assertEquals(200, jwks.statusCode());
        return json(jwks).getJsonArray("keys").getValuesAs(JsonObject.class).stream()
                .map(key -> key.getString("kid")).collect(java.util.stream.Collectors.toSet());
    }

    public static String uniqueEmail() {
        return "user-" + UUID.randomUUID() + "@example.test";
    }

    public static JsonObject json(HttpResponse<String> response) {
        try (JsonReader reader = Json.createReader(new StringReader(response.body()))) {
            return reader.readObject();
        }
    }

    /** Asserts an RFC 9457 problem response with this status, and that it leaks no internals. */
    public static JsonObject assertProblem(HttpResponse<String> response, int status) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/problem+json",
                response.headers().firstValue("Content-Type").orElse("").split(";")[0].trim(), "content type");
        JsonObject problem = json(response);
        assertEquals(status, problem.getInt("status"));
        assertTrue(problem.getString("type").startsWith("urn:latchkey:problem:"), problem.toString());
        assertFalse(problem.getString("title").isEmpty());
        assertFalse(response.body().contains("Exception"), "no exception names in the body");
        assertFalse(response.body().contains("\tat "), "no stack trace in the body");
        return problem;
    }
}

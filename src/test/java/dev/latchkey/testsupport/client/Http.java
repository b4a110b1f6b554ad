package dev.latchkey.testsupport.client;

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
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A small real-HTTP client for integration tests against a deployed Latchkey. */
public final class Http {

    /**
     * HTTP/1.1: production clients reach Latchkey over TLS or through a proxy, not by a cleartext
     * h2c upgrade; over h2c, Payara resets a stream whose headers are oversized and then answers
     * later requests on that connection with 431 (server-config/payara/pre-boot-commands.asadmin),
     * which would make the oversized-header tests disturb the ones after them.
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

    /** Sends the request, and holds the response to the OpenAPI document ({@link OpenApiContract}). */
    public HttpResponse<String> send(HttpRequest.Builder request) {
        HttpResponse<String> response;
        try {
            response = client.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("HTTP request failed", e);
        }
        OpenApiContract.instance().check(response);
        return response;
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

    /**
     * {@code /health/ready} or {@code /health/live} ({@code which}): MicroProfile Health beside
     * Latchkey on Payara, on the management interface on WildFly (latchkey.it.health-url, the
     * readiness URL, set by -Pwildfly).
     */
    public HttpResponse<String> health(String which) {
        String readiness = System.getProperty("latchkey.it.health-url");
        if (readiness == null) {
            return get("/health/" + which);
        }
        return send(HttpRequest.newBuilder(URI.create(readiness.replaceFirst("/ready$", "/" + which))).GET());
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

    /** {@code POST /auth/password/change} with a bearer token (no cookies, so no CSRF token). */
    public HttpResponse<String> changePassword(String accessToken, String currentPassword, String newPassword) {
        String body = Json.createObjectBuilder().add("current_password", currentPassword)
                .add("new_password", newPassword).build().toString();
        return send(request("/auth/password/change").header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + accessToken)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Registers a fresh account and logs it in. @return the access token */
    public String registerAndLogin(String email, String password) {
        assertEquals(202, register(email, password).statusCode());
        HttpResponse<String> login = login(email, password);
        assertEquals(200, login.statusCode(), login.body());
        return json(login).getString("access_token");
    }

    /**
     * A token from these two segments, signed with the server's own active key through the test
     * deployment's {@code /test-support/sign}: for tests whose token must differ from a genuine
     * one in its header or claims only, never in its signature.
     */
    public String signedByServer(String headerSegment, String payloadSegment) {
        String signingInput = headerSegment + "." + payloadSegment;
        HttpResponse<String> signature = send(request("/test-support/sign").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(signingInput)));
        assertEquals(200, signature.statusCode(), signature.body());
        return signingInput + "." + signature.body();
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
        return segment(token, 0).getString("kid");
    }

    /** The claims of a compact JWS, unverified (the server under test signed it). */
    public static JsonObject claims(String token) {
        return segment(token, 1);
    }

    private static JsonObject segment(String token, int index) {
        String json = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[index]), java.nio.charset.StandardCharsets.UTF_8);
        try (JsonReader reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
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

    /**
     * Asserts the hardening headers every response carries (SecurityHeaders), whichever layer
     * wrote it, and that it is not cacheable unless it is the public JWKS.
     */
    public static void assertHardened(HttpResponse<String> response) {
        String where = response.request().method() + " " + response.request().uri().getPath() + " -> " + response.statusCode();
        assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(""), where);
        assertEquals("DENY", response.headers().firstValue("X-Frame-Options").orElse(""), where);
        assertEquals("max-age=63072000; includeSubDomains", response.headers().firstValue("Strict-Transport-Security").orElse(""), where);
        assertEquals("no-referrer", response.headers().firstValue("Referrer-Policy").orElse(""), where);
        String csp = response.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"), where + ": " + csp);
        List<String> cacheControl = response.headers().allValues("Cache-Control");
        assertEquals(1, cacheControl.size(), where + ": " + cacheControl);
        if (response.request().uri().getPath().equals("/.well-known/jwks.json")) {
            assertTrue(cacheControl.get(0).contains("max-age=300") && !cacheControl.get(0).contains("no-store"), where);
        } else {
            assertEquals("no-store", cacheControl.get(0), where);
        }
    }

    /** Asserts an RFC 9457 problem response with this status, and that it leaks no internals. */
    public static JsonObject assertProblem(HttpResponse<String> response, int status) {
        return assertProblem(response, status, "");
    }

    public static JsonObject assertProblem(HttpResponse<String> response, int status, String what) {
        assertEquals(status, response.statusCode(), what + " " + response.body());
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

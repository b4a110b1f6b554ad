package dev.latchkey.web;

import dev.latchkey.testsupport.DeployedLatchkeyTest;
import dev.latchkey.testsupport.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static dev.latchkey.testsupport.Http.assertProblem;
import static dev.latchkey.testsupport.Http.credentials;
import static dev.latchkey.testsupport.Http.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Every endpoint answers bad input with a problem+json 4xx, never a 500 or a stack trace, and bad
 * input never changes a record.
 */
class BadInputIT extends DeployedLatchkeyTest {


    @ParameterizedTest
    @ValueSource(strings = {"/auth/register", "/auth/login"})
    void malformedBodiesAreBadRequests(String endpoint) {
        String email = uniqueEmail();
        String[] bodies = {
            "{\"email\":",                                                   // truncated
            "not json at all",
            "[\"" + email + "\",\"" + PASSWORD + "\"]",                      // not an object
            "{\"email\":1,\"password\":true}",                              // wrong types
            "{\"email\":{\"x\":1},\"password\":\"" + PASSWORD + "\"}",        // nested
            "{\"email\":null,\"password\":\"" + PASSWORD + "\"}",            // null
            "{\"email\":\"" + email + "\"}",                                // missing field
            "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\",\"role\":\"admin\"}", // unknown field
            "{\"email\":\"" + email + "\",\"email\":\"x@example.test\",\"password\":\"" + PASSWORD + "\"}", // duplicate key
            credentials(email, PASSWORD) + " {}",                            // trailing content
            "",                                                              // empty body
        };
        for (String body : bodies) {
            assertProblem(http.postJson(endpoint, body), 400);
        }
        // None of those created the account.
        assertProblem(http.login(email, PASSWORD), 401);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/auth/register", "/auth/login"})
    void invalidUtf8IsABadRequest(String endpoint) {
        byte[] body = {'{', '"', 'e', 'm', 'a', 'i', 'l', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertProblem(http.send(http.request(endpoint).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))), 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/auth/register", "/auth/login"})
    void unpairedSurrogatesAreABadRequest(String endpoint) {
        // Valid JSON escapes, but not valid text: they must not reach the password hash as "?".
        assertProblem(http.postJson(endpoint, "{\"email\":\"" + uniqueEmail() + "\",\"password\":\""
                + "\\ud800".repeat(12) + "\"}"), 400);
        assertProblem(http.postJson(endpoint, "{\"email\":\"" + uniqueEmail() + "\",\"password\":\""
                + "abcdefghijkl\\udc00" + "\"}"), 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/auth/register", "/auth/login"})
    void missingBodyIsABadRequest(String endpoint) {
        assertProblem(http.send(http.request(endpoint).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.noBody())), 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/auth/register", "/auth/login"})
    void bodiesOver16KiBAreTooLarge(String endpoint) {
        String big = credentials(uniqueEmail(), "p".repeat(17 * 1024));
        assertProblem(http.postJson(endpoint, big), 413);
        // The same without a declared length (chunked transfer) is bounded where it is read.
        HttpResponse<String> chunked = http.send(http.request(endpoint).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)))));
        assertProblem(chunked, 413);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/auth/register", "/auth/login"})
    void otherMediaTypesAreUnsupported(String endpoint) {
        assertProblem(http.send(http.request(endpoint).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(credentials(uniqueEmail(), PASSWORD)))), 415);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/auth/register", "/auth/login"})
    void getIsNotAllowedOnPostEndpoints(String endpoint) {
        assertProblem(http.get(endpoint), 405);
    }

    @Test
    void invalidEmailIsABadRequestAtRegistrationAndAPlainFailureAtLogin() {
        for (String email : new String[] {"no-at-sign", "two@@example.test", "a@b", "a b@example.test",
                "x@example.test\n", "x".repeat(300) + "@example.test"}) {
            assertProblem(http.register(email, PASSWORD), 400);
            assertProblem(http.login(email, PASSWORD), 401);
        }
    }

    @Test
    void oversizedTokensAreRefused() {
        assertProblem(http.getWithBearer("/api/me", "a".repeat(8 * 1024 + 1)), 401);
        assertProblem(http.getWithBearer("/api/me", "a".repeat(15 * 1024)), 401);
        assertProblem(http.getWithBearer("/api/me", ".".repeat(7000)), 401);
        // Past the listener's 16 KiB header buffer (server-config/payara/pre-boot-commands.asadmin)
        // Grizzly itself refuses the request before the application runs.
        int status = http.getWithBearer("/api/me", "a".repeat(20 * 1024)).statusCode();
        assertEquals(400, status);
    }

    @Test
    void malformedAuthorizationHeadersAreRefused() {
        String token = http.registerAndLogin(uniqueEmail(), PASSWORD);
        assertProblem(http.send(http.request("/api/me").header("Authorization", "Basic dXNlcjpwYXNz").GET()), 401);
        assertProblem(http.send(http.request("/api/me").header("Authorization", "Bearer").GET()), 401);
        assertProblem(http.getWithBearer("/api/me", "not-a-jwt"), 401);
        assertProblem(http.send(http.request("/api/me").header("Authorization", "Bearer " + token)
                .header("Authorization", "Bearer " + token).GET()), 401);
        assertEquals(200, http.getWithBearer("/api/me", token).statusCode(), "the same token alone is fine");
    }

    @Test
    void wrongMethodsOnReadEndpointsAreNotAllowed() {
        String token = http.registerAndLogin(uniqueEmail(), PASSWORD);
        assertProblem(http.send(http.request("/api/me").header("Authorization", "Bearer " + token)
                .DELETE()), 405);
        assertProblem(http.send(http.request("/.well-known/jwks.json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))), 405);
    }

    @Test
    void unknownPathsAreNotFound() {
        assertProblem(http.get("/no/such/thing"), 404);
        assertProblem(http.get("/auth"), 404);
    }

    @Test
    void problemsNeverEchoTheSecretsTheyWereSent() {
        String secret = "sup3r-secret-passphrase-" + System.nanoTime();
        HttpResponse<String> response = http.postJson("/auth/login",
                "{\"email\":\"x@example.test\",\"password\":\"" + secret + "\",\"" + secret + "\":\"1\"}");
        assertProblem(response, 400);
        assertFalse(response.body().contains(secret));
    }
}

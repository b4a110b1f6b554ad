package dev.latchkey.testsupport.client;

import dev.latchkey.crypto.ClientCredentials;
import jakarta.json.JsonObject;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A resource server registered for introspection in the test configuration (arquillian.xml:
 * {@code latchkey.introspection.clients=orders-api:<hash of SECRET>}).
 */
public final class ResourceServerClient {

    public static final String CLIENT_ID = "orders-api";
    public static final String SECRET = "it-orders-api-secret-do-not-use-anywhere-else";
    /** What the server is configured with: the secret's hash, never the secret. */
    public static final String SECRET_HASH = ClientCredentials.hash(SECRET);

    private final Http http;

    public ResourceServerClient(Http http) {
        this.http = http;
    }

    public static String basic(String clientId, String secret) {
        String pair = URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    public static String form(String token) {
        return "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&token_type_hint=access_token";
    }

    public HttpResponse<String> introspect(String body, String authorization) {
        HttpRequest.Builder request = http.request("/auth/introspect")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request);
    }

    /** Introspects as the registered client, with HTTP Basic. */
    public JsonObject introspect(String token) {
        HttpResponse<String> response = introspect(form(token), basic(CLIENT_ID, SECRET));
        assertEquals(200, response.statusCode(), response.body());
        return Http.json(response);
    }
}

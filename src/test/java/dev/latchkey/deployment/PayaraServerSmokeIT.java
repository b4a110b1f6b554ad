package dev.latchkey.deployment;

import dev.latchkey.testsupport.client.BrowserSession;
import dev.latchkey.testsupport.client.Http;
import dev.latchkey.testsupport.client.ResponseShapes;
import dev.latchkey.testsupport.client.ServerUnderTest;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static dev.latchkey.testsupport.client.Http.assertHardened;
import static dev.latchkey.testsupport.client.Http.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The smoke flow on Payara Server 6 (mvn verify -Ppayara-server), where the WAR is deployed with
 * asadmin as an operator deploys it, on a domain configured by server-config/payara-server: register,
 * sign in, refresh, sign out, the key set, and the edge an operator's security review looks at
 * (problems, hardening headers, no banner, no container endpoint). Not an Arquillian test: the
 * server is the build's, started before and stopped after, at latchkey.it.base-url.
 */
class PayaraServerSmokeIT {

    private static final String PASSWORD = "correct horse battery staple";

    private final Http http;

    PayaraServerSmokeIT() throws MalformedURLException {
        http = new Http(URI.create(System.getProperty("latchkey.it.base-url", "http://127.0.0.1:8080/")).toURL());
    }

    @Test
    void registerSignInRefreshAndSignOut() {
        String email = Http.uniqueEmail();
        HttpResponse<String> registered = http.register(email, PASSWORD);
        assertEquals(202, registered.statusCode(), registered.body());

        BrowserSession session = BrowserSession.loggedIn(http, email, PASSWORD);
        assertEquals(200, session.me().statusCode());
        String firstRefreshToken = session.refreshToken();

        HttpResponse<String> refreshed = session.refresh();
        assertEquals(200, refreshed.statusCode(), refreshed.body());
        assertHardened(refreshed);
        assertNotEquals(firstRefreshToken, session.refreshToken(), "the refresh token rotates");
        assertEquals(200, session.me().statusCode());

        HttpResponse<String> loggedOut = http.send(session.post("/auth/logout"));
        assertEquals(204, loggedOut.statusCode(), loggedOut.body());
        assertProblem(session.refreshWith(session.refreshToken()), 401);
    }

    /** The same answers, byte for byte, as on Payara Micro and WildFly (AuthenticationFlowIT). */
    @Test
    void theSessionFlowAnswersAsOnEveryOtherServer() {
        ResponseShapes.assertSessionFlowHasTheShapesOnFile(http, ServerUnderTest.PAYARA_SERVER);
    }

    @Test
    void theKeySetIsPublished() {
        HttpResponse<String> jwks = http.get("/.well-known/jwks.json");
        assertEquals(200, jwks.statusCode());
        assertHardened(jwks);
        assertFalse(Http.json(jwks).getJsonArray("keys").isEmpty());
    }

    /** As on Payara Micro and WildFly (BadInputIT): Payara Server's listener lets both reach Latchkey's limits. */
    @Test
    void aBodyOver16KiBIs413AndAHeaderOver8KiBIs431() {
        String big = "{\"email\":\"" + Http.uniqueEmail() + "\",\"password\":\"" + "p".repeat(17 * 1024) + "\"}";
        HttpResponse<String> tooLarge = http.postJson("/auth/login", big);
        assertProblem(tooLarge, 413);
        assertHardened(tooLarge);
        HttpResponse<String> chunked = http.send(http.request("/auth/login").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)))));
        assertProblem(chunked, 413);
        String oversized = "x".repeat(8 * 1024 + 1);
        HttpResponse<String> headerTooLarge = http.send(http.request("/auth/login").header("Content-Type", "application/json")
                .header("User-Agent", oversized).POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertProblem(headerTooLarge, 431);
        assertHardened(headerTooLarge);
        assertProblem(http.send(http.request("/.well-known/jwks.json").header("X-Anything", oversized).GET()), 431);
    }

    @Test
    void theEdgeIsLatchkeysAndNoBannerTellsTheServer() {
        HttpResponse<String> unknown = http.get("/no-such-page");
        assertProblem(unknown, 404);
        assertHardened(unknown);
        HttpResponse<String> badJson = http.postJson("/auth/login", "{\"email\":");
        assertProblem(badJson, 400);
        for (HttpResponse<String> response : java.util.List.of(unknown, badJson, http.get("/.well-known/jwks.json"))) {
            assertTrue(response.headers().firstValue("Server").isEmpty(), response.headers().toString());
            assertTrue(response.headers().firstValue("X-Powered-By").isEmpty(), response.headers().toString());
        }
        for (String path : java.util.List.of("/openapi", "/metrics/base", "/asadmin")) {
            int status = http.get(path).statusCode();
            assertTrue(status == 404 || status == 403 || status == 401, path + " answered " + status);
        }
    }
}

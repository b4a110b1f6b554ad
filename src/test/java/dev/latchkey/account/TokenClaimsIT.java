package dev.latchkey.account;

import dev.latchkey.testsupport.client.BrowserSession;
import dev.latchkey.testsupport.client.DeployedLatchkeyTest;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static dev.latchkey.testsupport.client.Http.assertProblem;
import static dev.latchkey.testsupport.client.Http.json;
import static dev.latchkey.testsupport.client.Http.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code GET /api/me/token}: the protected sample that answers from the verified token alone. */
class TokenClaimsIT extends DeployedLatchkeyTest {

    @Test
    void itAnswersWhatTheVerifiedTokenSays() {
        String email = uniqueEmail();
        assertEquals(202, http.register(email, PASSWORD).statusCode());
        BrowserSession session = BrowserSession.loggedIn(http, email, PASSWORD);
        JsonObject payload = payload(session.accessToken());

        HttpResponse<String> answer = http.getWithBearer("/api/me/token", session.accessToken());
        assertEquals(200, answer.statusCode(), answer.body());
        JsonObject claims = json(answer);
        assertEquals(payload.getString("sub"), claims.getString("sub"));
        assertEquals(payload.getString("sid"), claims.getString("sid"));
        assertEquals(payload.getJsonNumber("iat").longValue(), claims.getJsonNumber("iat").longValue());
        assertEquals(payload.getJsonNumber("exp").longValue(), claims.getJsonNumber("exp").longValue());
        assertEquals(List.of("user"), claims.getJsonArray("groups").getValuesAs(JsonString::getString));
        assertEquals(List.of("pwd"), claims.getJsonArray("amr").getValuesAs(JsonString::getString));
        assertEquals(json(http.getWithBearer("/api/me", session.accessToken())).getString("sub"), claims.getString("sub"));
    }

    @Test
    void aRevokedTokenIsRefusedThoughNoDatabaseIsRead() {
        String email = uniqueEmail();
        assertEquals(202, http.register(email, PASSWORD).statusCode());
        BrowserSession session = BrowserSession.loggedIn(http, email, PASSWORD);
        String token = session.accessToken();
        assertEquals(200, http.getWithBearer("/api/me/token", token).statusCode());

        assertEquals(204, http.send(session.post("/auth/logout")).statusCode());

        assertProblem(http.getWithBearer("/api/me/token", token), 401);
    }

    @Test
    void badTokensGetAProblem() {
        String email = uniqueEmail();
        assertEquals(202, http.register(email, PASSWORD).statusCode());
        String token = BrowserSession.loggedIn(http, email, PASSWORD).accessToken();
        char[] tampered = token.toCharArray();
        int inSignature = token.lastIndexOf('.') + 5;
        tampered[inSignature] = tampered[inSignature] == 'A' ? 'B' : 'A';

        assertProblem(http.get("/api/me/token"), 401);
        assertProblem(http.getWithBearer("/api/me/token", "not-a-jwt"), 401);
        assertProblem(http.getWithBearer("/api/me/token", new String(tampered)), 401);
        assertProblem(http.getWithBearer("/api/me/token", "a".repeat(9 * 1024)), 401);
        assertProblem(http.send(http.request("/api/me/token").header("Authorization", "Basic dXNlcjpwYXNz").GET()), 401);
        assertEquals(200, http.getWithBearer("/api/me/token", token).statusCode(), "the genuine token still works");
    }

    private static JsonObject payload(String accessToken) {
        String payload = new String(Base64.getUrlDecoder().decode(accessToken.split("\\.")[1]), StandardCharsets.UTF_8);
        return Json.createReader(new StringReader(payload)).readObject();
    }
}

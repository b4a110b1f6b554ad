package dev.latchkey.admin;

import dev.latchkey.testsupport.client.Authenticator;
import dev.latchkey.testsupport.client.DeployedLatchkeyTest;
import dev.latchkey.testsupport.client.Http;
import dev.latchkey.testsupport.client.TestMailServer;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import static dev.latchkey.testsupport.client.Http.assertProblem;
import static dev.latchkey.testsupport.client.Http.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code latchkey.admin.require-mfa} at its default ({@code true}), against the server that runs
 * with the product's defaults (container {@code payara-micro-verified}, its own failsafe execution):
 * an administrator signed in with a password, or with a recovery code, cannot administer; one
 * signed in with an authenticator code can.
 */
@EnabledIfSystemProperty(named = "arquillian.launch", matches = "payara-micro-verified",
        disabledReason = "runs only against the server with the default settings (its own failsafe execution)")
class AdministratorSecondFactorIT extends DeployedLatchkeyTest {

    private static final String ADMIN = "first-admin@example.test";
    private static final String VERIFY_PAGE = "http://localhost:8080/account/verify-email";

    @RegisterExtension
    static final TestMailServer smtp = TestMailServer.forDeployedServer();

    @Test
    void administrationNeedsASignInWithAnAuthenticatorCode() {
        String passwordOnly = administratorSignedInWithPassword();
        assertTrue(Http.claims(passwordOnly).getJsonArray("groups").toString().contains("admin"), "the bootstrap administrator");
        assertEquals("urn:latchkey:problem:mfa-enrollment-required",
                assertProblem(http.getWithBearer("/admin/signing-keys", passwordOnly), 403).getString("type"));

        String secret = json(bearerPost("/auth/mfa/totp/enroll", passwordOnly, "{\"password\":\"" + PASSWORD + "\"}")).getString("secret");
        Authenticator app = Authenticator.fromBase32(secret);
        HttpResponse<String> confirmed = bearerPost("/auth/mfa/totp/confirm", passwordOnly,
                "{\"code\":\"" + app.codeAt(Instant.now()) + "\"}");
        assertEquals(200, confirmed.statusCode(), confirmed.body());
        assertEquals("urn:latchkey:problem:mfa-required",
                assertProblem(http.getWithBearer("/admin/signing-keys", passwordOnly), 403).getString("type"),
                "enrolled now, but this token's login used the password only");

        String recoveryCode = json(confirmed).getJsonArray("recovery_codes").getString(0);
        String withRecoveryCode = completed(json(http.login(ADMIN, PASSWORD)).getString("mfa_token"),
                "\"recovery_code\":\"" + recoveryCode + "\"");
        assertProblem(http.getWithBearer("/admin/signing-keys", withRecoveryCode), 403, "a recovery code is not an authenticator");

        // The confirming code's step is used up: two steps later the app has a fresh code.
        http.advanceClock(60);
        String withCode = completed(json(http.login(ADMIN, PASSWORD)).getString("mfa_token"),
                "\"code\":\"" + app.codeAt(Instant.now().plusSeconds(60)) + "\"");
        HttpResponse<String> keys = http.getWithBearer("/admin/signing-keys", withCode);
        assertEquals(200, keys.statusCode(), keys.body());
    }

    /**
     * On in-memory H2 this server's database is its own, so the administrator registers and
     * verifies here. On PostgreSQL it shares the schema with the main execution's server, whose
     * tests registered the same address with the same password already: the account exists.
     */
    private String administratorSignedInWithPassword() {
        assertEquals(202, http.register(ADMIN, PASSWORD).statusCode());
        HttpResponse<String> login = http.login(ADMIN, PASSWORD);
        if (login.statusCode() != 200) {
            String link = TestMailServer.linkToken(smtp.awaitMessage(ADMIN, "Confirm your address for Latchkey",
                    Duration.ofSeconds(20)), VERIFY_PAGE);
            assertEquals(204, http.postJson("/auth/email/verify", "{\"token\":\"" + link + "\"}").statusCode());
            login = http.login(ADMIN, PASSWORD);
        }
        assertEquals(200, login.statusCode(), login.body());
        return json(login).getString("access_token");
    }

    private String completed(String mfaToken, String factor) {
        HttpResponse<String> second = http.postJson("/auth/login/mfa", "{\"mfa_token\":\"" + mfaToken + "\"," + factor + "}");
        assertEquals(200, second.statusCode(), second.body());
        JsonObject body = json(second);
        return body.getString("access_token");
    }

    private HttpResponse<String> bearerPost(String path, String accessToken, String body) {
        return http.send(http.request(path).header("Content-Type", "application/json").header("Authorization", "Bearer " + accessToken)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }
}

package dev.latchkey.admin;

import dev.latchkey.testsupport.client.BrowserSession;
import dev.latchkey.testsupport.client.DeployedLatchkeyTest;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static dev.latchkey.testsupport.client.Http.assertProblem;
import static dev.latchkey.testsupport.client.Http.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every administrator's action is audited with the administrator who took it ({@code actor}) as
 * well as the account it affected ({@code user}), read back from the server's real log through
 * the test deployment's {@code /test-support/log}.
 */
class AdminAuditIT extends DeployedLatchkeyTest {

    /** The test server's {@code latchkey.admin.bootstrap-email} (src/test/resources/arquillian.xml). */
    private static final String ADMIN = "first-admin@example.test";
    private static final String AUDIT_LINE = "INFO latchkey.audit ";

    @Test
    void everyAdministratorsActionNamesTheActingAdministrator() {
        http.register(ADMIN, PASSWORD);
        BrowserSession admin = BrowserSession.loggedIn(http, ADMIN, PASSWORD);
        String adminId = json(admin.me()).getString("sub");
        BrowserSession victim = BrowserSession.loggedIn(http, registered(), PASSWORD);
        String victimId = json(victim.me()).getString("sub");

        assertEquals(204, adminPost(admin, "/admin/users/" + victimId + "/revoke-tokens").statusCode());
        assertEquals(204, adminPost(admin, "/admin/users/" + victimId + "/disable").statusCode());
        assertProblem(adminPost(admin, "/admin/users/00000000-0000-0000-0000-000000000000/revoke-tokens"), 404);
        assertProblem(adminPost(admin, "/admin/users/00000000-0000-0000-0000-000000000000/disable"), 404);
        assertProblem(adminPost(admin, "/admin/signing-keys/no-such-kid/revoke"), 404);

        List<JsonObject> audit = auditLines();
        assertActedBy(audit, adminId, "admin_revoke_tokens", "success", victimId);
        assertActedBy(audit, adminId, "admin_disable_user", "success", victimId);
        assertActedBy(audit, adminId, "admin_revoke_tokens", "refused_no_such_user", "00000000-0000-0000-0000-000000000000");
        assertActedBy(audit, adminId, "admin_disable_user", "refused_no_such_user", "00000000-0000-0000-0000-000000000000");
        JsonObject keyEvent = audit.stream().filter(line -> line.getString("event").equals("signing_key_revoked")).findFirst()
                .orElseThrow(() -> new AssertionError("no signing_key_revoked line in " + audit));
        assertEquals(adminId, keyEvent.getString("actor", null), keyEvent.toString());
        assertEquals("no-such-kid", keyEvent.getString("kid", null), keyEvent.toString());
        for (JsonObject line : audit) {
            if (line.getString("event").startsWith("admin_") && !line.getString("outcome").equals("bootstrap")) {
                assertTrue(line.containsKey("actor"), "an administrator's action without its actor: " + line);
            }
        }
    }

    private static void assertActedBy(List<JsonObject> audit, String adminId, String event, String outcome, String userId) {
        List<JsonObject> lines = audit.stream().filter(line -> line.getString("event").equals(event)
                && line.getString("outcome").equals(outcome)).toList();
        assertFalse(lines.isEmpty(), "no " + event + " " + outcome + " line in " + audit);
        for (JsonObject line : lines) {
            assertEquals(adminId, line.getString("actor", null), "the acting administrator: " + line);
            assertEquals(userId, line.getString("user", null), "the account acted on: " + line);
        }
    }

    private List<JsonObject> auditLines() {
        List<JsonObject> lines = new ArrayList<>();
        for (String line : http.get("/test-support/log").body().split("\n")) {
            if (line.startsWith(AUDIT_LINE)) {
                try (JsonReader reader = Json.createReader(new StringReader(line.substring(AUDIT_LINE.length())))) {
                    lines.add(reader.readObject());
                }
            }
        }
        return lines;
    }

    private HttpResponse<String> adminPost(BrowserSession session, String path) {
        return http.send(http.request(path).header("Authorization", "Bearer " + session.accessToken())
                .POST(HttpRequest.BodyPublishers.noBody()));
    }
}

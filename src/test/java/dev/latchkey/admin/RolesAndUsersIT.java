package dev.latchkey.admin;

import dev.latchkey.testsupport.client.BrowserSession;
import dev.latchkey.testsupport.client.DeployedLatchkeyTest;
import dev.latchkey.testsupport.client.Http;
import dev.latchkey.testsupport.client.ResourceServerClient;
import dev.latchkey.testsupport.client.TestMailServer;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.latchkey.testsupport.client.Http.assertProblem;
import static dev.latchkey.testsupport.client.Http.claims;
import static dev.latchkey.testsupport.client.Http.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Roles, permissions and user administration over real HTTP against a real Payara Micro, on H2 and
 * (with -Ppostgresql) PostgreSQL: what tokens say before and after a change, the cut-off of tokens
 * with old rights, the user list's keyset pages, the self-demotion guard, erasure checked against
 * every column of every table, and refusals.
 */
class RolesAndUsersIT extends DeployedLatchkeyTest {

    /** The test server's {@code latchkey.admin.bootstrap-email} (src/test/resources/arquillian.xml). */
    private static final String ADMIN = "first-admin@example.test";
    private static final String RESET_MAIL = "Choose a new Latchkey password";
    private static final String AUDIT_LINE = "INFO latchkey.audit ";

    private String adminToken;

    @BeforeEach
    void signInAsAdministrator() {
        http.register(ADMIN, PASSWORD);
        adminToken = BrowserSession.loggedIn(http, ADMIN, PASSWORD).accessToken();
    }

    @Test
    void aGrantedRoleReachesTheTokensAtTheNextRefreshAndTokensWithTheOldRightsDie() {
        String role = uniqueRole();
        assertEquals(201, put("/admin/roles/" + role, "{\"description\":\"Reads reports\",\"permissions\":[\"reports:read\",\"reports:export\",\"reports:read\"]}").statusCode());
        String email = registered();
        BrowserSession user = BrowserSession.loggedIn(http, email, PASSWORD);
        String userId = json(user.me()).getString("sub");
        JsonObject before = claims(user.accessToken());
        assertEquals(List.of("user"), strings(before.getJsonArray("groups")));
        assertEquals(List.of(), strings(before.getJsonArray("permissions")));
        String oldToken = user.accessToken();

        assertEquals(204, put("/admin/users/" + userId + "/roles", "{\"roles\":[\"user\",\"" + role + "\"]}").statusCode());
        assertProblem(http.getWithBearer("/api/me", oldToken), 401, "a token that states the old roles is cut off");

        assertEquals(200, user.refresh().statusCode(), "the session itself goes on");
        JsonObject after = claims(user.accessToken());
        assertEquals(List.of(role, "user").stream().sorted().toList(), strings(after.getJsonArray("groups")));
        assertEquals(List.of("reports:export", "reports:read"), strings(after.getJsonArray("permissions")), "sorted, without duplicates");
        assertEquals(200, user.me().statusCode());
        JsonObject introspected = new ResourceServerClient(http).introspect(user.accessToken());
        assertEquals(List.of("reports:export", "reports:read"), strings(introspected.getJsonArray("permissions")));
        assertEquals(List.of(role, "user").stream().sorted().toList(), strings(json(get("/admin/users/" + userId)).getJsonArray("roles")));

        String granted = user.accessToken();
        assertEquals(204, put("/admin/users/" + userId + "/roles", "{\"roles\":[\"user\"]}").statusCode());
        assertProblem(http.getWithBearer("/api/me", granted), 401, "revoking cuts off as granting does");
        assertEquals(200, user.refresh().statusCode());
        assertEquals(List.of("user"), strings(claims(user.accessToken()).getJsonArray("groups")));
        assertEquals(List.of(), strings(claims(user.accessToken()).getJsonArray("permissions")));

        List<JsonObject> changes = auditLines("admin_roles_changed").stream()
                .filter(line -> userId.equals(line.getString("user", null))).toList();
        assertEquals(2, changes.size(), changes.toString());
        assertEquals(List.of("user"), strings(changes.get(0).getJsonArray("before")));
        assertEquals(List.of(role, "user").stream().sorted().toList(), strings(changes.get(0).getJsonArray("after")));
        assertEquals(json(http.getWithBearer("/api/me", adminToken)).getString("sub"), changes.get(0).getString("actor"));
    }

    @Test
    void changingARolesPermissionsCutsOffItsHoldersTokensAndDeletingItNeedsForceWhileHeld() {
        String role = uniqueRole();
        assertEquals(201, put("/admin/roles/" + role, "{\"permissions\":[\"orders:read\"]}").statusCode());
        BrowserSession holder = BrowserSession.loggedIn(http, registered(), PASSWORD);
        String holderId = json(holder.me()).getString("sub");
        assertEquals(204, put("/admin/users/" + holderId + "/roles", "{\"roles\":[\"user\",\"" + role + "\"]}").statusCode());
        assertEquals(200, holder.refresh().statusCode());
        BrowserSession bystander = BrowserSession.loggedIn(http, registered(), PASSWORD);
        String held = holder.accessToken();

        HttpResponse<String> redefined = put("/admin/roles/" + role, "{\"description\":\"more\",\"permissions\":[\"orders:read\",\"orders:*\"]}");
        assertEquals(200, redefined.statusCode(), redefined.body());
        assertEquals(List.of("orders:*", "orders:read"), strings(json(redefined).getJsonArray("permissions")));
        assertProblem(http.getWithBearer("/api/me", held), 401, "the holder's token stated the old permissions");
        assertEquals(200, bystander.me().statusCode(), "someone without the role keeps their token");
        assertEquals(200, holder.refresh().statusCode());
        assertEquals(List.of("orders:*", "orders:read"), strings(claims(holder.accessToken()).getJsonArray("permissions")));

        JsonObject inUse = assertProblem(delete("/admin/roles/" + role), 409);
        assertTrue(inUse.getString("detail").contains("force"), inUse.toString());
        assertProblem(delete("/admin/roles/user"), 409, "built in");
        assertProblem(delete("/admin/roles/admin?force=true"), 409, "built in, force or not");
        String beforeForce = holder.accessToken();
        assertEquals(204, delete("/admin/roles/" + role + "?force=true").statusCode());
        assertProblem(http.getWithBearer("/api/me", beforeForce), 401, "the role was taken from its holder");
        assertEquals(200, holder.refresh().statusCode());
        assertEquals(List.of("user"), strings(claims(holder.accessToken()).getJsonArray("groups")));
        assertProblem(delete("/admin/roles/" + role), 404);
        assertFalse(json(get("/admin/roles")).getJsonArray("roles").stream()
                .anyMatch(listed -> listed.asJsonObject().getString("name").equals(role)));
    }

    @Test
    void pastTheCapTheTokenSaysPermissionsTruncatedAndIntrospectionAnswersTheWholeList() {
        String role = uniqueRole();
        String permissions = IntStream.range(0, 51).mapToObj(i -> "\"res" + i + ":read\"").collect(Collectors.joining(","));
        assertEquals(201, put("/admin/roles/" + role, "{\"permissions\":[" + permissions + "]}").statusCode());
        BrowserSession user = BrowserSession.loggedIn(http, registered(), PASSWORD);
        String userId = json(user.me()).getString("sub");
        assertEquals(204, put("/admin/users/" + userId + "/roles", "{\"roles\":[\"user\",\"" + role + "\"]}").statusCode());
        assertEquals(200, user.refresh().statusCode());
        JsonObject token = claims(user.accessToken());
        assertTrue(token.getBoolean("permissions_truncated"), token.toString());
        assertFalse(token.containsKey("permissions"), "no partial list: " + token);
        assertEquals(51, new ResourceServerClient(http).introspect(user.accessToken()).getJsonArray("permissions").size());
    }

    @Test
    void anAdministratorCannotTakeAdminFromThemselvesAndUnknownRolesAreRefused() {
        String adminId = json(http.getWithBearer("/api/me", adminToken)).getString("sub");
        JsonObject refused = assertProblem(put("/admin/users/" + adminId + "/roles", "{\"roles\":[\"user\"]}"), 409);
        assertTrue(refused.getString("type").endsWith("self-demotion"), refused.toString());
        assertEquals(200, http.getWithBearer("/admin/roles", adminToken).statusCode(), "still an administrator");
        assertProblem(delete("/admin/users/" + adminId), 409, "nor erase themselves");

        String userId = json(BrowserSession.loggedIn(http, registered(), PASSWORD).me()).getString("sub");
        JsonObject unknown = assertProblem(put("/admin/users/" + userId + "/roles", "{\"roles\":[\"user\",\"no-such-role-" + UUID.randomUUID() + "\"]}"), 400);
        assertTrue(unknown.getString("detail").contains("No such role"), unknown.toString());
        assertEquals(List.of("user"), strings(json(get("/admin/users/" + userId)).getJsonArray("roles")), "nothing changed");
    }

    @Test
    void theUserListPagesByKeysetInAStableOrderWithoutDuplicatesOrGapsEvenWhileUsersAreAdded() {
        String prefix = "page" + UUID.randomUUID().toString().substring(0, 8) + "-";
        assertEquals(204, http.send(http.request("/test-support/database/users?prefix=" + prefix + "b&count=1000")
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode());

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        boolean insertedMidway = false;
        do {
            JsonObject page = json(get("/admin/users?email_prefix=" + prefix + "&limit=37" + (cursor == null ? "" : "&cursor=" + encode(cursor))));
            JsonArray users = page.getJsonArray("users");
            assertTrue(users.size() <= 37);
            users.forEach(user -> seen.add(user.asJsonObject().getString("email")));
            cursor = page.containsKey("next_cursor") ? page.getString("next_cursor") : null;
            pages++;
            if (pages == 5 && !insertedMidway) {
                // "a" sorts before every address already passed, "c" after all of them.
                create(prefix + "a", 10);
                create(prefix + "c", 10);
                insertedMidway = true;
            }
        } while (cursor != null);

        assertEquals(new HashSet<>(seen).size(), seen.size(), "no address twice");
        assertEquals(seen.stream().sorted().toList(), seen, "one stable order: by address");
        assertEquals(1010, seen.size(), "the 1,000, plus the 10 added after the cursor; the 10 added before it are not owed");
        assertTrue(seen.stream().noneMatch(email -> email.startsWith(prefix + "a")));
        for (int i = 0; i < 1000; i++) {
            assertTrue(seen.contains(prefix + "b" + String.format("%05d", i) + "@bulk.example.test"), "no gap at " + i);
        }
        assertEquals((1010 + 36) / 37, pages);

        JsonObject first = get200("/admin/users?email_prefix=" + prefix.toUpperCase() + "&limit=1&role=user&status=active")
                .getJsonArray("users").getJsonObject(0);
        assertEquals(prefix + "a00000@bulk.example.test", first.getString("email"), "the prefix is normalized like addresses");
        for (String field : List.of("id", "email", "status", "email_verified", "roles", "mfa_enabled", "created", "last_login", "live_sessions")) {
            assertTrue(first.containsKey(field), field + " in " + first);
        }
        assertEquals(0, get200("/admin/users?email_prefix=" + prefix + "&status=disabled").getJsonArray("users").size());
        assertEquals(0, get200("/admin/users?email_prefix=" + prefix + "&role=admin").getJsonArray("users").size());
        assertFalse(get200("/admin/users?email_prefix=" + prefix + "&limit=200").getJsonArray("users").isEmpty());
        assertEquals(0, get200("/admin/users?email_prefix=" + encode(prefix + "%")).getJsonArray("users").size(),
                "% is matched literally, not as a wildcard");
    }

    @Test
    void oneUserShowsTheirSessionsAndDisableEnableAndAResetLinkWork() {
        try (TestMailServer smtp = TestMailServer.forDeployedServer().start()) {
            String email = registered();
            BrowserSession user = BrowserSession.loggedIn(http, email, PASSWORD);
            String userId = json(user.me()).getString("sub");
            JsonObject shown = get200("/admin/users/" + userId);
            assertEquals(email, shown.getString("email"));
            assertEquals(1, shown.getInt("live_sessions"));
            assertEquals(1, shown.getJsonArray("sessions").size());
            assertFalse(shown.isNull("last_login"));

            assertEquals(204, post("/admin/users/" + userId + "/disable").statusCode());
            assertEquals("disabled", get200("/admin/users/" + userId).getString("status"));
            assertProblem(post("/admin/users/" + userId + "/password-reset"), 409, "no reset link for a disabled account");
            assertEquals(204, post("/admin/users/" + userId + "/enable").statusCode());
            assertNotEquals("disabled", get200("/admin/users/" + userId).getString("status"));
            assertEquals(200, http.login(email, PASSWORD).statusCode(), "signs in again");

            assertEquals(202, post("/admin/users/" + userId + "/password-reset").statusCode());
            assertTrue(TestMailServer.text(smtp.awaitMessage(email, RESET_MAIL, Duration.ofSeconds(15)))
                    .contains("/account/reset-password"), "the owner's own reset flow");
        }
    }

    @Test
    void erasureLeavesNoRowThatNamesTheUserAndKillsEveryToken() {
        try (TestMailServer smtp = TestMailServer.forDeployedServer().start()) {
            String email = registered();
            BrowserSession user = BrowserSession.loggedIn(http, email, PASSWORD);
            String userId = json(user.me()).getString("sub");
            BrowserSession second = BrowserSession.loggedIn(http, email, PASSWORD);
            String role = uniqueRole();
            assertEquals(201, put("/admin/roles/" + role, "{\"permissions\":[\"a:b\"]}").statusCode());
            assertEquals(204, put("/admin/users/" + userId + "/roles", "{\"roles\":[\"user\",\"" + role + "\"]}").statusCode());
            assertEquals(200, user.refresh().statusCode());
            assertEquals(200, second.refresh().statusCode());
            // A pending authenticator enrolment (its sealed secret) and a reset link (a one-time
            // token and a queued mail) name the user too.
            assertEquals(200, http.send(http.request("/auth/mfa/totp/enroll").header("Authorization", "Bearer " + user.accessToken())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"password\":\"" + PASSWORD + "\"}"))).statusCode());
            assertEquals(202, post("/admin/users/" + userId + "/password-reset").statusCode());
            smtp.awaitMessage(email, RESET_MAIL, Duration.ofSeconds(15));
            String rowsBefore = rowsNaming(userId);
            assertTrue(rowsBefore.contains("user_account.id") && rowsBefore.contains("token_family.user_id")
                    && rowsBefore.contains("user_role.user_id") && rowsBefore.contains("totp_credential.user_id")
                    && rowsBefore.contains("one_time_token.subject_id") && rowsBefore.contains("revocation.revocation_key"),
                    "the search finds the user where they are: " + rowsBefore);

            assertEquals(204, delete("/admin/users/" + userId).statusCode());

            assertEquals("", withoutTableCount(rowsNaming(userId)), "no row names the user's id");
            assertEquals("", withoutTableCount(rowsNaming(email)), "no row names the user's address");
            assertProblem(user.me(), 401);
            assertProblem(second.me(), 401);
            assertProblem(user.refresh(), 401);
            assertProblem(http.login(email, PASSWORD), 401);
            assertProblem(delete("/admin/users/" + userId), 404);
            assertProblem(get("/admin/users/" + userId), 404);

            JsonObject erased = auditLines("admin_erase_user").stream().filter(line -> line.getString("outcome").equals("success"))
                    .reduce((a, b) -> b).orElseThrow();
            assertTrue(erased.containsKey("user_pseudonym"), erased.toString());
            assertFalse(erased.toString().contains(userId) || erased.toString().contains(email), erased.toString());
        }
    }

    @Test
    void everyAdministrationRouteRefusesNonAdministratorsAndMalformedIdsAreNotFound() {
        String userToken = BrowserSession.loggedIn(http, registered(), PASSWORD).accessToken();
        String someone = UUID.randomUUID().toString();
        List<String[]> routes = List.of(
                new String[] {"GET", "/admin/users"}, new String[] {"GET", "/admin/users/" + someone},
                new String[] {"PUT", "/admin/users/" + someone + "/roles"}, new String[] {"POST", "/admin/users/" + someone + "/enable"},
                new String[] {"POST", "/admin/users/" + someone + "/disable"}, new String[] {"POST", "/admin/users/" + someone + "/revoke-tokens"},
                new String[] {"POST", "/admin/users/" + someone + "/password-reset"}, new String[] {"POST", "/admin/users/" + someone + "/mfa/reset"},
                new String[] {"DELETE", "/admin/users/" + someone}, new String[] {"GET", "/admin/roles"},
                new String[] {"PUT", "/admin/roles/some-role"}, new String[] {"DELETE", "/admin/roles/some-role"},
                new String[] {"GET", "/admin/signing-keys"});
        for (String[] route : routes) {
            assertProblem(send(route[0], route[1], userToken, "{\"roles\":[\"admin\"],\"permissions\":[]}"), 403, route[0] + " " + route[1]);
            assertProblem(send(route[0], route[1], null, "{\"roles\":[\"admin\"],\"permissions\":[]}"), 401, route[0] + " " + route[1]);
        }
        for (String bad : List.of("not-a-uuid", "00000000-0000-0000-0000-00000000000g", "%27%20OR%201=1--", someone.toUpperCase())) {
            for (String[] route : List.of(new String[] {"GET", ""}, new String[] {"PUT", "/roles"}, new String[] {"POST", "/enable"},
                    new String[] {"POST", "/password-reset"}, new String[] {"DELETE", ""})) {
                assertProblem(send(route[0], "/admin/users/" + bad + route[1], adminToken, "{\"roles\":[\"user\"]}"), 404, bad + route[1]);
            }
        }
        assertProblem(send("PUT", "/admin/users/" + someone + "/roles", adminToken, "{\"roles\":[\"user\"]}"), 404);
    }

    @Test
    void badInputToEveryNewRouteIsAProblemAndChangesNothing() {
        String userId = json(BrowserSession.loggedIn(http, registered(), PASSWORD).me()).getString("sub");
        String roles = "/admin/users/" + userId + "/roles";
        for (String body : List.of("", "[]", "{", "{\"roles\":\"user\"}", "{\"roles\":[1]}", "{\"roles\":[[\"user\"]]}",
                "{\"roles\":[\"user\"],\"roles\":[\"admin\"]}", "{\"roles\":[\"user\"],\"extra\":1}", "{}", "{\"roles\":[\"has space\"]}",
                "{\"roles\":[\"\\ud800\"]}", "{\"roles\":[null]}")) {
            assertProblem(put(roles, body), 400, body);
        }
        assertEquals(List.of("user"), strings(get200("/admin/users/" + userId).getJsonArray("roles")));

        String role = uniqueRole();
        for (String body : List.of("{\"permissions\":[\"no-colon\"]}", "{\"permissions\":[\"UPPER:read\"]}", "{\"permissions\":[\"a:b:c\"]}",
                "{\"permissions\":[\"a:b\"],\"description\":5}", "{\"description\":\"" + "x".repeat(501) + "\",\"permissions\":[]}",
                "{\"description\":\"line\\nbreak\",\"permissions\":[]}", "{\"permissions\":[\"a:b\"],\"built_in\":true}", "{}")) {
            assertProblem(put("/admin/roles/" + role, body), 400, body);
        }
        assertProblem(put("/admin/roles/bad%20name", "{\"permissions\":[]}"), 400);
        assertProblem(put("/admin/roles/" + "r".repeat(65), "{\"permissions\":[]}"), 400);
        assertFalse(get("/admin/roles").body().contains(role), "no role was created");
        assertProblem(delete("/admin/roles/" + role + "?force=yes"), 400);
        assertProblem(delete("/admin/roles/" + role + "?other=1"), 400);

        for (String query : List.of("limit=0", "limit=201", "limit=abc", "limit=-1", "limit=1&limit=2", "status=gone", "role=bad%20role",
                "cursor=not-a-cursor", "cursor=v1.AAAA", "unknown=1", "email_prefix=" + "a".repeat(255))) {
            assertProblem(get("/admin/users?" + query), 400, query);
        }
    }

    private void create(String prefix, int count) {
        assertEquals(204, http.send(http.request("/test-support/database/users?prefix=" + prefix + "&count=" + count)
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode());
    }

    private String rowsNaming(String value) {
        HttpResponse<String> response = http.get("/test-support/database/rows-naming?value=" + encode(value));
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().matches("(?s)tables (1[0-9]|[2-9][0-9]).*"), "every table searched: " + response.body());
        return response.body();
    }

    private static String withoutTableCount(String rows) {
        return rows.replaceFirst("tables [0-9]+\\n?", "");
    }

    private List<JsonObject> auditLines(String event) {
        List<JsonObject> lines = new ArrayList<>();
        for (String line : http.get("/test-support/log").body().split("\n")) {
            if (line.startsWith(AUDIT_LINE)) {
                try (JsonReader reader = Json.createReader(new StringReader(line.substring(AUDIT_LINE.length())))) {
                    JsonObject parsed = reader.readObject();
                    if (parsed.getString("event").equals(event)) {
                        lines.add(parsed);
                    }
                }
            }
        }
        return lines;
    }

    private static String uniqueRole() {
        return "role-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static List<String> strings(JsonArray array) {
        return array.getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private JsonObject get200(String path) {
        HttpResponse<String> response = get(path);
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return json(response);
    }

    private HttpResponse<String> get(String path) {
        return send("GET", path, adminToken, null);
    }

    private HttpResponse<String> put(String path, String body) {
        return send("PUT", path, adminToken, body);
    }

    private HttpResponse<String> post(String path) {
        return send("POST", path, adminToken, null);
    }

    private HttpResponse<String> delete(String path) {
        return send("DELETE", path, adminToken, null);
    }

    private HttpResponse<String> send(String method, String path, String token, String body) {
        HttpRequest.Builder request = http.request(path);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null && (method.equals("PUT") || method.equals("POST"))) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(request);
    }
}

package dev.latchkey.recovery;

import dev.latchkey.testsupport.client.BrowserSession;
import dev.latchkey.testsupport.client.DeployedLatchkeyTest;
import dev.latchkey.testsupport.client.Http;
import dev.latchkey.testsupport.client.TestMailServer;
import dev.latchkey.testsupport.client.Timing;
import dev.latchkey.testsupport.client.WorkAfterTheAnswer;
import jakarta.json.Json;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static dev.latchkey.testsupport.client.Http.assertProblem;
import static dev.latchkey.testsupport.client.Http.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Forgot and reset, end to end: a real Payara Micro mails the link over real SMTP (GreenMail, on
 * the port the server is configured with), the test follows it like a user would, and the old
 * sessions, tokens and password stop working.
 */
class PasswordResetIT extends DeployedLatchkeyTest {

    /** {@code latchkey.public-url} is not set for the test server, so links use its default. */
    private static final String RESET_PAGE = "http://localhost:8080/account/reset-password";
    private static final String NEW_PASSWORD = "an entirely new passphrase";
    private static final String RESET_MAIL = "Choose a new Latchkey password";
    private static final String NOTICE = "Your Latchkey password was changed";
    private static final String INVALID_TOKEN = "urn:latchkey:problem:invalid-or-expired-token";

    @RegisterExtension
    static final TestMailServer smtp = TestMailServer.forDeployedServer();

    @Test
    void theMailedLinkSetsANewPasswordEndsEverySessionAndWorksOnce() {
        String email = registered();
        BrowserSession laptop = BrowserSession.loggedIn(http, email, PASSWORD);

        HttpResponse<String> forgot = forgot(email);
        assertEquals(202, forgot.statusCode(), forgot.body());
        String token = tokenFrom(smtp.awaitMessage(email, RESET_MAIL, Duration.ofSeconds(15)));

        HttpResponse<String> reset = reset(token, NEW_PASSWORD);
        assertEquals(204, reset.statusCode(), reset.body());

        assertProblem(laptop.me(), 401);
        assertProblem(laptop.refresh(), 401);
        assertProblem(http.login(email, PASSWORD), 401);
        assertEquals(200, http.login(email, NEW_PASSWORD).statusCode(), "signed in with the new password, not by the reset");
        smtp.awaitMessage(email, NOTICE, Duration.ofSeconds(15));

        assertEquals(INVALID_TOKEN, assertProblem(reset(token, "yet another long passphrase"), 400).getString("type"));
        assertEquals(200, http.login(email, NEW_PASSWORD).statusCode(), "a used link changes nothing");
        String log = http.get("/test-support/log").body();
        assertFalse(log.contains(token), "the token appears in no log line");
    }

    @Test
    void aPasswordThePolicyRefusesLeavesTheLinkWorking() {
        String email = registered();
        assertEquals(202, forgot(email).statusCode());
        String token = tokenFrom(smtp.awaitMessage(email, RESET_MAIL, Duration.ofSeconds(15)));

        assertProblem(reset(token, "short"), 400);
        assertEquals(204, reset(token, NEW_PASSWORD).statusCode());
    }

    @Test
    void onlyTheNewestLinkWorksAndAPasswordChangeKillsOutstandingLinks() {
        String email = registered();
        assertEquals(202, forgot(email).statusCode());
        String first = tokenFrom(smtp.awaitMessage(email, RESET_MAIL, Duration.ofSeconds(15)));
        assertEquals(202, forgot(email).statusCode());
        String second = tokenFrom(smtp.awaitMessages(email, RESET_MAIL, 2, Duration.ofSeconds(15)));
        assertFalse(second.equals(first));
        assertEquals(INVALID_TOKEN, assertProblem(reset(first, NEW_PASSWORD), 400).getString("type"), "the older link died");

        String accessToken = Http.json(http.login(email, PASSWORD)).getString("access_token");
        assertEquals(200, http.changePassword(accessToken, PASSWORD, "a changed passphrase here").statusCode());
        assertProblem(reset(second, NEW_PASSWORD), 400);
    }

    @Test
    void expiredUnknownMalformedAndAlteredTokensGetOneIdenticalProblemAndChangeNothing() {
        String email = registered();
        assertEquals(202, forgot(email).statusCode());
        String token = tokenFrom(smtp.awaitMessage(email, RESET_MAIL, Duration.ofSeconds(15)));
        char last = token.charAt(42);
        String altered = token.substring(0, 42) + (last == 'A' ? 'Q' : 'A');

        List<HttpResponse<String>> answers = new ArrayList<>();
        answers.add(reset(altered, NEW_PASSWORD));
        answers.add(reset("x".repeat(43), NEW_PASSWORD));
        answers.add(reset("not a token", NEW_PASSWORD));
        answers.add(reset(token + "A", NEW_PASSWORD));
        http.advanceClock(31 * 60);
        answers.add(reset(token, NEW_PASSWORD));
        String reference = answers.get(0).body();
        for (HttpResponse<String> answer : answers) {
            assertProblem(answer, 400);
            assertEquals(reference, answer.body());
        }
        assertTrue(reference.contains(INVALID_TOKEN), reference);
        http.resetClock();
        assertEquals(200, http.login(email, PASSWORD).statusCode(), "nothing changed");
    }

    @Test
    void forgotAnswersAlikeForEveryAddressAndMailsOnlyAnActiveAccount() {
        List<String> existing = new ArrayList<>();
        for (int i = 0; i < Timing.ACCOUNTS_NEEDED + 1; i++) {
            existing.add(registered());
        }
        String unknown = uniqueEmail();
        // Each forgot works after its answer, and an existing account's mails a link: no answer
        // may be timed against the work of the attempts before it on the same two cores. Without
        // that wait the unknown addresses' answers, timed while nothing was being sent, came out
        // faster (a median ratio of 1.29 and 1.36 in two full runs on 2026-12-02, against the
        // 1.25 allowed); waiting for the mail alone was not enough either (WorkAfterTheAnswer).
        WorkAfterTheAnswer work = WorkAfterTheAnswer.start(http, smtp, "password_reset_requested");
        Iterator<String> fresh = Timing.freshAddresses(1);
        Timing.assertIndistinguishable("forgot", 202, i -> work.mailing(() -> forgot(existing.get(i))),
                i -> work.silent(() -> forgot(i == 0 ? unknown : fresh.next())), work::awaitDone);

        smtp.awaitMessage(existing.get(0), RESET_MAIL, Duration.ofSeconds(30));
        assertTrue(smtp.messagesTo(unknown).isEmpty(), "no mail to an address without an account");
    }

    @Test
    void aHostHeaderPointingElsewhereDoesNotChangeTheLink() throws Exception {
        String email = registered();
        String body = Json.createObjectBuilder().add("email", email).build().toString();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /auth/password/forgot HTTP/1.1\r\nHost: attacker.example\r\nX-Forwarded-Host: attacker.example\r\n"
                    + "Forwarded: host=attacker.example\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 202"), answer);
        }
        MimeMessage message = smtp.awaitMessage(email, RESET_MAIL, Duration.ofSeconds(15));
        assertFalse(TestMailServer.text(message).contains("attacker") || TestMailServer.html(message).contains("attacker"));
        tokenFrom(message);
    }

    @Test
    void theResetPageIsServedWithAPolicyThatAllowsOnlyItsOwnScript() {
        HttpResponse<String> page = http.get("/account/reset-password");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        String policy = page.headers().allValues("Content-Security-Policy").toString();
        assertEquals(1, page.headers().allValues("Content-Security-Policy").size(), policy);
        assertTrue(policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"), policy);
        assertFalse(policy.contains("unsafe-inline"), policy);
        HttpResponse<String> script = http.get("/account/reset-password.js");
        assertEquals(200, script.statusCode());
        assertTrue(script.body().contains("/auth/password/reset") || script.body().contains("auth/password/reset"));
    }

    @Test
    void badRequestsGetProblemsAndNoMail() {
        assertProblem(http.postJson("/auth/password/forgot", "{\"email\":\"not an address\"}"), 400);
        assertProblem(http.postJson("/auth/password/forgot", "{\"mail\":\"a@example.com\"}"), 400);
        assertProblem(http.postJson("/auth/password/forgot", "[]"), 400);
        assertProblem(http.postJson("/auth/password/reset", "{\"token\":\"abc\"}"), 400);
        assertProblem(http.postJson("/auth/password/reset", "{\"token\":1,\"new_password\":\"x\"}"), 400);
        assertProblem(http.postJson("/auth/password/reset", "not json"), 400);
    }

    private HttpResponse<String> forgot(String email) {
        return http.postJson("/auth/password/forgot", Json.createObjectBuilder().add("email", email).build().toString());
    }

    private HttpResponse<String> reset(String token, String newPassword) {
        return http.postJson("/auth/password/reset", Json.createObjectBuilder().add("token", token)
                .add("new_password", newPassword).build().toString());
    }

    private static String tokenFrom(MimeMessage message) {
        return TestMailServer.linkToken(message, RESET_PAGE);
    }
}

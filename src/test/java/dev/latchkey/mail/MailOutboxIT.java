package dev.latchkey.mail;

import dev.latchkey.testsupport.client.BrowserSession;
import dev.latchkey.testsupport.client.DeployedLatchkeyTest;
import dev.latchkey.testsupport.client.Http;
import dev.latchkey.testsupport.client.TestMailServer;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;

import static dev.latchkey.testsupport.client.Http.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The outbox end to end: a real Payara Micro sends over real SMTP to GreenMail, which this test
 * starts and stops on the loopback port the server is configured with (arquillian.xml). The
 * notice that a password was changed is the message under test.
 */
class MailOutboxIT extends DeployedLatchkeyTest {

    private static final String NEW_PASSWORD = "a completely different passphrase";
    private static final String NOTICE = "Your Latchkey password was changed";
    private static final String REUSE_NOTICE = "A Latchkey session of yours was ended";
    private static final String VERIFY_MAIL = "Confirm your address for Latchkey";
    /** {@code latchkey.public-url} is not set for the test server, so links use its default. */
    private static final String VERIFY_PAGE = "http://localhost:8080/account/verify-email";

    @Test
    void aPasswordChangeSendsTheOwnerANoticeOverSmtpThatCarriesNoSecret() throws Exception {
        try (TestMailServer smtp = TestMailServer.forDeployedServer().start()) {
            String email = Http.uniqueEmail();
            String accessToken = http.registerAndLogin(email, PASSWORD);
            HttpResponse<String> change = http.changePassword(accessToken, PASSWORD, NEW_PASSWORD);
            assertEquals(200, change.statusCode(), change.body());

            MimeMessage notice = smtp.awaitMessage(email, NOTICE, Duration.ofSeconds(10));
            String text = TestMailServer.text(notice);
            String html = TestMailServer.html(notice);
            assertTrue(text.contains(email), text);
            assertTrue(html.contains(email), html);
            for (String secret : new String[] {PASSWORD, NEW_PASSWORD, accessToken, json(change).getString("access_token")}) {
                assertFalse(text.contains(secret) || html.contains(secret), "the notice carries no password or token");
            }
            assertFalse(text.contains("http://") || text.contains("https://"), "the notice carries no link that changes anything");
        }
    }

    @Test
    void whileSmtpIsDownTheChangeSucceedsAndItsNoticeArrivesExactlyOnceWhenSmtpIsBack() throws Exception {
        String email = Http.uniqueEmail();
        String accessToken = http.registerAndLogin(email, PASSWORD);
        HttpResponse<String> change = http.changePassword(accessToken, PASSWORD, NEW_PASSWORD);
        assertEquals(200, change.statusCode(), "no SMTP server is listening, and the request does not care: " + change.body());

        try (TestMailServer smtp = TestMailServer.forDeployedServer().start()) {
            smtp.awaitMessage(email, NOTICE, Duration.ofSeconds(15));
            // Retries run every second or two here: several more rounds pass without a second copy.
            Thread.sleep(5_000);
            assertEquals(1, smtp.messagesTo(email, NOTICE).size(), "delivered once, then deleted from the outbox");
        }
    }

    @Test
    void withVerificationNotRequiredTheAccountStartsUnverifiedAndItsMailedLinkVerifiesIt() {
        try (TestMailServer smtp = TestMailServer.forDeployedServer().start()) {
            String email = Http.uniqueEmail();
            String before = http.registerAndLogin(email, PASSWORD);
            assertFalse(Http.claims(before).getBoolean("email_verified"));
            assertFalse(json(http.getWithBearer("/api/me", before)).getBoolean("email_verified"));

            String token = TestMailServer.linkToken(smtp.awaitMessage(email, VERIFY_MAIL, Duration.ofSeconds(15)), VERIFY_PAGE);
            assertEquals(204, verify(token).statusCode());
            String after = json(http.login(email, PASSWORD)).getString("access_token");
            assertTrue(Http.claims(after).getBoolean("email_verified"));
            assertTrue(json(http.getWithBearer("/api/me", after)).getBoolean("email_verified"));
            assertEquals(Http.assertProblem(verify("A".repeat(43)), 400).toString(), Http.assertProblem(verify(token), 400).toString(),
                    "a used link gets the same problem as an unknown one");
        }
    }

    @Test
    void aReusedRefreshTokenEndsTheSessionAndTellsTheOwnerOnce() {
        try (TestMailServer smtp = TestMailServer.forDeployedServer().start()) {
            String email = registered();
            BrowserSession session = BrowserSession.loggedIn(http, email, PASSWORD);
            String stolen = session.refreshToken();
            assertEquals(200, session.refresh().statusCode());
            http.advanceClock(11);
            Http.assertProblem(session.refreshWith(stolen), 401);
            Http.assertProblem(session.refresh(), 401);

            MimeMessage notice = smtp.awaitMessage(email, REUSE_NOTICE, Duration.ofSeconds(15));
            String text = TestMailServer.text(notice) + TestMailServer.html(notice);
            assertFalse(text.contains(stolen) || text.contains(session.refreshToken()), "no token in the notice");
            assertEquals(1, smtp.messagesTo(email, REUSE_NOTICE).size());
        }
    }

    private HttpResponse<String> verify(String token) {
        return http.postJson("/auth/email/verify", "{\"token\":\"" + token + "\"}");
    }
}

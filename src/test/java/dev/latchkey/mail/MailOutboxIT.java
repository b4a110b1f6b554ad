package dev.latchkey.mail;

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

    @Test
    void aPasswordChangeSendsTheOwnerANoticeOverSmtpThatCarriesNoSecret() throws Exception {
        try (TestMailServer smtp = TestMailServer.forDeployedServer().start()) {
            String email = Http.uniqueEmail();
            String accessToken = http.registerAndLogin(email, PASSWORD);
            HttpResponse<String> change = http.changePassword(accessToken, PASSWORD, NEW_PASSWORD);
            assertEquals(200, change.statusCode(), change.body());

            MimeMessage notice = smtp.awaitMessageTo(email, Duration.ofSeconds(10));
            assertEquals("Your Latchkey password was changed", notice.getSubject());
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
            smtp.awaitMessageTo(email, Duration.ofSeconds(15));
            // Retries run every second or two here: several more rounds pass without a second copy.
            Thread.sleep(5_000);
            assertEquals(1, smtp.messagesTo(email).size(), "delivered once, then deleted from the outbox");
        }
    }
}

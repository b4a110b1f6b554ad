package dev.latchkey.mail;

import dev.latchkey.testsupport.client.BrowserSession;
import dev.latchkey.testsupport.client.DeployedLatchkeyTest;
import dev.latchkey.testsupport.client.Http;
import dev.latchkey.testsupport.client.MetricsScrape;
import dev.latchkey.testsupport.client.TestMailServer;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
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
    private static final String NEW_SIGN_IN = "New sign-in to your Latchkey account";
    private static final String CHROME_120_WINDOWS =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
    private static final String CHROME_131_WINDOWS =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private static final String FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0";
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
        MetricsScrape before = MetricsScrape.of(http);
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
        MetricsScrape after = MetricsScrape.of(http);
        assertTrue(after.increaseSince(before, "latchkey_mail_deliveries_total", "outcome", "failed") >= 1, "the attempts while SMTP was down");
        assertTrue(after.increaseSince(before, "latchkey_mail_deliveries_total", "outcome", "sent") >= 1, "the delivery once it was back");
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

    /**
     * A device is the browser and system families plus the network: the device that registered is
     * known, a browser update or a neighbouring address changes nothing, and a new browser, a new
     * network, or a known device unused for 30 days sends one notice each, with the device, the
     * address and the session to end, and no secret. The trusted proxy ({@code ::1},
     * arquillian.xml) lets the test choose the client address.
     */
    @Test
    void aSignInFromADeviceOrNetworkNotUsedFor30DaysTellsTheOwnerOnce() throws Exception {
        Http viaProxy = new Http(URI.create("http://[::1]:" + base.getPort() + "/").toURL());
        try (TestMailServer smtp = TestMailServer.forDeployedServer().start()) {
            String email = Http.uniqueEmail();
            assertEquals(202, viaProxy.send(asDevice(viaProxy, "/auth/register", CHROME_120_WINDOWS, "203.0.113.10")
                    .POST(HttpRequest.BodyPublishers.ofString(Http.credentials(email, PASSWORD)))).statusCode());
            loginAs(viaProxy, email, CHROME_131_WINDOWS, "203.0.113.200");

            String firefoxToken = loginAs(viaProxy, email, FIREFOX_LINUX, "198.51.100.7");
            MimeMessage first = smtp.awaitMessage(email, NEW_SIGN_IN, Duration.ofSeconds(15));
            String text = TestMailServer.text(first);
            String html = TestMailServer.html(first);
            String session = currentSessionId(firefoxToken);
            for (String expected : new String[] {email, "Firefox on Linux", "198.51.100.7", session}) {
                assertTrue(text.contains(expected) && html.contains(expected), "the notice names " + expected + ": " + text);
            }
            assertFalse(text.contains("Chrome"), "the notice describes the new device, not a known one");
            for (String secret : new String[] {PASSWORD, firefoxToken}) {
                assertFalse(text.contains(secret) || html.contains(secret), "no password or token in the notice");
            }
            assertFalse(text.contains("http://") || text.contains("https://"), "no link in the notice");

            loginAs(viaProxy, email, FIREFOX_LINUX, "198.51.100.250");
            loginAs(viaProxy, email, FIREFOX_LINUX, "192.0.2.33");
            smtp.awaitMessages(email, NEW_SIGN_IN, 2, Duration.ofSeconds(15));
            assertTrue(TestMailServer.text(smtp.messagesTo(email, NEW_SIGN_IN).get(1)).contains("192.0.2.33"));

            http.advanceClock(Duration.ofDays(29).toSeconds());
            loginAs(viaProxy, email, CHROME_131_WINDOWS, "203.0.113.10");
            http.advanceClock(Duration.ofDays(2).toSeconds());
            loginAs(viaProxy, email, CHROME_131_WINDOWS, "203.0.113.10");
            loginAs(viaProxy, email, FIREFOX_LINUX, "198.51.100.7");
            smtp.awaitMessages(email, NEW_SIGN_IN, 3, Duration.ofSeconds(15));
            // Retries run every second or two here: several more rounds pass without another notice.
            Thread.sleep(4_000);
            assertEquals(3, smtp.messagesTo(email, NEW_SIGN_IN).size(), "on day 31, Chrome (last used on day 29) was "
                    + "known and Firefox (last used on day 0) was not; the same /24 and a browser update never were new");
            assertTrue(TestMailServer.text(smtp.messagesTo(email, NEW_SIGN_IN).get(2)).contains("Firefox on Linux"));
        }
    }

    private static HttpRequest.Builder asDevice(Http viaProxy, String path, String userAgent, String clientIp) {
        return viaProxy.request(path).header("Content-Type", "application/json").header("User-Agent", userAgent)
                .header("X-Forwarded-For", clientIp);
    }

    private static String loginAs(Http viaProxy, String email, String userAgent, String clientIp) {
        HttpResponse<String> login = viaProxy.send(asDevice(viaProxy, "/auth/login", userAgent, clientIp)
                .POST(HttpRequest.BodyPublishers.ofString(Http.credentials(email, PASSWORD))));
        assertEquals(200, login.statusCode(), login.body());
        return json(login).getString("access_token");
    }

    private String currentSessionId(String accessToken) {
        return json(http.getWithBearer("/auth/sessions", accessToken)).getJsonArray("sessions").stream()
                .map(jakarta.json.JsonValue::asJsonObject).filter(session -> session.getBoolean("current"))
                .findFirst().orElseThrow().getString("id");
    }

    private HttpResponse<String> verify(String token) {
        return http.postJson("/auth/email/verify", "{\"token\":\"" + token + "\"}");
    }
}

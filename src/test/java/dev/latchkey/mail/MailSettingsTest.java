package dev.latchkey.mail;

import dev.latchkey.config.InvalidSettingException;
import dev.latchkey.config.SettingsSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MailSettingsTest {

    @Test
    void byDefaultMailGoesToTheDevelopmentDirectoryAndSmtpWouldNeedStarttls() {
        MailSettings settings = MailSettings.defaults();
        assertTrue(settings.host().isEmpty());
        assertEquals(MailSettings.Tls.STARTTLS, settings.tls());
        assertEquals(587, settings.port());
        assertEquals(Path.of("./data/mail"), settings.directory());
        assertEquals("true", MailDelivery.smtpProperties(settings).getProperty("mail.smtp.starttls.required"),
                "STARTTLS is required, so a stripped greeting cannot downgrade the connection");
    }

    @Test
    void plainSmtpIsRefusedUnlessTheServerIsOnLoopback() {
        for (String loopback : new String[] {"127.0.0.1", "127.5.6.7", "::1", "[::1]", "localhost"}) {
            assertEquals(MailSettings.Tls.NONE, settings(Map.of(MailSettings.HOST, loopback, MailSettings.TLS, "none")).tls(), loopback);
        }
        for (String remote : new String[] {"smtp.example.com", "10.0.0.5", "::2", "127.0.0.1.example.com"}) {
            InvalidSettingException refused = assertThrows(InvalidSettingException.class,
                    () -> settings(Map.of(MailSettings.HOST, remote, MailSettings.TLS, "none")), remote);
            assertTrue(refused.getMessage().contains(MailSettings.TLS), refused.getMessage());
        }
    }

    @Test
    void implicitTlsSpeaksSmtpsAndChecksTheServerName() {
        MailSettings settings = settings(Map.of(MailSettings.HOST, "smtp.example.com", MailSettings.TLS, "implicit"));
        assertEquals(465, settings.port());
        assertEquals("smtps", MailDelivery.smtpProperties(settings).getProperty("mail.transport.protocol"));
        assertEquals("true", MailDelivery.smtpProperties(settings).getProperty("mail.smtps.ssl.checkserveridentity"));
    }

    @Test
    void thePasswordComesFromTheEnvironmentOrAFileNeverBothAndNeedsAUser(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("smtp-password");
        Files.writeString(file, "s3cret-from-file\n");
        MailSettings fromFile = settings(Map.of(MailSettings.USERNAME, "latchkey", MailSettings.PASSWORD_FILE, file.toString()));
        assertEquals("s3cret-from-file", fromFile.password().orElseThrow());

        assertThrows(InvalidSettingException.class, () -> settings(Map.of(MailSettings.USERNAME, "latchkey",
                MailSettings.PASSWORD, "x", MailSettings.PASSWORD_FILE, file.toString())));
        assertThrows(InvalidSettingException.class, () -> settings(Map.of(MailSettings.PASSWORD, "x")));
        InvalidSettingException unreadable = assertThrows(InvalidSettingException.class, () -> settings(Map.of(
                MailSettings.USERNAME, "latchkey", MailSettings.PASSWORD_FILE, directory.resolve("missing").toString())));
        assertFalse(unreadable.getMessage().contains("missing"), "the message names the key, not the file");
    }

    @Test
    void theSenderMustBeOneAddress() {
        assertEquals("Accounts <accounts@example.com>",
                settings(Map.of(MailSettings.FROM, "Accounts <accounts@example.com>")).from().toString());
        for (String bad : new String[] {"not an address", "a@example.com, b@example.com", "x@example.com\r\nBcc: y@example.com"}) {
            assertThrows(InvalidSettingException.class, () -> settings(Map.of(MailSettings.FROM, bad)), bad);
        }
    }

    @Test
    void retriesBackOffExponentiallyUpToTheLongestDelay() {
        MailSettings settings = settings(Map.of(MailSettings.FIRST_RETRY, "5", MailSettings.LONGEST_RETRY, "60"));
        assertEquals(Duration.ofSeconds(5), settings.retryDelay(1));
        assertEquals(Duration.ofSeconds(10), settings.retryDelay(2));
        assertEquals(Duration.ofSeconds(40), settings.retryDelay(4));
        assertEquals(Duration.ofSeconds(60), settings.retryDelay(5));
        assertEquals(Duration.ofSeconds(60), settings.retryDelay(1_000));
        assertThrows(InvalidSettingException.class,
                () -> settings(Map.of(MailSettings.FIRST_RETRY, "60", MailSettings.LONGEST_RETRY, "5")));
    }

    private static MailSettings settings(Map<String, String> values) {
        return MailSettings.from(SettingsSource.of(values));
    }
}

package dev.latchkey.mail;

import dev.latchkey.config.SettingsSource;
import dev.latchkey.testsupport.client.TestMailServer;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Delivery against a real SMTP server (GreenMail on loopback) and the development directory. */
class MailDeliveryTest {

    private static final String LINK = "https://accounts.example.com/verify#token=SECRET-TOKEN-VALUE";
    private static final MailMessage MESSAGE = new MailMessage("alice@example.com", "Confirm your address",
            "Open " + LINK, "<p>Open <a href=\"" + LINK + "\">this link</a></p>");

    @Test
    void overSmtpTheMessageArrivesWithATextAndAnHtmlPart() throws Exception {
        int port = freePort();
        try (TestMailServer smtp = TestMailServer.onPort(port).start()) {
            delivery(Map.of(MailSettings.HOST, "127.0.0.1", MailSettings.PORT, String.valueOf(port), MailSettings.TLS, "none",
                    MailSettings.FROM, "Accounts <accounts@example.com>")).deliver("id-1", MESSAGE);

            MimeMessage received = smtp.messagesTo("alice@example.com").get(0);
            assertEquals("Confirm your address", received.getSubject());
            assertEquals("Accounts <accounts@example.com>", received.getFrom()[0].toString());
            assertEquals("Open " + LINK, TestMailServer.text(received).strip());
            assertTrue(TestMailServer.html(received).contains("href=\"" + LINK + "\""));
        }
    }

    @Test
    void aSecondDeliveryOfOneRowCarriesTheSameMessageIdAndAnotherRowAnother() throws Exception {
        int port = freePort();
        try (TestMailServer smtp = TestMailServer.onPort(port).start()) {
            MailDelivery delivery = delivery(Map.of(MailSettings.HOST, "127.0.0.1", MailSettings.PORT, String.valueOf(port),
                    MailSettings.TLS, "none", MailSettings.FROM, "Accounts <accounts@example.com>"));
            String row = "0b7e6c1a-3f27-4d59-9a51-2c8e8f4f1d11";
            delivery.deliver(row, MESSAGE);
            delivery.deliver(row, MESSAGE);
            delivery.deliver("5d0f3a9e-8b1c-4e2a-b6f4-7a9c0e1d2b33", MESSAGE);

            List<MimeMessage> received = smtp.messagesTo("alice@example.com");
            assertEquals(3, received.size());
            assertEquals("<" + row + ".outbox@example.com>", received.get(0).getMessageID());
            assertEquals(received.get(0).getMessageID(), received.get(1).getMessageID());
            assertEquals("<5d0f3a9e-8b1c-4e2a-b6f4-7a9c0e1d2b33.outbox@example.com>", received.get(2).getMessageID());
        }
    }

    @Test
    void aServerThatDoesNotOfferStarttlsGetsNothing() throws Exception {
        int port = freePort();
        try (TestMailServer plainOnly = TestMailServer.onPort(port).start()) {
            // GreenMail's plain SMTP server offers no STARTTLS: as if an attacker had stripped it.
            MailDelivery delivery = delivery(Map.of(MailSettings.HOST, "localhost", MailSettings.PORT, String.valueOf(port),
                    MailSettings.TLS, "starttls"));
            assertThrows(MessagingException.class, () -> delivery.deliver("id-2", MESSAGE));
            assertTrue(plainOnly.messagesTo("alice@example.com").isEmpty());
        }
    }

    @Test
    void withoutSmtpTheMessageIsAnOwnerOnlyFileAndTheLogLineHoldsNoLink(@TempDir Path temporary) throws Exception {
        Path directory = temporary.resolve("mail");
        List<String> logged = new java.util.ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(new java.util.logging.SimpleFormatter().formatMessage(record));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(MailDelivery.class.getName());
        logger.addHandler(capture);
        try {
            delivery(Map.of(MailSettings.DIRECTORY, directory.toString())).deliver("id-3", MESSAGE);
        } finally {
            logger.removeHandler(capture);
        }
        List<Path> files;
        try (var listing = Files.list(directory)) {
            files = listing.toList();
        }
        assertEquals(1, files.size());
        assertTrue(files.get(0).getFileName().toString().endsWith("-id-3.eml"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.get(0))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));
        String eml = Files.readString(files.get(0));
        assertTrue(eml.contains("Confirm your address"));
        assertTrue(eml.contains(LINK), "the link stays on one line, unencoded, so the README's grep finds it");
        assertEquals(1, logged.size(), "one line per message");
        assertFalse(logged.get(0).contains("SECRET-TOKEN-VALUE") || logged.get(0).contains("alice"), logged.get(0));
    }

    private static MailDelivery delivery(Map<String, String> values) {
        MailDelivery delivery = new MailDelivery();
        delivery.settings = MailSettings.from(SettingsSource.of(values));
        delivery.clock = Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC);
        delivery.configure();
        return delivery;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

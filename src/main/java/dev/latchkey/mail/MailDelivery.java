package dev.latchkey.mail;

import dev.latchkey.keys.DevelopmentKeyStore;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Date;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * Hands one message to the SMTP server (Jakarta Mail; the implementation, Eclipse Angus Mail, is
 * the one every supported server ships), or without a configured server writes it to the
 * development mail directory as an {@code .eml} file.
 */
@ApplicationScoped
public class MailDelivery {

    private static final Logger LOG = Logger.getLogger(MailDelivery.class.getName());

    @Inject
    MailSettings settings;

    @Inject
    Clock clock;

    private Session session;

    @PostConstruct
    void configure() {
        session = Session.getInstance(smtpProperties(settings));
    }

    static Properties smtpProperties(MailSettings settings) {
        Properties properties = new Properties();
        boolean implicitTls = settings.tls() == MailSettings.Tls.IMPLICIT;
        String protocol = implicitTls ? "smtps" : "smtp";
        properties.setProperty("mail.transport.protocol", protocol);
        settings.host().ifPresent(host -> properties.setProperty("mail." + protocol + ".host", host));
        properties.setProperty("mail." + protocol + ".port", String.valueOf(settings.port()));
        String timeout = String.valueOf(settings.timeout().toMillis());
        // Bounded everywhere: a server that accepts the connection and then stalls must not hold
        // a sender thread (or the claim on the message) for ever.
        properties.setProperty("mail." + protocol + ".connectiontimeout", timeout);
        properties.setProperty("mail." + protocol + ".timeout", timeout);
        properties.setProperty("mail." + protocol + ".writetimeout", timeout);
        properties.setProperty("mail." + protocol + ".from", settings.from().getAddress());
        if (settings.tls() == MailSettings.Tls.STARTTLS) {
            // Required, not opportunistic: a man in the middle who strips STARTTLS from the
            // server's greeting gets a refused delivery, not the one-time links in clear.
            properties.setProperty("mail.smtp.starttls.enable", "true");
            properties.setProperty("mail.smtp.starttls.required", "true");
        }
        if (settings.tls() != MailSettings.Tls.NONE) {
            properties.setProperty("mail." + protocol + ".ssl.checkserveridentity", "true");
        }
        settings.username().ifPresent(user -> properties.setProperty("mail." + protocol + ".auth", "true"));
        return properties;
    }

    void deliver(String id, MailMessage message) throws MessagingException, IOException {
        MimeMessage mime = mime(id, message);
        if (settings.host().isEmpty()) {
            writeToDirectory(id, mime);
            return;
        }
        try (Transport transport = session.getTransport()) {
            if (settings.username().isPresent()) {
                transport.connect(settings.username().get(), settings.password().orElse(null));
            } else {
                transport.connect();
            }
            transport.sendMessage(mime, mime.getAllRecipients());
        }
    }

    /**
     * The Message-ID names the outbox row, not the attempt. Delivery is at least once (a node that
     * dies between the SMTP server's acceptance and the row's delete leaves the row to another,
     * docs/mail.md), and a second copy with the same Message-ID is one that receiving systems and
     * people can recognise as the same message; the row id is a random UUID and says nothing else.
     */
    private static String messageId(String outboxId, InternetAddress from) {
        String address = from.getAddress();
        return "<" + outboxId + ".outbox@" + address.substring(address.lastIndexOf('@') + 1) + ">";
    }

    private MimeMessage mime(String id, MailMessage message) throws MessagingException {
        String messageId = messageId(id, settings.from());
        MimeMessage mime = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", messageId);
            }
        };
        mime.setFrom(settings.from());
        mime.setRecipient(jakarta.mail.Message.RecipientType.TO, new InternetAddress(message.to(), true));
        mime.setSubject(message.subject(), StandardCharsets.UTF_8.name());
        mime.setSentDate(Date.from(clock.instant()));
        MimeBodyPart text = new MimeBodyPart();
        text.setText(message.text(), StandardCharsets.UTF_8.name());
        MimeBodyPart html = new MimeBodyPart();
        html.setText(message.html(), StandardCharsets.UTF_8.name(), "html");
        MimeMultipart alternatives = new MimeMultipart("alternative");
        alternatives.addBodyPart(text);
        alternatives.addBodyPart(html);
        mime.setContent(alternatives);
        mime.saveChanges();
        return mime;
    }

    private void writeToDirectory(String id, MimeMessage mime) throws IOException, MessagingException {
        Path directory = settings.directory();
        DevelopmentKeyStore.createOwnerOnlyDirectory(directory);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        mime.writeTo(bytes);
        Path file = directory.resolve(clock.millis() + "-" + id + ".eml");
        DevelopmentKeyStore.createOwnerOnlyFile(file, bytes.toByteArray());
        // The file name and nothing of the content: the body holds a live link.
        LOG.info(() -> "Development mail: wrote a message to " + file.toAbsolutePath() + " (no SMTP server configured)");
    }
}

package dev.latchkey.testsupport.client;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real SMTP server (GreenMail) on the loopback port the server under test sends to
 * ({@code latchkey.it.smtp-port}, reserved by the build and put into arquillian.xml). Tests start
 * and stop it to play an SMTP server that is up or down; a class that needs it up throughout
 * registers it as an extension ({@code @RegisterExtension static final TestMailServer SMTP = ...}).
 */
public final class TestMailServer implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

    private final GreenMail greenMail;

    private TestMailServer(int port) {
        greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    }

    /** On the port the server under test is configured with. */
    public static TestMailServer forDeployedServer() {
        return new TestMailServer(Integer.parseInt(System.getProperty("latchkey.it.smtp-port")));
    }

    public static TestMailServer onPort(int port) {
        return new TestMailServer(port);
    }

    public TestMailServer start() {
        greenMail.start();
        return this;
    }

    public void stop() {
        greenMail.stop();
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    /** Every message received so far for this recipient. */
    public List<MimeMessage> messagesTo(String recipient) {
        return Arrays.stream(greenMail.getReceivedMessages()).filter(message -> isFor(message, recipient)).toList();
    }

    /** How many messages have arrived so far, for anyone. */
    public int received() {
        return greenMail.getReceivedMessages().length;
    }

    /** Every message received so far for this recipient with this subject, oldest first. */
    public List<MimeMessage> messagesTo(String recipient, String subject) {
        return messagesTo(recipient).stream().filter(message -> subject.equals(subject(message))).toList();
    }

    /** Waits for the first message to this recipient with this subject. */
    public MimeMessage awaitMessage(String recipient, String subject, Duration timeout) {
        Eventually.await("a message \"" + subject + "\" to " + recipient, timeout, () -> !messagesTo(recipient, subject).isEmpty());
        return messagesTo(recipient, subject).get(0);
    }

    /** Waits until {@code count} messages to this recipient with this subject have arrived; @return the newest */
    public MimeMessage awaitMessages(String recipient, String subject, int count, Duration timeout) {
        Eventually.await(count + " messages \"" + subject + "\" to " + recipient, timeout,
                () -> messagesTo(recipient, subject).size() >= count);
        return messagesTo(recipient, subject).get(count - 1);
    }

    /**
     * The one-time token of the link to {@code page} in the message: the link must be in both
     * parts, with the token (43 base64url characters) in the fragment.
     */
    public static String linkToken(MimeMessage message, String page) {
        Matcher link = Pattern.compile(Pattern.quote(page) + "#token=([A-Za-z0-9_-]{43})").matcher(text(message));
        if (!link.find()) {
            throw new AssertionError("No link to " + page + " with a token in the fragment in: " + text(message));
        }
        if (!html(message).contains(link.group())) {
            throw new AssertionError("The HTML part lacks the link of the text part");
        }
        return link.group(1);
    }

    /** The message's subject. */
    public static String subject(MimeMessage message) {
        try {
            return message.getSubject();
        } catch (MessagingException e) {
            throw new AssertionError("Unreadable message", e);
        }
    }

    /** The text/plain part of a multipart/alternative message. */
    public static String text(MimeMessage message) {
        return part(message, "text/plain");
    }

    /** The text/html part of a multipart/alternative message. */
    public static String html(MimeMessage message) {
        return part(message, "text/html");
    }

    private static String part(MimeMessage message, String type) {
        try {
            MimeMultipart alternatives = (MimeMultipart) message.getContent();
            for (int i = 0; i < alternatives.getCount(); i++) {
                if (alternatives.getBodyPart(i).isMimeType(type)) {
                    return (String) alternatives.getBodyPart(i).getContent();
                }
            }
            throw new AssertionError("The message has no " + type + " part");
        } catch (MessagingException | IOException e) {
            throw new AssertionError("Unreadable message", e);
        }
    }

    private static boolean isFor(MimeMessage message, String recipient) {
        try {
            return Arrays.stream(message.getRecipients(Message.RecipientType.TO))
                    .anyMatch(address -> address.toString().equalsIgnoreCase(recipient));
        } catch (MessagingException e) {
            return false;
        }
    }
}

package dev.latchkey.faults;

import com.icegreen.greenmail.Managers;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The nodes' SMTP server: a real one (GreenMail) on a loopback port, which the {@code smtp-down}
 * fault stops and, a minute later, starts again as a new server on the same port. What every
 * server received is kept, so the mail invariant sees every message however many outages it
 * went through.
 */
final class MailServer implements AutoCloseable {

    /** One message as the invariant needs it: its Message-ID tells a copy from another message. */
    record Delivered(String recipient, String subject, String messageId) {
    }

    private final int port;
    private final List<Delivered> receivedBefore = new ArrayList<>();
    private GreenMail running;

    MailServer() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            this.port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return port;
    }

    synchronized void start() {
        running = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        running.start();
    }

    /**
     * Stops accepting connections; what it received so far stays counted. GreenMail's stop drops
     * its store, so the store is taken first and read after the stop: a message accepted in
     * between is in it.
     */
    synchronized void stop() {
        if (running != null) {
            Managers store = running.getManagers();
            running.stop();
            for (StoredMessage message : store.getImapHostManager().getAllMessages()) {
                receivedBefore.addAll(recipients(message.getMimeMessage()));
            }
            running = null;
        }
    }

    synchronized List<Delivered> delivered() {
        List<Delivered> all = new ArrayList<>(receivedBefore);
        if (running != null) {
            all.addAll(read(running));
        }
        return all;
    }

    @Override
    public void close() {
        stop();
    }

    private static List<Delivered> read(GreenMail server) {
        List<Delivered> messages = new ArrayList<>();
        for (MimeMessage message : server.getReceivedMessages()) {
            messages.addAll(recipients(message));
        }
        return messages;
    }

    private static List<Delivered> recipients(MimeMessage message) {
        List<Delivered> each = new ArrayList<>();
        try {
            for (Address recipient : message.getRecipients(Message.RecipientType.TO)) {
                each.add(new Delivered(recipient.toString().toLowerCase(Locale.ROOT), message.getSubject(), message.getMessageID()));
            }
        } catch (MessagingException unreadable) {
            each.add(new Delivered("unreadable", "unreadable", "unreadable"));
        }
        return each;
    }
}

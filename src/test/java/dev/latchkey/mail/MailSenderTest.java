package dev.latchkey.mail;

import dev.latchkey.config.SettingsSource;
import dev.latchkey.keys.KeyEncryptionKey;
import dev.latchkey.keys.RecordSealer;
import dev.latchkey.metrics.Metrics;
import jakarta.persistence.PersistenceException;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The outbox's delivery rounds against a database that goes away between the SMTP server's
 * acceptance and the row's delete: issue 19's fault run mailed a notice twice when PostgreSQL
 * restarted there.
 */
class MailSenderTest {

    private static final Instant NOW = Instant.parse("2026-12-04T14:00:00Z");

    private final FlakyOutbox outbox = new FlakyOutbox();
    private final CountingDelivery smtp = new CountingDelivery();
    private final MailSender sender = new MailSender();

    MailSenderTest() {
        byte[] kek = new byte[32];
        new SecureRandom().nextBytes(kek);
        sender.repository = outbox;
        sender.delivery = smtp;
        sender.sealer = RecordSealer.with(KeyEncryptionKey.of(kek));
        sender.settings = MailSettings.from(SettingsSource.of(Map.of()));
        sender.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        sender.metrics = Metrics.inMemory();
        sender.registerMeters();
    }

    @Test
    void aMessageTheSmtpServerAcceptedIsNotSentAgainWhenTheDatabaseRefusedItsDelete() {
        String id = outbox.queue(sender.sealer, new MailMessage("alice@example.test", "Your Latchkey password was changed", "text", "<p>text</p>"));

        outbox.refuseDeletes = true;
        sender.deliverDue();
        sender.deliverDue();
        outbox.refuseDeletes = false;
        sender.deliverDue();
        sender.deliverDue();

        assertEquals(1, smtp.delivered.size(), "the SMTP server got the message once");
        assertTrue(outbox.rows.isEmpty(), "the row went once the database took the delete");
        assertEquals(List.of(id), outbox.deleted);
    }

    @Test
    void aMessageTheSmtpServerRefusedIsTriedAgain() {
        outbox.queue(sender.sealer, new MailMessage("bob@example.test", "subject", "text", "<p>text</p>"));
        smtp.refuse = true;
        sender.deliverDue();
        smtp.refuse = false;
        sender.deliverDue();

        assertEquals(2, smtp.attempts);
        assertEquals(1, smtp.delivered.size());
        assertTrue(outbox.rows.isEmpty());
    }

    /** The outbox table, whose deletes can be refused as a restarting database refuses them. */
    private static final class FlakyOutbox extends OutboxRepository {
        final Map<String, OutboxMessage> rows = new LinkedHashMap<>();
        final List<String> deleted = new ArrayList<>();
        boolean refuseDeletes;

        String queue(RecordSealer sealer, MailMessage message) {
            String id = "row-" + rows.size();
            rows.put(id, new OutboxMessage(id, "password-changed", "user-1", sealer.seal(Outbox.SEALING_PURPOSE, id, message.toBytes()), NOW));
            return id;
        }

        @Override
        public List<String> due(Instant now, int max) {
            return List.copyOf(rows.keySet());
        }

        @Override
        public Backlog backlog() {
            return new Backlog(rows.size(), Optional.empty());
        }

        @Override
        public Optional<OutboxMessage> claim(String id, String claim, Instant now, Instant until) {
            // The claim's lease is the repository's business (OutboxClusterIT); every round may claim here.
            return Optional.ofNullable(rows.get(id));
        }

        @Override
        public void delete(String id, String claim) {
            if (refuseDeletes) {
                throw new PersistenceException("connection refused");
            }
            rows.remove(id);
            deleted.add(id);
        }

        @Override
        public void retryAt(String id, String claim, Instant next) {
            // due() lists every row again at once: the test drives the rounds.
        }
    }

    private static final class CountingDelivery extends MailDelivery {
        final List<MailMessage> delivered = new ArrayList<>();
        int attempts;
        boolean refuse;

        @Override
        void deliver(String id, MailMessage message) throws jakarta.mail.MessagingException {
            attempts++;
            if (refuse) {
                throw new jakarta.mail.MessagingException("421 service not available");
            }
            delivered.add(message);
        }
    }
}

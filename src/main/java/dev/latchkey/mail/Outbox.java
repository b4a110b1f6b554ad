package dev.latchkey.mail;

import dev.latchkey.keys.RecordSealer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import java.time.Clock;
import java.util.UUID;

/**
 * Queues a message in the caller's transaction: it is sent if and only if the state change that
 * caused it commits, and a crash after the commit loses nothing. The commit then wakes the sender
 * ({@link MailSender}), so delivery starts at once rather than at the next poll.
 */
@ApplicationScoped
public class Outbox {

    /** Associated data of the sealed message: the purpose part. */
    static final String SEALING_PURPOSE = "mail_outbox.sealed_message";

    @Inject
    OutboxRepository repository;

    @Inject
    RecordSealer sealer;

    @Inject
    Event<MailQueued> queued;

    @Inject
    Clock clock;

    /**
     * @param purpose what kind of message this is (a template name): kept in clear for the audit
     *                trail of a message that could not be delivered
     * @param userId  the account it concerns, or {@code null}
     */
    @Transactional(TxType.MANDATORY)
    public void queue(String purpose, String userId, MailMessage message) {
        String id = UUID.randomUUID().toString();
        repository.insert(new OutboxMessage(id, purpose, userId,
                sealer.seal(SEALING_PURPOSE, id, message.toBytes()), clock.instant()));
        queued.fire(new MailQueued(id));
    }

    /**
     * Part of erasing an account: mail not sent yet to the user is dropped (it names them), and
     * what was sent has left no row.
     */
    @Transactional(TxType.MANDATORY)
    public void forget(String userId) {
        repository.deleteOfUser(userId);
    }

    /** Fired inside the queuing transaction; observed after it commits. */
    public record MailQueued(String id) {
    }
}

package dev.latchkey.mail;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional.TxType;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The outbox table. Queuing joins the caller's transaction (the state change that causes the
 * message); every step of delivery runs in a short transaction of its own, and none spans the
 * SMTP conversation.
 */
@ApplicationScoped
public class OutboxRepository {

    @PersistenceContext(unitName = "latchkey")
    EntityManager em;

    @Transactional(TxType.MANDATORY)
    public void insert(OutboxMessage message) {
        em.persist(message);
    }

    @Transactional(TxType.MANDATORY)
    void deleteOfUser(String userId) {
        em.createQuery("DELETE FROM OutboxMessage m WHERE m.userId = :user").setParameter("user", userId).executeUpdate();
    }

    @Transactional(TxType.REQUIRES_NEW)
    public List<String> due(Instant now, int max) {
        return em.createQuery("SELECT m.id FROM OutboxMessage m WHERE m.nextAttemptAt <= :now"
                        + " AND (m.claimedUntil IS NULL OR m.claimedUntil < :now) ORDER BY m.nextAttemptAt", String.class)
                .setParameter("now", now)
                .setMaxResults(max)
                .getResultList();
    }

    /** How many messages wait, sent or not yet, and since when the oldest has. */
    public record Backlog(long messages, Optional<Instant> oldestQueuedAt) {
    }

    @Transactional(TxType.REQUIRES_NEW)
    public Backlog backlog() {
        Object[] row = em.createQuery("SELECT COUNT(m), MIN(m.createdAt) FROM OutboxMessage m", Object[].class)
                .getSingleResult();
        return new Backlog(((Number) row[0]).longValue(), Optional.ofNullable((Instant) row[1]));
    }

    /**
     * Takes the message for one delivery attempt. The conditional UPDATE is the cluster's
     * arbiter: of any number of nodes claiming the same row at once, the database lets exactly
     * one match it.
     */
    @Transactional(TxType.REQUIRES_NEW)
    public Optional<OutboxMessage> claim(String id, String claim, Instant now, Instant until) {
        int claimed = em.createQuery("UPDATE OutboxMessage m SET m.claimedBy = :claim, m.claimedUntil = :until"
                        + " WHERE m.id = :id AND m.nextAttemptAt <= :now AND (m.claimedUntil IS NULL OR m.claimedUntil < :now)")
                .setParameter("claim", claim)
                .setParameter("until", until)
                .setParameter("id", id)
                .setParameter("now", now)
                .executeUpdate();
        return claimed == 1 ? Optional.ofNullable(em.find(OutboxMessage.class, id)) : Optional.empty();
    }

    /** Delivered, or given up: the row (and its sealed link) is gone. */
    @Transactional(TxType.REQUIRES_NEW)
    public void delete(String id, String claim) {
        em.createQuery("DELETE FROM OutboxMessage m WHERE m.id = :id AND m.claimedBy = :claim")
                .setParameter("id", id)
                .setParameter("claim", claim)
                .executeUpdate();
    }

    @Transactional(TxType.REQUIRES_NEW)
    public void retryAt(String id, String claim, Instant next) {
        em.createQuery("UPDATE OutboxMessage m SET m.attempts = m.attempts + 1, m.nextAttemptAt = :next,"
                        + " m.claimedBy = NULL, m.claimedUntil = NULL WHERE m.id = :id AND m.claimedBy = :claim")
                .setParameter("next", next)
                .setParameter("id", id)
                .setParameter("claim", claim)
                .executeUpdate();
    }
}

package dev.latchkey.revocation;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;

@ApplicationScoped
public class RevocationRepository {

    @PersistenceContext(unitName = "latchkey")
    EntityManager em;

    @Transactional
    public void save(String key, Revocation revocation) {
        RevocationRecord existing = em.find(RevocationRecord.class, key);
        if (existing == null) {
            em.persist(new RevocationRecord(key, revocation));
        } else {
            existing.widenTo(revocation);
        }
    }

    /** One transaction for the lot: a batch of a role change's cut-offs. */
    @Transactional
    public void saveAll(Map<String, Revocation> revocations) {
        // One read for the batch, not one per key: a role change can cut off thousands of users.
        Map<String, RevocationRecord> existing = em.createQuery("SELECT r FROM RevocationRecord r WHERE r.key IN :keys",
                        RevocationRecord.class)
                .setParameter("keys", revocations.keySet())
                .getResultStream()
                .collect(Collectors.toMap(RevocationRecord::key, record -> record));
        revocations.forEach((key, revocation) -> {
            RevocationRecord record = existing.get(key);
            if (record == null) {
                em.persist(new RevocationRecord(key, revocation));
            } else {
                record.widenTo(revocation);
            }
        });
    }

    @Transactional
    public void delete(String key) {
        em.createQuery("DELETE FROM RevocationRecord r WHERE r.key = :key").setParameter("key", key).executeUpdate();
    }

    public Map<String, Revocation> findLive(Instant now) {
        return em.createQuery("SELECT r FROM RevocationRecord r WHERE r.expiresAt > :now", RevocationRecord.class)
                .setParameter("now", now)
                .getResultStream()
                .collect(Collectors.toMap(RevocationRecord::key, RevocationRecord::toRevocation));
    }

    @Transactional
    public int deleteExpired(Instant now) {
        return em.createQuery("DELETE FROM RevocationRecord r WHERE r.expiresAt <= :now")
                .setParameter("now", now)
                .executeUpdate();
    }
}

package dev.latchkey.audit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.util.List;

/** Writes to the stored trail, each call a transaction of its own (see {@link AuditTrail}). */
@ApplicationScoped
public class AuditWriter {

    @PersistenceContext(unitName = "latchkey")
    EntityManager em;

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void insert(List<AuditRecord> batch) {
        batch.forEach(em::persist);
    }

    /** See {@link AuditTrail#pseudonymize}. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void pseudonymize(String userId, String pseudonym) {
        em.createQuery("UPDATE AuditRecord e SET e.userId = :pseudonym WHERE e.userId = :user")
                .setParameter("pseudonym", pseudonym).setParameter("user", userId).executeUpdate();
        em.createQuery("UPDATE AuditRecord e SET e.actorId = :pseudonym WHERE e.actorId = :user")
                .setParameter("pseudonym", pseudonym).setParameter("user", userId).executeUpdate();
    }
}

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
        // Written now, not at commit: a database that does not answer then fails here, and the
        // transaction is rolled back quietly, instead of failing in the commit's flush, where
        // Payara logs its own stack trace with the statement (DTX5014) and WildFly throws the
        // checked RollbackException.
        em.flush();
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

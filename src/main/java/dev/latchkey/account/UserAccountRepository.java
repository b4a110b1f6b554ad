package dev.latchkey.account;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.util.Optional;

@ApplicationScoped
public class UserAccountRepository {

    @PersistenceContext(unitName = "latchkey")
    EntityManager em;

    public Optional<UserAccount> findByEmail(String normalizedEmail) {
        return em.createNamedQuery(UserAccount.BY_EMAIL, UserAccount.class)
                .setParameter("email", normalizedEmail)
                .getResultStream()
                .findFirst();
    }

    public Optional<UserAccount> findById(String id) {
        return Optional.ofNullable(em.find(UserAccount.class, id));
    }

    @Transactional
    public void insert(UserAccount account) {
        em.persist(account);
    }

    @Transactional
    public void upgradePasswordHash(String id, String newHash, java.time.Instant now) {
        UserAccount managed = em.find(UserAccount.class, id);
        if (managed != null) {
            managed.upgradePasswordHash(newHash, now);
        }
    }
}

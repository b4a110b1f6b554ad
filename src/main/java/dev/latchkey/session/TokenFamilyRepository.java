package dev.latchkey.session;

import dev.latchkey.account.UserAccount;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Persistence of token families and the refresh-token history. Callers own the transaction. */
@ApplicationScoped
public class TokenFamilyRepository {

    /** A presented refresh token resolved to its family and user, in one query. */
    record Presented(RefreshTokenRecord token, TokenFamily family, UserAccount user) {
    }

    @PersistenceContext(unitName = "latchkey")
    EntityManager em;

    void create(TokenFamily family, RefreshTokenRecord firstToken) {
        em.persist(family);
        // The two entities are linked by a foreign key but not by a JPA relationship (the history
        // is never navigated from the family), so EclipseLink does not know to insert the family first.
        em.flush();
        em.persist(firstToken);
    }

    Optional<Presented> findByTokenHash(String tokenHash) {
        return em.createQuery("SELECT t, f, u FROM RefreshTokenRecord t, TokenFamily f, UserAccount u"
                        + " WHERE t.tokenHash = :hash AND f.id = t.familyId AND u.id = f.userId", Object[].class)
                .setParameter("hash", tokenHash)
                .getResultStream()
                .findFirst()
                .map(row -> new Presented((RefreshTokenRecord) row[0], (TokenFamily) row[1], (UserAccount) row[2]));
    }

    /**
     * The atomic compare-and-set of rotation: succeeds only if the presented token is still the
     * family's current one and the family is not revoked. Of any number of concurrent requests
     * with the same token, the database lets exactly one UPDATE match; the others match no row.
     */
    boolean rotate(TokenFamily family, String presentedHash, String successorHash, String successorSealed, Instant now) {
        int updated = em.createQuery("UPDATE TokenFamily f SET f.currentTokenHash = :successor,"
                        + " f.previousTokenHash = :presented, f.successorSealed = :sealed,"
                        + " f.generation = f.generation + 1, f.lastUsedAt = :now, f.rotatedAt = :now"
                        + " WHERE f.id = :id AND f.currentTokenHash = :presented AND f.revokedAt IS NULL")
                .setParameter("successor", successorHash)
                .setParameter("presented", presentedHash)
                .setParameter("sealed", successorSealed)
                .setParameter("now", now)
                .setParameter("id", family.id())
                .executeUpdate();
        if (updated != 1) {
            return false;
        }
        em.persist(new RefreshTokenRecord(successorHash, family.id(), family.generation() + 1, now));
        return true;
    }

    /** The family as committed now, bypassing what this transaction read before. */
    TokenFamily reload(String familyId) {
        TokenFamily family = em.find(TokenFamily.class, familyId);
        em.refresh(family);
        return family;
    }

    Optional<TokenFamily> findById(String familyId) {
        return Optional.ofNullable(em.find(TokenFamily.class, familyId));
    }

    /** An ended session's grace-window seal goes with it: no request can be served from it any more. */
    boolean revoke(String familyId, TokenFamily.RevocationReason reason, Instant now) {
        return em.createQuery("UPDATE TokenFamily f SET f.revokedReason = :reason, f.revokedAt = :now,"
                        + " f.successorSealed = NULL"
                        + " WHERE f.id = :id AND f.revokedAt IS NULL")
                .setParameter("reason", reason.name())
                .setParameter("now", now)
                .setParameter("id", familyId)
                .executeUpdate() == 1;
    }

    /** @return the ids of the families this call revoked */
    List<String> revokeAllOfUser(String userId, TokenFamily.RevocationReason reason, Instant now) {
        List<String> ids = em.createQuery("SELECT f.id FROM TokenFamily f WHERE f.userId = :user AND f.revokedAt IS NULL", String.class)
                .setParameter("user", userId)
                .getResultList();
        ids.forEach(id -> revoke(id, reason, now));
        return ids;
    }

    List<TokenFamily> findLiveOfUser(String userId, Instant now, Duration idleTimeout) {
        return em.createQuery("SELECT f FROM TokenFamily f WHERE f.userId = :user AND f.revokedAt IS NULL"
                        + " AND f.absoluteExpiresAt > :now AND f.lastUsedAt > :idleCutoff ORDER BY f.createdAt", TokenFamily.class)
                .setParameter("user", userId)
                .setParameter("now", now)
                .setParameter("idleCutoff", now.minus(idleTimeout))
                .getResultList();
    }

    /**
     * Clears the grace-window seals of families last rotated before {@code rotatedBefore} (now
     * minus the grace). A seal is the current refresh token encrypted under the previous one; once
     * the window is over it serves no request, and left in place it would turn a copy of the
     * database plus any one old refresh token into the session's current token.
     *
     * @return how many seals were cleared
     */
    int clearSealsRotatedBefore(Instant rotatedBefore) {
        return em.createQuery("UPDATE TokenFamily f SET f.successorSealed = NULL"
                        + " WHERE f.successorSealed IS NOT NULL AND f.rotatedAt < :cutoff")
                .setParameter("cutoff", rotatedBefore)
                .executeUpdate();
    }

    /** Families past their absolute expiry are dead whatever their state; their history goes with them (ON DELETE CASCADE). */
    int deleteExpired(Instant now) {
        em.createQuery("DELETE FROM RefreshTokenRecord t WHERE t.familyId IN"
                        + " (SELECT f.id FROM TokenFamily f WHERE f.absoluteExpiresAt <= :now)")
                .setParameter("now", now)
                .executeUpdate();
        return em.createQuery("DELETE FROM TokenFamily f WHERE f.absoluteExpiresAt <= :now")
                .setParameter("now", now)
                .executeUpdate();
    }
}

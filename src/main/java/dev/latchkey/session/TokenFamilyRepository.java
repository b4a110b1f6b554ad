package dev.latchkey.session;

import dev.latchkey.account.UserAccount;
import dev.latchkey.role.AccessRights;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * Persistence of token families, one row per session, and of the history of legacy refresh tokens
 * (no longer written unless {@code latchkey.session.refresh-token-format=legacy}, and read until
 * the last session from before issue 20 has expired). Callers own the transaction.
 */
@ApplicationScoped
public class TokenFamilyRepository {

    /**
     * A presented refresh token resolved to its session, account and the account's rights, in one
     * statement: one row per permission of each role held (one row when none), so that rotation
     * stays two statements.
     *
     * @param generation the generation the token was issued as
     * @param rights     the account's rights as the same statement read them
     */
    record Presented(int generation, TokenFamily family, UserAccount user, AccessRights rights) {
    }

    @PersistenceContext(unitName = "latchkey")
    EntityManager em;

    /**
     * @param legacyToken the history row of a legacy first token ({@link RefreshTokens}); empty for
     *                    a self-identifying one, which needs none
     */
    void create(TokenFamily family, Optional<RefreshTokenRecord> legacyToken) {
        em.persist(family);
        legacyToken.ifPresent(record -> {
            // The two entities are linked by a foreign key but not by a JPA relationship (the history
            // is never navigated from the family), so EclipseLink does not know to insert the family first.
            em.flush();
            em.persist(record);
        });
    }

    /** The session a self-identifying token names, as {@link Presented} with the generation the token states. */
    Optional<Presented> findPresented(String familyId, int generation) {
        return presented(em.createQuery("SELECT f, u, a.roleName, p.permission FROM TokenFamily f,"
                        + " UserAccount u LEFT JOIN RoleAssignment a ON a.userId = u.id"
                        + " LEFT JOIN RolePermission p ON p.roleName = a.roleName"
                        + " WHERE f.id = :id AND u.id = f.userId", Object[].class)
                .setParameter("id", familyId)
                .getResultList(), row -> generation);
    }

    /** The session of a legacy token, found by its hash in the history that only legacy tokens have. */
    Optional<Presented> findByLegacyTokenHash(String tokenHash) {
        return presented(em.createQuery("SELECT f, u, a.roleName, p.permission, t.generation FROM RefreshTokenRecord t,"
                        + " TokenFamily f, UserAccount u LEFT JOIN RoleAssignment a ON a.userId = u.id"
                        + " LEFT JOIN RolePermission p ON p.roleName = a.roleName"
                        + " WHERE t.tokenHash = :hash AND f.id = t.familyId AND u.id = f.userId", Object[].class)
                .setParameter("hash", tokenHash)
                .getResultList(), row -> ((Number) row[4]).intValue());
    }

    private static Optional<Presented> presented(List<Object[]> rows, ToIntFunction<Object[]> generation) {
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object[] first = rows.get(0);
        return Optional.of(new Presented(generation.applyAsInt(first), (TokenFamily) first[0], (UserAccount) first[1],
                AccessRights.fromRows(rows, 2, 3)));
    }

    /**
     * The atomic compare-and-set of rotation: succeeds only if the presented token is still the
     * family's current one and the family is not revoked. Of any number of concurrent requests
     * with the same token, the database lets exactly one UPDATE match; the others match no row.
     *
     * @param legacySuccessor the successor's history row when it is a legacy token; empty otherwise,
     *                        and then rotation is this one statement
     */
    boolean rotate(TokenFamily family, String presentedHash, String successorHash, String successorSealed, Instant now,
                   Optional<RefreshTokenRecord> legacySuccessor) {
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
        legacySuccessor.ifPresent(em::persist);
        return true;
    }

    /**
     * Records that a refresh of the bound session came without its key, unless one did within
     * {@code quietPeriod}: a conditional UPDATE, so that of many such refreshes at once one wins.
     *
     * @return whether the owner should be told now
     */
    boolean recordKeylessRefresh(String familyId, Instant now, Duration quietPeriod) {
        return em.createQuery("UPDATE TokenFamily f SET f.dpopRefusedAt = :now WHERE f.id = :id"
                        + " AND (f.dpopRefusedAt IS NULL OR f.dpopRefusedAt < :quietSince)")
                .setParameter("now", now)
                .setParameter("id", familyId)
                .setParameter("quietSince", now.minus(quietPeriod))
                .executeUpdate() == 1;
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

    Map<String, Long> countLiveOf(Collection<String> userIds, Instant now, Duration idleTimeout) {
        if (userIds.isEmpty()) {
            return Map.of();
        }
        Map<String, Long> counts = new HashMap<>();
        em.createQuery("SELECT f.userId, COUNT(f) FROM TokenFamily f WHERE f.userId IN :users AND f.revokedAt IS NULL"
                        + " AND f.absoluteExpiresAt > :now AND f.lastUsedAt > :idleCutoff GROUP BY f.userId", Object[].class)
                .setParameter("users", userIds)
                .setParameter("now", now)
                .setParameter("idleCutoff", now.minus(idleTimeout))
                .getResultList()
                .forEach(row -> counts.put((String) row[0], ((Number) row[1]).longValue()));
        return counts;
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

    /** Every session of the user, ended ones included, and their legacy token history (ON DELETE CASCADE): part of erasing the account. */
    List<String> deleteAllOfUser(String userId) {
        List<String> ids = em.createQuery("SELECT f.id FROM TokenFamily f WHERE f.userId = :user", String.class)
                .setParameter("user", userId).getResultList();
        em.createQuery("DELETE FROM TokenFamily f WHERE f.userId = :user").setParameter("user", userId).executeUpdate();
        return ids;
    }

    /**
     * Families past their absolute expiry are dead whatever their state. Their legacy history goes
     * with them through the foreign key's ON DELETE CASCADE, which follows ix_refresh_token_family
     * row by row: EclipseLink's own DELETE of the history (an EXISTS over the whole table) took 20 s
     * of a 26 s prune on 10,000,000 rows (docs/benchmarks.md).
     */
    int deleteExpired(Instant now) {
        return em.createQuery("DELETE FROM TokenFamily f WHERE f.absoluteExpiresAt <= :now")
                .setParameter("now", now)
                .executeUpdate();
    }
}

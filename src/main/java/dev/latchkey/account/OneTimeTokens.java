package dev.latchkey.account;

import dev.latchkey.crypto.RandomTokens;
import dev.latchkey.crypto.TokenDigests;
import dev.latchkey.problem.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One-time tokens for links sent by mail: 256 random bits, base64url, stored only as SHA-256 with
 * their purpose, subject, expiry and use. Redeeming is single-use by a conditional UPDATE; a
 * token that is unknown, malformed, expired, used, or of another purpose is simply not redeemed,
 * and the caller answers all of those alike.
 */
@ApplicationScoped
public class OneTimeTokens {

    /**
     * The one answer for a token that does not redeem, whatever the reason: expired, used, unknown,
     * malformed, altered, or of another purpose.
     */
    public static final Problem INVALID = Problem.of(400, "invalid-or-expired-token", "Bad Request",
            "The link is invalid, has expired or has already been used. Request a new one.");

    static final int TOKEN_BYTES = 32;
    /** 32 bytes in base64url without padding; anything else is not one of ours, and is not looked up. */
    private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9_-]{43}");

    @PersistenceContext(unitName = "latchkey")
    EntityManager em;

    @Inject
    Clock clock;

    /**
     * Issues a token and invalidates every older unused one of the same purpose for the same
     * subject: only the newest link works.
     *
     * @return the token, which exists nowhere else: it goes into the one mail that carries it
     */
    @Transactional(TxType.MANDATORY)
    public String issue(OneTimeToken.Purpose purpose, String subjectId, Duration lifetime) {
        Instant now = clock.instant();
        invalidateAll(purpose, subjectId);
        String token = RandomTokens.base64Url(TOKEN_BYTES);
        em.persist(new OneTimeToken(TokenDigests.sha256(token), purpose, subjectId, now, now.plus(lifetime)));
        return token;
    }

    /**
     * Uses the token up, if it is a live one of this purpose.
     *
     * @return its subject; empty for a token that is malformed, unknown, of another purpose,
     *         expired or already used
     */
    @Transactional(TxType.MANDATORY)
    public Optional<String> redeem(OneTimeToken.Purpose purpose, String token) {
        if (token == null || !WELL_FORMED.matcher(token).matches()) {
            return Optional.empty();
        }
        String hash = TokenDigests.sha256(token);
        Instant now = clock.instant();
        int used = em.createQuery("UPDATE OneTimeToken t SET t.usedAt = :now WHERE t.tokenHash = :hash"
                        + " AND t.purpose = :purpose AND t.usedAt IS NULL AND t.expiresAt > :now")
                .setParameter("now", now)
                .setParameter("hash", hash)
                .setParameter("purpose", purpose)
                .executeUpdate();
        if (used != 1) {
            return Optional.empty();
        }
        return Optional.ofNullable(em.find(OneTimeToken.class, hash)).map(OneTimeToken::subjectId);
    }

    /** Every outstanding token of this purpose for the subject stops working (e.g. resets, after a password change). */
    @Transactional(TxType.MANDATORY)
    public void invalidateAll(OneTimeToken.Purpose purpose, String subjectId) {
        em.createQuery("UPDATE OneTimeToken t SET t.usedAt = :now WHERE t.subjectId = :subject"
                        + " AND t.purpose = :purpose AND t.usedAt IS NULL")
                .setParameter("now", clock.instant())
                .setParameter("subject", subjectId)
                .setParameter("purpose", purpose)
                .executeUpdate();
    }

    /** Deletes tokens that can no longer be redeemed: expired, or used, a day on. */
    @Transactional
    public int prune() {
        Instant cutoff = clock.instant().minus(Duration.ofDays(1));
        return em.createQuery("DELETE FROM OneTimeToken t WHERE t.expiresAt < :cutoff OR t.usedAt < :cutoff")
                .setParameter("cutoff", cutoff)
                .executeUpdate();
    }
}

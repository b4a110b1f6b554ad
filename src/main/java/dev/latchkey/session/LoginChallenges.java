package dev.latchkey.session;

import dev.latchkey.account.UserAccount;
import dev.latchkey.crypto.RandomTokens;
import dev.latchkey.crypto.TokenDigests;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The challenges of logins that wait for a second factor. A challenge lives 5 minutes, takes at
 * most 5 wrong codes, and completes once; its token is 256 random bits of which only the SHA-256
 * is stored, in the shared database, so any node can complete the login. Every change is a
 * conditional UPDATE, so two nodes racing on one challenge cannot both count an attempt as the
 * fifth or both complete it.
 */
@ApplicationScoped
public class LoginChallenges {

    public static final Duration LIFETIME = Duration.ofMinutes(5);
    public static final int MAX_ATTEMPTS = 5;
    private static final int TOKEN_BYTES = 32;
    private static final Pattern TOKEN_SHAPE = Pattern.compile("[A-Za-z0-9_-]{43}");

    @PersistenceContext(unitName = "latchkey")
    EntityManager em;

    @Inject
    Clock clock;

    /** A live challenge as its completion needs it. */
    public record Pending(String tokenHash, String userId, boolean rememberMe, Instant passwordChangedAt) {
    }

    @Transactional
    public LoginChallenge issue(UserAccount verified, boolean rememberMe) {
        Instant now = clock.instant();
        String token = RandomTokens.base64Url(TOKEN_BYTES);
        em.persist(new LoginChallengeRecord(TokenDigests.sha256(token), verified.id(), rememberMe,
                verified.passwordChangedAt(), now, now.plus(LIFETIME)));
        return new LoginChallenge(token, LIFETIME);
    }

    /** Whether the text can be a challenge token at all: anything else is bad input, not a wrong guess. */
    public static boolean hasValidShape(String token) {
        return token != null && TOKEN_SHAPE.matcher(token).matches();
    }

    /** @return the challenge, when it is known, unused, unexpired and has attempts left */
    @Transactional
    public Optional<Pending> findLive(String token) {
        String hash = TokenDigests.sha256(token);
        LoginChallengeRecord record = em.find(LoginChallengeRecord.class, hash);
        if (record == null || !record.isLive(clock.instant(), MAX_ATTEMPTS)) {
            return Optional.empty();
        }
        return Optional.of(new Pending(hash, record.userId(), record.rememberMe(), record.passwordChangedAt()));
    }

    /** Counts a wrong code; the fifth kills the challenge. */
    @Transactional
    public void recordFailure(Pending challenge) {
        em.createQuery("UPDATE LoginChallengeRecord c SET c.attempts = c.attempts + 1 "
                        + "WHERE c.tokenHash = :hash AND c.usedAt IS NULL AND c.attempts < :max")
                .setParameter("hash", challenge.tokenHash())
                .setParameter("max", MAX_ATTEMPTS)
                .executeUpdate();
    }

    /** @return true for the one request that completes the challenge, while it is still live */
    @Transactional
    public boolean complete(Pending challenge) {
        Instant now = clock.instant();
        return em.createQuery("UPDATE LoginChallengeRecord c SET c.usedAt = :now "
                        + "WHERE c.tokenHash = :hash AND c.usedAt IS NULL AND c.attempts < :max AND c.expiresAt > :now")
                .setParameter("now", now)
                .setParameter("hash", challenge.tokenHash())
                .setParameter("max", MAX_ATTEMPTS)
                .executeUpdate() == 1;
    }

    /** Part of erasing an account. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void forget(String userId) {
        em.createQuery("DELETE FROM LoginChallengeRecord c WHERE c.userId = :user").setParameter("user", userId).executeUpdate();
    }

    /** Deletes challenges an hour after they expired: nothing can complete them any more. */
    @Transactional
    public int prune() {
        return em.createQuery("DELETE FROM LoginChallengeRecord c WHERE c.expiresAt < :cutoff")
                .setParameter("cutoff", clock.instant().minus(Duration.ofHours(1)))
                .executeUpdate();
    }
}

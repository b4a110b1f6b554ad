package dev.latchkey.mfa;

import dev.latchkey.crypto.RandomTokens;
import dev.latchkey.crypto.TokenDigests;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import org.bouncycastle.util.encoders.Base32;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Single-use recovery codes: 10 per account, each 80 random bits written as 16 base32 characters
 * in groups of four ({@code ABCD-EFGH-IJKL-MNOP}). 80 bits rather than the 50 asked for, because
 * only a SHA-256 is stored and a stolen table must not be brute-forced back into codes. Shown once,
 * then known only by their digests; a code is used up by a conditional UPDATE.
 */
@ApplicationScoped
public class RecoveryCodes {

    public static final int COUNT = 10;
    private static final int CODE_BYTES = 10;
    private static final Pattern NORMALIZED_SHAPE = Pattern.compile("[A-Z2-7]{16}");

    @PersistenceContext(unitName = "latchkey")
    EntityManager em;

    @Inject
    Clock clock;

    /** A new set for the account; every earlier code dies. @return the codes, to be shown once */
    @Transactional(TxType.MANDATORY)
    public List<String> replace(String userId) {
        removeAll(userId);
        List<String> codes = new ArrayList<>(COUNT);
        for (int i = 0; i < COUNT; i++) {
            String normalized = Base32.toBase32String(RandomTokens.bytes(CODE_BYTES));
            em.persist(new RecoveryCode(TokenDigests.sha256(normalized), userId, clock.instant()));
            codes.add(String.join("-", normalized.substring(0, 4), normalized.substring(4, 8),
                    normalized.substring(8, 12), normalized.substring(12, 16)));
        }
        return codes;
    }

    /**
     * The code as typed, without the hyphens and spaces people add or leave out, in upper case;
     * empty when it cannot be a code at all (bad input, not a wrong guess).
     */
    public static Optional<String> normalize(String typed) {
        if (typed == null || typed.length() > 32) {
            return Optional.empty();
        }
        String normalized = typed.replace("-", "").replace(" ", "").toUpperCase(Locale.ROOT);
        return NORMALIZED_SHAPE.matcher(normalized).matches() ? Optional.of(normalized) : Optional.empty();
    }

    /** @return true for the one request that uses this unused code of this account */
    @Transactional
    public boolean redeem(String userId, String normalizedCode) {
        return em.createQuery("UPDATE RecoveryCode c SET c.usedAt = :now "
                        + "WHERE c.codeHash = :hash AND c.userId = :user AND c.usedAt IS NULL")
                .setParameter("now", clock.instant())
                .setParameter("hash", TokenDigests.sha256(normalizedCode))
                .setParameter("user", userId)
                .executeUpdate() == 1;
    }

    public long remaining(String userId) {
        return em.createQuery("SELECT COUNT(c) FROM RecoveryCode c WHERE c.userId = :user AND c.usedAt IS NULL", Long.class)
                .setParameter("user", userId)
                .getSingleResult();
    }

    @Transactional(TxType.MANDATORY)
    public void removeAll(String userId) {
        em.createQuery("DELETE FROM RecoveryCode c WHERE c.userId = :user").setParameter("user", userId).executeUpdate();
    }
}

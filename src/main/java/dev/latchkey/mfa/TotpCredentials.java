package dev.latchkey.mfa;

import dev.latchkey.crypto.TotpCodes;
import dev.latchkey.crypto.RandomTokens;
import dev.latchkey.keys.RecordSealer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import org.bouncycastle.util.encoders.Base32;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The TOTP secrets: 160 random bits each, sealed under the key-encryption key with the account id
 * as associated data (a sealed secret copied onto another account's row does not open). A code is
 * accepted only by the conditional UPDATE that raises the credential's last accepted step, so a
 * code, or any code of an earlier step, is accepted once in the whole cluster.
 */
@ApplicationScoped
public class TotpCredentials {

    private static final String SEAL_PURPOSE = "totp-secret";
    private static final int SECRET_BYTES = 20;

    @PersistenceContext(unitName = "latchkey")
    EntityManager em;

    @Inject
    RecordSealer sealer;

    @Inject
    Clock clock;

    private final TotpCodes codes = TotpCodes.standard();

    /** A pending credential with a new secret, replacing a pending one. @return the secret, base32 */
    @Transactional(TxType.MANDATORY)
    public String startPending(String userId) {
        removeAll(userId);
        byte[] secret = RandomTokens.bytes(SECRET_BYTES);
        em.persist(new TotpCredential(userId, sealer.seal(SEAL_PURPOSE, userId, secret), clock.instant()));
        return Base32.toBase32String(secret);
    }

    /** The pending credential's first code: it turns the credential on. */
    @Transactional(TxType.MANDATORY)
    public boolean confirm(String userId, String code) {
        return accept(userId, code, false);
    }

    /** A code of a confirmed credential, at login or for a step-up. */
    @Transactional
    public boolean acceptCode(String userId, String code) {
        return accept(userId, code, true);
    }

    private boolean accept(String userId, String code, boolean confirmed) {
        TotpCredential credential = em.find(TotpCredential.class, userId);
        if (credential == null || credential.isConfirmed() != confirmed) {
            return false;
        }
        // Fail closed: a secret that does not open (another key-encryption key, a tampered row)
        // accepts no code.
        Optional<byte[]> secret = sealer.open(SEAL_PURPOSE, userId, credential.secretSealed());
        if (secret.isEmpty()) {
            return false;
        }
        Instant now = clock.instant();
        OptionalLong step = codes.matchingStep(secret.get(), code, now);
        if (step.isEmpty()) {
            return false;
        }
        jakarta.persistence.Query raise = confirmed
                ? em.createQuery("UPDATE TotpCredential c SET c.lastStep = :step "
                        + "WHERE c.userId = :user AND c.lastStep < :step AND c.confirmedAt IS NOT NULL")
                : em.createQuery("UPDATE TotpCredential c SET c.lastStep = :step, c.confirmedAt = :now "
                        + "WHERE c.userId = :user AND c.lastStep < :step AND c.confirmedAt IS NULL").setParameter("now", now);
        return raise.setParameter("step", step.getAsLong()).setParameter("user", userId).executeUpdate() == 1;
    }

    @Transactional(TxType.MANDATORY)
    public void removeAll(String userId) {
        em.createQuery("DELETE FROM TotpCredential c WHERE c.userId = :user").setParameter("user", userId).executeUpdate();
    }
}

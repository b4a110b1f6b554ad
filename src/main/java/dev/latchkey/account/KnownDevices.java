package dev.latchkey.account;

import dev.latchkey.http.ClientInfo;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The devices each account signed in from in the last 30 days ({@link SignInDevice}), so that a
 * sign-in from any other sends its owner a "new sign-in" notice. The device that created the
 * account (registration, or the verification link that completed it) counts as known, so the
 * owner's first sign-in does not alarm them.
 */
@ApplicationScoped
public class KnownDevices {

    /** How long a device stays known without a sign-in (issue 12: "in the last 30 days"). */
    public static final Duration REMEMBERED_FOR = Duration.ofDays(30);

    @PersistenceContext(unitName = "latchkey")
    EntityManager em;

    @Inject
    SecurityNotices notices;

    @Inject
    Clock clock;

    /** The device that created or verified the account, in that transaction. */
    @Transactional(TxType.MANDATORY)
    public void remember(UserAccount account, ClientInfo client, Instant now) {
        see(account, SignInDevice.of(client), now);
    }

    /**
     * A successful sign-in, in the transaction that starts its session and holds the account's
     * row lock (so two sign-ins from one new device send one notice, not two).
     */
    @Transactional(TxType.MANDATORY)
    public void signedIn(UserAccount account, ClientInfo client, String sessionId, Instant now) {
        SignInDevice device = SignInDevice.of(client);
        if (!see(account, device, now)) {
            notices.newSignIn(account, device, client.ip(), sessionId, now);
        }
    }

    /** @return whether the device was seen on the account within {@link #REMEMBERED_FOR} */
    private boolean see(UserAccount account, SignInDevice device, Instant now) {
        String key = device.keyFor(account.id());
        KnownDevice known = em.find(KnownDevice.class, key);
        if (known == null) {
            em.persist(new KnownDevice(key, account.id(), now));
            return false;
        }
        boolean recent = !known.lastSeenAt().isBefore(now.minus(REMEMBERED_FOR));
        known.seen(now);
        return recent;
    }

    /** Forgets devices not seen for {@link #REMEMBERED_FOR}: they would send a notice anyway. */
    @Transactional
    public int prune() {
        return em.createQuery("DELETE FROM KnownDevice d WHERE d.lastSeenAt < :cutoff")
                .setParameter("cutoff", clock.instant().minus(REMEMBERED_FOR))
                .executeUpdate();
    }
}

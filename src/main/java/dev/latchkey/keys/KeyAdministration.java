package dev.latchkey.keys;

import dev.latchkey.crypto.KeyMaterial;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The rules of key rotation, shared by the key tool and the server: generate (or import) a key as
 * next, promote it to active (the active one retires), withdraw a next key, revoke a key. Each rule is
 * checked here, once, whoever asks.
 *
 * <p>The rule that matters most for zero downtime: a key must have been published as next for
 * at least {@link #MIN_TIME_AS_NEXT} before it may sign. Consumers cache the JWKS (for its
 * {@code max-age}, at most {@link KeySettings#MAX_MAX_AGE_SECONDS} s) and every Latchkey node
 * re-reads the key set (at most every {@link KeySettings#MAX_REFRESH_SECONDS} s); fifteen minutes
 * is longer than both together, so by the time a token carries the new {@code kid}, every
 * consumer and every node already knows it. {@code --force} skips the wait, for emergencies only.
 * The very first key of a key set needs no wait: no consumer can be holding an older JWKS.
 */
public final class KeyAdministration {

    static final Duration MIN_TIME_AS_NEXT = Duration.ofMinutes(15);

    /** Why an operation was refused. The server maps each to a fixed problem detail. */
    public enum Refusal {
        NO_SUCH_KEY("There is no such key."),
        NO_NEXT_KEY("There is no next key to promote; generate one first."),
        NEXT_KEY_EXISTS("A next key already exists; promote or retire it first."),
        NOT_NEXT("Only a key in state next can be promoted or retired."),
        ACTIVE_KEY("The active key cannot be retired or revoked; promote a successor first."),
        ALREADY_REVOKED("The key is already revoked."),
        TOO_EARLY("The next key has not been published long enough (15 minutes); wait, or use --force in an emergency."),
        WRONG_KEK("The key-encryption key does not open the active key; check LATCHKEY_KEYS_KEK."),
        KID_EXISTS("The key set already holds a key with this kid (in any state); an imported key needs a kid of its own."),
        CONCURRENT_CHANGE("Another change to the key set happened at the same time; list the keys and try again.");

        private final String explanation;

        Refusal(String explanation) {
            this.explanation = explanation;
        }

        public String explanation() {
            return explanation;
        }
    }

    public static final class RefusedException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final Refusal refusal;

        RefusedException(Refusal refusal) {
            super(refusal.explanation(), null, false, false);
            this.refusal = refusal;
        }

        public Refusal refusal() {
            return refusal;
        }
    }

    private final SigningKeyStore store;
    private final Clock clock;

    public KeyAdministration(SigningKeyStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public List<StoredSigningKey> list() {
        return store.findAll();
    }

    /**
     * Generates a key pair and stores it, sealed, as the next key. The KEK must open the active
     * key: a key sealed under a different KEK than the nodes hold would fail on every node.
     */
    public StoredSigningKey generate(JWSAlgorithm algorithm, int rsaBits, KeyEncryptionKey kek) {
        checkNextMayBeAdded(kek);
        return insertAsNext(KeyMaterial.generate(algorithm, rsaBits), kek);
    }

    /**
     * Stores a key that another issuer signed with, sealed, as the next key: the same rules as
     * {@link #generate} (one next key at a time, the KEK must open the active key; promotion waits
     * {@link #MIN_TIME_AS_NEXT} like any other), and its kid must be new to the key set. The key
     * has been read and checked by {@link dev.latchkey.crypto.KeyImport}; it is checked once more
     * here as every stored key is when a node opens it.
     */
    public StoredSigningKey importKey(JWK privateKey, KeyEncryptionKey kek) {
        KeyMaterial.toManagedKey(privateKey);
        checkNextMayBeAdded(kek);
        if (store.find(privateKey.getKeyID()).isPresent()) {
            throw new RefusedException(Refusal.KID_EXISTS);
        }
        return insertAsNext(privateKey, kek);
    }

    private void checkNextMayBeAdded(KeyEncryptionKey kek) {
        List<StoredSigningKey> keys = store.findAll();
        if (keys.stream().anyMatch(key -> key.state() == KeyState.NEXT)) {
            throw new RefusedException(Refusal.NEXT_KEY_EXISTS);
        }
        Optional<StoredSigningKey> active = keys.stream().filter(key -> key.state() == KeyState.ACTIVE).findFirst();
        if (active.isPresent()) {
            try {
                kek.open(active.get().kid(), active.get().algorithm(), active.get().sealedPrivateJwk());
            } catch (KeyEncryptionKey.KeyUnsealingException e) {
                throw new RefusedException(Refusal.WRONG_KEK);
            }
        }
    }

    private StoredSigningKey insertAsNext(JWK privateKey, KeyEncryptionKey kek) {
        StoredSigningKey key = sealed(privateKey, KeyState.NEXT, kek);
        try {
            store.insert(key);
        } catch (SigningKeyStore.ActiveKeyConflictException impossibleForNext) {
            throw new RefusedException(Refusal.CONCURRENT_CHANGE);
        } catch (IllegalStateException duplicateKid) {
            // A concurrent import of the same kid won the primary key.
            if (store.find(privateKey.getKeyID()).isPresent()) {
                throw new RefusedException(Refusal.KID_EXISTS);
            }
            throw duplicateKid;
        }
        return key;
    }

    /**
     * The first key of an empty development key set, stored directly as active. Two nodes doing
     * this at once both insert; the unique active slot keeps exactly one, and the loser reads it.
     */
    StoredSigningKey createFirstActive(JWSAlgorithm algorithm, KeyEncryptionKey kek) throws SigningKeyStore.ActiveKeyConflictException {
        StoredSigningKey key = sealed(KeyMaterial.generate(algorithm), KeyState.ACTIVE, kek);
        store.insert(key);
        return key;
    }

    /**
     * Promotes the next key (or the named one, which must be next) to active; the active key
     * becomes retired.
     */
    public StoredSigningKey promote(Optional<String> kid, boolean force) {
        List<StoredSigningKey> keys = store.findAll();
        StoredSigningKey target = kid.map(k -> keys.stream().filter(key -> key.kid().equals(k)).findFirst()
                        .orElseThrow(() -> new RefusedException(Refusal.NO_SUCH_KEY)))
                .orElseGet(() -> keys.stream().filter(key -> key.state() == KeyState.NEXT).findFirst()
                        .orElseThrow(() -> new RefusedException(Refusal.NO_NEXT_KEY)));
        if (target.state() != KeyState.NEXT) {
            throw new RefusedException(Refusal.NOT_NEXT);
        }
        Instant now = clock.instant();
        boolean firstKey = keys.stream().noneMatch(key -> key.state() == KeyState.ACTIVE);
        if (!force && !firstKey && target.createdAt().plus(MIN_TIME_AS_NEXT).isAfter(now)) {
            throw new RefusedException(Refusal.TOO_EARLY);
        }
        try {
            if (!store.promote(target.kid(), now)) {
                throw new RefusedException(Refusal.CONCURRENT_CHANGE);
            }
        } catch (SigningKeyStore.ActiveKeyConflictException e) {
            throw new RefusedException(Refusal.CONCURRENT_CHANGE);
        }
        return store.find(target.kid()).orElseThrow();
    }

    /**
     * Withdraws a next key that should never sign. (The active key retires by promoting its
     * successor: retiring it directly would leave nothing to sign with.)
     */
    public StoredSigningKey retire(String kid) {
        StoredSigningKey key = existing(kid);
        if (key.state() == KeyState.ACTIVE) {
            throw new RefusedException(Refusal.ACTIVE_KEY);
        }
        if (key.state() != KeyState.NEXT || !store.transition(kid, KeyState.NEXT, KeyState.RETIRED, clock.instant())) {
            throw new RefusedException(Refusal.NOT_NEXT);
        }
        return store.find(kid).orElseThrow();
    }

    /**
     * Revokes a next or retired key: it leaves the JWKS, and the tokens it signed are refused.
     * Revoking the active key is refused; in an emergency, generate a key, promote it with
     * force, then revoke the old one.
     */
    public StoredSigningKey revoke(String kid) {
        StoredSigningKey key = existing(kid);
        switch (key.state()) {
            case ACTIVE -> throw new RefusedException(Refusal.ACTIVE_KEY);
            case REVOKED -> throw new RefusedException(Refusal.ALREADY_REVOKED);
            default -> {
                if (!store.transition(kid, key.state(), KeyState.REVOKED, clock.instant())) {
                    throw new RefusedException(Refusal.CONCURRENT_CHANGE);
                }
            }
        }
        return store.find(kid).orElseThrow();
    }

    private StoredSigningKey existing(String kid) {
        return store.find(kid).orElseThrow(() -> new RefusedException(Refusal.NO_SUCH_KEY));
    }

    private StoredSigningKey sealed(JWK jwk, KeyState state, KeyEncryptionKey kek) {
        String algorithm = jwk.getAlgorithm().getName();
        Instant now = clock.instant();
        return new StoredSigningKey(jwk.getKeyID(), algorithm, state, kek.seal(jwk.getKeyID(), algorithm, jwk.toJSONString()),
                now, state == KeyState.ACTIVE ? now : null, null, null);
    }
}

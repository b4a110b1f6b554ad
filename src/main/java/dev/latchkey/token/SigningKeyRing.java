package dev.latchkey.token;

import dev.latchkey.crypto.ManagedKey;

import java.util.Optional;

/**
 * What issuing and verifying need of the signing keys: the key that signs now, and the trusted
 * key of a {@code kid}. The key set itself (storage, rotation, sealing) lives in the keys package,
 * which implements this; the token package never depends on how keys are kept.
 */
public interface SigningKeyRing {

    ManagedKey activeSigningKey();

    /** @return the key, when {@code kid} names one that is trusted now; empty for null or unknown */
    Optional<ManagedKey> verificationKey(String kid);
}

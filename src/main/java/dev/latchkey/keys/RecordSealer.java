package dev.latchkey.keys;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Optional;

/**
 * Seals values that must not be readable from a copy of the database, under the same
 * key-encryption key as the signing keys: queued mail bodies (they carry live one-time links) and,
 * later, TOTP secrets. Each value is bound to its purpose and row (see
 * {@link KeyEncryptionKey#sealRecord}).
 */
@ApplicationScoped
public class RecordSealer {

    @Inject
    KeySettings settings;

    private KeyEncryptionKey kek;

    @PostConstruct
    void load() {
        kek = settings.keyEncryptionKeyOrDevelopment();
    }

    /** For code outside a container (unit tests, tools). */
    public static RecordSealer with(KeyEncryptionKey kek) {
        RecordSealer sealer = new RecordSealer();
        sealer.kek = kek;
        return sealer;
    }

    public String seal(String purpose, String rowId, byte[] plaintext) {
        return kek.sealRecord(purpose, rowId, plaintext);
    }

    /**
     * A pseudonym for a value that must not be stored or logged itself (an erased user's id in
     * the audit trail): the same value gives the same pseudonym under the same KEK, so the trail
     * still links one user's events, and only a holder of the KEK can test a guess.
     */
    public String pseudonym(String purpose, String value) {
        return kek.pseudonym(purpose, value);
    }

    /** @return empty when the value does not open: another KEK, another row or purpose, or altered */
    public Optional<byte[]> open(String purpose, String rowId, String sealed) {
        return kek.openRecord(purpose, rowId, sealed);
    }
}

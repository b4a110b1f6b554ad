package dev.latchkey.mfa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * An account's TOTP secret, sealed under the key-encryption key, pending until its first code
 * confirms it (liquibase/changes/008-mfa.xml).
 */
@Entity
@Table(name = "totp_credential")
public class TotpCredential {

    @Id
    @Column(name = "user_id", length = 36)
    private String userId;

    @Column(name = "secret_sealed", length = 512, nullable = false)
    private String secretSealed;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "confirmed_at")
    private Instant confirmedAt;

    /** The highest step ever accepted; only a conditional UPDATE raises it (see TotpCredentials). */
    @Column(name = "last_step", nullable = false)
    private long lastStep;

    protected TotpCredential() {
        // for JPA
    }

    TotpCredential(String userId, String secretSealed, Instant now) {
        this.userId = userId;
        this.secretSealed = secretSealed;
        this.createdAt = now;
        this.lastStep = -1;
    }

    String userId() {
        return userId;
    }

    String secretSealed() {
        return secretSealed;
    }

    boolean isConfirmed() {
        return confirmedAt != null;
    }
}

package dev.latchkey.account;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** One issued one-time token, by its SHA-256 only (liquibase/changes/005-account-lifecycle.xml). */
@Entity
@Table(name = "one_time_token")
public class OneTimeToken {

    /** What a token may be used for; a token of one purpose is worthless for the other. */
    public enum Purpose { PASSWORD_RESET, EMAIL_VERIFICATION }

    @Id
    @Column(name = "token_hash", length = 64)
    private String tokenHash;

    @Enumerated(EnumType.STRING)
    @Column(name = "purpose", length = 24, nullable = false)
    private Purpose purpose;

    @Column(name = "subject_id", length = 36, nullable = false)
    private String subjectId;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "expires_at", nullable = false)
    private Instant expiresAt;

    @Column(name = "used_at")
    private Instant usedAt;

    protected OneTimeToken() {
        // for JPA
    }

    OneTimeToken(String tokenHash, Purpose purpose, String subjectId, Instant now, Instant expiresAt) {
        this.tokenHash = tokenHash;
        this.purpose = purpose;
        this.subjectId = subjectId;
        this.createdAt = now;
        this.expiresAt = expiresAt;
    }

    String subjectId() {
        return subjectId;
    }
}

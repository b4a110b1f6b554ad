package dev.latchkey.mfa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** One single-use recovery code, by its SHA-256 only (liquibase/changes/008-mfa.xml). */
@Entity
@Table(name = "recovery_code")
public class RecoveryCode {

    @Id
    @Column(name = "code_hash", length = 64)
    private String codeHash;

    @Column(name = "user_id", length = 36, nullable = false)
    private String userId;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "used_at")
    private Instant usedAt;

    protected RecoveryCode() {
        // for JPA
    }

    RecoveryCode(String codeHash, String userId, Instant now) {
        this.codeHash = codeHash;
        this.userId = userId;
        this.createdAt = now;
    }
}
